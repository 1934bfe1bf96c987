import { describe, expect, it } from 'vitest';
import { StudioAccessError } from '../../../shared/src/authorization/studio-access';
import { LiveApiError } from '../../../shared/src/errors';
import { classifyError } from '../../../shared/src/fc/error-classification';
import { StartTimeInPastError } from '../../../shared/src/plan/plan-errors';

// What the gateway answers for a bad signature: its string-to-sign, with the AccessKeyId, the callback path and the token.
const STRING_TO_SIGN_MESSAGE =
  'Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3DSTS.NUgYrLnoC37mZZCNnAbez2xTest%26CallbackUrl%3Dhttp%253A%252F%252Fdemo.example.com%252Fcaster%252Fsecretpath%26ClientToken%3Dtoken-42';

function apiError(code: string, message: string, requestId = 'A29FFDC1-A655-45E4-AF7C-97A6EA9F1FF7'): LiveApiError {
  return new LiveApiError({ action: 'AddCasterEpisodeGroup', code, message, requestId, httpStatus: 400, retryable: false });
}

describe('classifyError keeps API internals out of what callers see', () => {
  it('gives the Code and RequestId of SignatureDoesNotMatch with a message of its own, never the string-to-sign', () => {
    // Act
    const classification = classifyError(apiError('SignatureDoesNotMatch', STRING_TO_SIGN_MESSAGE));

    // Assess
    expect(classification).toMatchObject({
      statusCode: 502,
      code: 'SignatureDoesNotMatch',
      requestId: 'A29FFDC1-A655-45E4-AF7C-97A6EA9F1FF7',
    });
    expect(JSON.stringify(classification)).not.toMatch(/string to sign|AccessKeyId|secretpath|token-42|STS\./);
  });

  it.each([
    ['an unknown code', 'InvalidCaster.NotFound', /^The Live API answered AddCasterEpisodeGroup with InvalidCaster\.NotFound$/],
    ['InvalidParameter', 'InvalidParameter', /refused a parameter/],
  ])('never passes the API message through for %s', (_name, code, message) => {
    // Act
    const classification = classifyError(
      apiError(code, 'The specified parameter "CallbackUrl" http://demo.example.com/secretpath is not valid'),
    );

    // Assess
    expect(classification.message).toMatch(message);
    expect(JSON.stringify(classification)).not.toContain('secretpath');
  });

  it('does not repeat a Code or RequestId that could carry text injected into the answer', () => {
    // Act
    const classification = classifyError(apiError('Bad Code\n<script>', 'm', 'id with spaces\r\n'));

    // Assess
    expect(classification).toMatchObject({ code: 'UnrecognisedCode', requestId: undefined });
  });
});

describe('classifyError for the plan rules', () => {
  it('maps a start that has passed to 400 StartTimeInPast, not retryable, with its field errors', () => {
    // Act
    const classification = classifyError(new StartTimeInPastError({ StartTime: ['is in the past'] }));

    // Assess
    expect(classification).toMatchObject({
      statusCode: 400,
      error: 'StartTimeInPast',
      retryable: false,
      fieldErrors: { StartTime: ['is in the past'] },
    });
  });

  it('maps a studio not allowed to 403 Forbidden, not retryable, naming the field', () => {
    // Act
    const classification = classifyError(new StudioAccessError({ CasterId: ['is not allowed'] }));

    // Assess
    expect(classification).toMatchObject({
      statusCode: 403,
      error: 'Forbidden',
      retryable: false,
      fieldErrors: { CasterId: ['is not allowed'] },
    });
  });
});

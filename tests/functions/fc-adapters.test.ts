import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  HttpError,
  LiveApiError,
  LiveTransportError,
  PlanValidationError,
  ThrottledError,
} from '../../shared/src/errors';
import { classifyError } from '../../shared/src/fc/error-classification';
import { deadlineAtMsFor } from '../../shared/src/fc/fc-deadline';
import { decodeFcEvent } from '../../shared/src/fc/fc-event-parser';
import { parseIsoDurationSeconds } from '../../shared/src/triggers/timer/iso-duration';
import { formatStartTime } from '../../shared/src/triggers/timer/start-offset';
import { fcContext, httpEvent } from '../support/fc-events';
import { captureLogLines, useFunction } from '../support/fc-testbed';

describe('parseIsoDurationSeconds', () => {
  it.each([
    ['PT30M', 1_800],
    ['P1DT2H', 93_600],
    ['PT1H30M15S', 5_415],
    ['P2D', 172_800],
    ['PT0S', 0],
  ])('reads %s as %i seconds', (text, seconds) => {
    // Act
    const parsed = parseIsoDurationSeconds(text);

    // Assess
    expect(parsed).toEqual({ ok: true, seconds });
  });

  it.each([
    ['P1Y', /years or months/],
    ['P1M', /years or months/],
    ['P1Y2M3D', /years or months/],
    ['PT1.5H', /whole numbers/],
    ['PT0,5H', /whole numbers/],
    ['P1W', /weeks/],
    ['-PT5M', /negative/],
    ['P', /ISO 8601 duration/],
    ['PT', /ISO 8601 duration/],
    ['30M', /ISO 8601 duration/],
    ['PT5M30H', /ISO 8601 duration/],
  ])('refuses %s with a message saying why', (text, reason) => {
    // Act
    const parsed = parseIsoDurationSeconds(text);

    // Assess
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toMatch(reason);
  });

  it('reads back every duration it is given in canonical form', () => {
    fc.assert(
      fc.property(fc.nat(400), fc.nat(23), fc.nat(59), fc.nat(59), (days, hours, minutes, seconds) => {
        // Prepare
        const text = `P${days}DT${hours}H${minutes}M${seconds}S`;

        // Act
        const parsed = parseIsoDurationSeconds(text);

        // Assess
        expect(parsed).toEqual({ ok: true, seconds: ((days * 24 + hours) * 60 + minutes) * 60 + seconds });
      }),
    );
  });
});

describe('formatStartTime', () => {
  it('rounds to the nearest whole second in the API’s format', () => {
    // Assess
    expect(formatStartTime(Date.parse('2031-01-01T00:00:00.499Z'))).toBe('2031-01-01T00:00:00Z');
    expect(formatStartTime(Date.parse('2031-01-01T00:00:00.500Z'))).toBe('2031-01-01T00:00:01Z');
  });
});

describe('deadlineAtMsFor', () => {
  it.each([
    [30, 29_000],
    [3, 2_250],
    [1, 750],
    [undefined, 2_250],
  ])('keeps a margin from a %s s timeout', (timeoutSeconds, expectedMs) => {
    // Assess
    expect(deadlineAtMsFor(0, timeoutSeconds)).toBe(expectedMs);
  });
});

describe('decodeFcEvent', () => {
  it('parses a Buffer, a string or passes an object through', () => {
    // Assess
    expect(decodeFcEvent(Buffer.from('{"a":1}'))).toEqual({ a: 1 });
    expect(decodeFcEvent('{"a":1}')).toEqual({ a: 1 });
    expect(decodeFcEvent({ a: 1 })).toEqual({ a: 1 });
  });

  it('refuses text that is not JSON without quoting it', () => {
    // Act
    const error = (() => {
      try {
        decodeFcEvent(Buffer.from('{"auth_key=secret'));
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();

    // Assess
    expect(error?.name).toBe('InvalidEventError');
    expect(error?.message).not.toContain('secret');
  });
});

describe('classifyError', () => {
  const apiError = (code: string, retryable = false) =>
    new LiveApiError({ action: 'AddCasterEpisodeGroup', code, message: 'm', requestId: 'REQ-1', httpStatus: 400, retryable });

  it.each([
    ['a plan error', new PlanValidationError({ StartTime: ['is required'] }), 400, 'InvalidPlan'],
    ['a 415', new HttpError(415, 'UnsupportedMediaType', 'no'), 415, 'UnsupportedMediaType'],
    ['the pacer', new ThrottledError('AddCasterEpisodeGroup', 1_200), 429, 'Throttled'],
    ['API throttling', apiError('Throttling.User', true), 429, 'Throttled'],
    ['a token mismatch', apiError('IdempotentParameterMismatch'), 409, 'IdempotencyConflict'],
    ['ServiceUnavailable', apiError('ServiceUnavailable', true), 503, 'LiveApiUnavailable'],
    ['InternalError', apiError('InternalError', true), 503, 'LiveApiUnavailable'],
    ['another API code', apiError('InvalidCaster.NotFound'), 502, 'LiveApiError'],
    ['a timeout', new LiveTransportError('AddCasterEpisodeGroup', 'RequestTimeout', 'slow'), 504, 'LiveApiTimeout'],
    ['no connection', new LiveTransportError('AddCasterEpisodeGroup', 'ConnectionFailed', 'refused'), 503, 'LiveApiUnavailable'],
    ['configuration', new ConfigurationError('CASTER_ID missing'), 500, 'InvalidConfiguration'],
    ['anything else', new TypeError('x is undefined'), 500, 'InternalError'],
    ['a thrown string', 'boom', 500, 'InternalError'],
  ])('maps %s to %i %s', (_label, error, statusCode, name) => {
    // Act
    const classification = classifyError(error);

    // Assess
    expect(classification.statusCode).toBe(statusCode);
    expect(classification.error).toBe(name);
  });

  it('rounds Retry-After up to whole seconds', () => {
    // Assess
    expect(classifyError(new ThrottledError('AddCasterEpisodeGroup', 1_200)).retryAfterSeconds).toBe(2);
    expect(classifyError(new ThrottledError('AddCasterEpisodeGroup', 10)).retryAfterSeconds).toBe(1);
  });
});

describe('HTTP handler on arbitrary input', () => {
  const logs = captureLogLines();
  const subject = useFunction('http');
  afterAll(() => logs.restore());

  it('always answers with a JSON response and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((value) => JSON.stringify(value)),
          fc
            .record({
              method: fc.constantFrom('POST', 'GET', 'PUT'),
              body: fc.jsonValue(),
              contentType: fc.constantFrom('application/json', 'text/plain', ''),
            })
            .map(({ method, body, contentType }) => JSON.stringify(httpEvent({ method, body, headers: { 'Content-Type': contentType } }))),
        ),
        async (eventText) => {
          // Act
          const result = (await subject.fn.handler(Buffer.from(eventText), fcContext())) as { statusCode: number; body: string };

          // Assess
          expect(result.statusCode).toBeGreaterThanOrEqual(400);
          expect(JSON.parse(result.body)).toHaveProperty('error');
        },
      ),
      { numRuns: 150 },
    );
    expect(await subject.testbed.addRequests()).toEqual([]);
  });
});

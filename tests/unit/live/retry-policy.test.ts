import { describe, expect, it } from 'vitest';
import { LiveApiError, LiveTransportError, ThrottledError } from '../../../shared/src/errors';
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  isRetryableCode,
  isRetryableError,
  parseRetryAfterMs,
} from '../../../shared/src/live/retry-policy';

describe('isRetryableCode', () => {
  it.each(['Throttling', 'Throttling.User', 'Throttling.Api', 'ServiceUnavailable', 'ServiceUnavailable.Busy', 'InternalError'])(
    'treats %s as worth another attempt',
    (code) => {
      // Prepare
      const candidate = code;

      // Act
      const retryable = isRetryableCode(candidate);

      // Assess
      expect(retryable).toBe(true);
    },
  );

  it.each([
    'SignatureDoesNotMatch',
    'InvalidParameter',
    'IdempotentParameterMismatch',
    'MissingParameter',
    'InvalidAccessKeyId.NotFound',
    'SignatureNonceUsed',
    'InvalidTimeStamp.Expired',
    'Forbidden.RAM',
    'InternalErrorX',
  ])('never blindly retries %s', (code) => {
    // Prepare
    const candidate = code;

    // Act
    const retryable = isRetryableCode(candidate);

    // Assess
    expect(retryable).toBe(false);
  });
});

describe('isRetryableError', () => {
  it.each([
    ['a transport timeout', new LiveTransportError('A', 'RequestTimeout', 'slow'), true],
    ['a refused connection', new LiveTransportError('A', 'ConnectionFailed', 'ECONNREFUSED'), true],
    ['a retryable API error', new LiveApiError({ action: 'A', code: 'Throttling', message: '', httpStatus: 400, retryable: true }), true],
    [
      'a final API error',
      new LiveApiError({ action: 'A', code: 'InvalidParameter', message: '', httpStatus: 400, retryable: false }),
      false,
    ],
    ['the local pacer giving up', new ThrottledError('A', 300), false],
    ['a programming error', new TypeError('bug'), false],
  ])('answers for %s', (_name, error, expected) => {
    // Prepare
    const candidate: unknown = error;

    // Act
    const retryable = isRetryableError(candidate);

    // Assess
    expect(retryable).toBe(expected);
  });
});

describe('backoffDelayMs', () => {
  const policy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 1_000 };

  it('draws full jitter from 0 up to (not including) base * 2^(attempt-1)', () => {
    // Prepare
    const attempts = [1, 2, 3];

    // Act
    const lowest = attempts.map((attempt) => backoffDelayMs(policy, attempt, undefined, () => 0));
    const highest = attempts.map((attempt) => backoffDelayMs(policy, attempt, undefined, () => 0.9999));

    // Assess
    expect(lowest).toEqual([0, 0, 0]);
    expect(highest).toEqual([199, 399, 799]);
  });

  it('caps the ceiling at maxDelayMs however many attempts were made', () => {
    // Prepare
    const attempt = 30;

    // Act
    const delay = backoffDelayMs(policy, attempt, undefined, () => 0.9999);

    // Assess
    expect(delay).toBe(999);
  });

  it('never waits less than the server asked for, even beyond maxDelayMs', () => {
    // Prepare
    const retryAfterMs = 4_000;

    // Act
    const delay = backoffDelayMs(policy, 1, retryAfterMs, () => 0.5);

    // Assess
    expect(delay).toBe(4_000);
  });

  it('has sane defaults: five attempts, 200 ms base, 5 s cap', () => {
    // Prepare
    const defaults = DEFAULT_RETRY_POLICY;

    // Act
    const summary = { ...defaults };

    // Assess
    expect(summary).toEqual({ maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 });
  });
});

describe('parseRetryAfterMs', () => {
  it.each([
    ['a number of milliseconds', '1500', 1500],
    ['zero', '0', 0],
    ['surrounding spaces', ' 250 ', 250],
    ['the first of repeated headers', ['700', '900'], 700],
    ['a value above the cap, capped', '999999', 30_000],
    ['no header', undefined, undefined],
    ['an empty header', '   ', undefined],
    ['text', 'soon', undefined],
    ['a negative number', '-5', undefined],
    ['infinity', 'Infinity', undefined],
  ])('reads %s', (_name, header, expected) => {
    // Prepare
    const value = header as string | string[] | undefined;

    // Act
    const parsed = parseRetryAfterMs(value);

    // Assess
    expect(parsed).toBe(expected);
  });

  it('honours a caller-chosen cap', () => {
    // Prepare
    const header = '5000';

    // Act
    const parsed = parseRetryAfterMs(header, 1_000);

    // Assess
    expect(parsed).toBe(1_000);
  });
});

import { describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_STUDIO, type RunningEmulator } from '../../emulator/index';
import { LiveApiError } from '../../shared/src/errors';
import { createLiveClient } from '../../shared/src/live/live-client';
import { describeCasterConfig } from '../../shared/src/live/operations';
import { utcSecondTimestamp } from '../../shared/src/live/request-signing';
import type { SignatureAlgorithm } from '../../shared/src/signing/credentials';
import { call, callError, popClient, useEmulators } from './support';

const start = useEmulators();
const MINUTE_MS = 60_000;

/** Reads the demo studio once through the project client, signed with `algorithm` by the real clock. */
async function describeSignedNow(emulator: RunningEmulator, algorithm: SignatureAlgorithm): Promise<string> {
  const client = createLiveClient({
    endpoint: emulator.url,
    regionId: 'cn-shanghai',
    credentials: DEMO_CREDENTIALS,
    signatureAlgorithm: algorithm,
    timeoutMs: 5000,
    retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 5 },
  });
  try {
    await describeCasterConfig(client, DEMO_STUDIO.CasterId);
    return 'ok';
  } catch (error) {
    if (error instanceof LiveApiError) return error.code;
    throw error;
  }
}

// The server clock is moved instead of the client's: the request is signed with the real time.
describe.each([
  ['v1', 31],
  ['acs3', 15],
] as const)('the %s signing-time window (%i minutes, as Alibaba documents it)', (algorithm, windowMinutes) => {
  it.each([
    ['behind', -1],
    ['ahead of', 1],
  ])('accepts a request signed a minute inside the window %s the server clock', async (_side, sign) => {
    // Prepare: the request's time is (window - 1) minutes off the server's.
    const offsetMs = sign * (windowMinutes - 1) * MINUTE_MS;
    const emulator = await start({ now: () => Date.now() - offsetMs });
    // Act
    const verdict = await describeSignedNow(emulator, algorithm);
    // Assess
    expect(verdict).toBe('ok');
  });

  it.each([
    ['behind', -1],
    ['ahead of', 1],
  ])('refuses a request signed a minute outside the window %s the server clock with InvalidTimeStamp.Expired', async (_side, sign) => {
    // Prepare
    const offsetMs = sign * (windowMinutes + 1) * MINUTE_MS;
    const emulator = await start({ now: () => Date.now() - offsetMs });
    // Act
    const verdict = await describeSignedNow(emulator, algorithm);
    // Assess
    expect(verdict).toBe('InvalidTimeStamp.Expired');
  });
});

describe('signature nonces', () => {
  it('refuses a nonce replayed with a timestamp still inside the window, long after 15 minutes', async () => {
    // Prepare: a request signed 31 minutes ahead stays acceptable until 31 minutes after its Timestamp.
    let nowMs = Date.now();
    const emulator = await start({ now: () => nowMs });
    const client = popClient(emulator);
    const signedAtMs = nowMs + 31 * MINUTE_MS;
    const replayed = { CasterId: DEMO_STUDIO.CasterId, SignatureNonce: 'nonce-signed-ahead', Timestamp: utcSecondTimestamp(signedAtMs) };
    await call(client, 'DescribeCasterConfig', replayed);
    nowMs += 61 * MINUTE_MS;
    // Act
    const error = await callError(call(client, 'DescribeCasterConfig', replayed));
    // Assess
    expect(error.code).toBe('SignatureNonceUsed');
  });

  it('refuses a nonce reused with a fresh timestamp 40 minutes later (kept longer than any window)', async () => {
    // Prepare
    let nowMs = Date.now();
    const emulator = await start({ now: () => nowMs });
    const client = popClient(emulator);
    await call(client, 'DescribeCasterConfig', {
      CasterId: DEMO_STUDIO.CasterId,
      SignatureNonce: 'nonce-reused',
      Timestamp: utcSecondTimestamp(nowMs),
    });
    nowMs += 40 * MINUTE_MS;
    // Act
    const error = await callError(
      call(client, 'DescribeCasterConfig', {
        CasterId: DEMO_STUDIO.CasterId,
        SignatureNonce: 'nonce-reused',
        Timestamp: utcSecondTimestamp(nowMs),
      }),
    );
    // Assess
    expect(error.code).toBe('SignatureNonceUsed');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../emulator/index';
import { call, callError, listRequests, popClient, rawRequest, useEmulators } from './support';

const start = useEmulators();

describe('wire fidelity (property-based)', () => {
  it('verifies every pop-core signature, whatever the parameter values, over GET and POST', async () => {
    // Prepare: a not-found answer proves the signature was verified and the value arrived intact.
    const emulator = await start({ qps: { DescribeCasterConfig: 100_000 } });
    const client = popClient(emulator);
    // Act / Assess
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
        fc.constantFrom('GET', 'POST'),
        async (casterId, method) => {
          fc.pre(casterId.trim() !== '');
          const error = await callError(call(client, 'DescribeCasterConfig', { CasterId: casterId }, method as 'GET' | 'POST'));
          expect(error.code).toBe('InvalidCaster.NotFound');
          expect(error.data.Message).toContain(casterId);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('answers any query string with an API error body, never a 5xx', async () => {
    // Prepare
    const emulator = await start();
    // Act / Assess
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (query) => {
        const answer = await rawRequest(`${emulator.url}/?${encodeURI(query).replace(/#/g, '%23')}`);
        expect(answer.status).toBeLessThan(500);
        expect(answer.json).toMatchObject({ Code: expect.any(String), RequestId: expect.any(String), HostId: 'live.aliyuncs.com' });
      }),
      { numRuns: 200 },
    );
  });

  it('never logs a secret sent in the AccessKeyId field by a client that swapped id and secret', async () => {
    // Prepare
    const emulator = await start();
    const swapped = popClient(emulator, { accessKeyId: DEMO_CREDENTIALS.accessKeySecret, accessKeySecret: DEMO_CREDENTIALS.accessKeyId });
    await callError(call(swapped, 'DescribeCasterConfig', { CasterId: 'x' }));
    // Act
    const entries = await listRequests(emulator);
    // Assess
    expect(JSON.stringify(entries)).not.toContain(DEMO_CREDENTIALS.accessKeySecret);
    expect(entries[0]).toMatchObject({ AccessKeyId: '<redacted>', Verdict: 'InvalidAccessKeyId.NotFound' });
  });
});

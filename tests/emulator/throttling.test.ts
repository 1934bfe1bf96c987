import { describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_STUDIO } from '../../emulator/index';
import { call, episodeGroupParams, listEpisodeGroups, type PopCoreError, popClient, useEmulators } from './support';

const start = useEmulators();
const STS = { accessKeyId: 'STS.ThrottleKey', accessKeySecret: 'sts-secret', securityToken: 'sts-token' };

/** Runs calls concurrently and returns each one's verdict: `ok` or the error code. */
async function verdicts(calls: Promise<unknown>[]): Promise<string[]> {
  const settled = await Promise.allSettled(calls);
  return settled.map((result) => (result.status === 'fulfilled' ? 'ok' : ((result.reason as PopCoreError).code ?? 'transport')));
}

function count(list: string[], verdict: string): number {
  return list.filter((v) => v === verdict).length;
}

describe('flow control (per account, per action, sliding 1000 ms window)', () => {
  it('admits exactly 4 of 6 concurrent AddCasterEpisodeGroup calls and throttles the rest with Throttling.User', async () => {
    // Prepare: a frozen clock, so all six fall in one window however slow the machine is.
    const nowMs = Date.now();
    const emulator = await start({ now: () => nowMs });
    const client = popClient(emulator);
    // Act
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => call(client, 'AddCasterEpisodeGroup', episodeGroupParams(), 'POST')),
    );
    // Assess
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as PopCoreError);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    expect(rejected).toHaveLength(2);
    for (const error of rejected) {
      expect(error.code).toBe('Throttling.User');
      expect(error.data.Message).toBe('Request was denied due to user flow control.');
      expect(error.entry.response.statusCode).toBe(400);
    }
    expect(await listEpisodeGroups(emulator)).toHaveLength(4);
  });

  it('admits exactly 15 of 17 concurrent DescribeCasterConfig calls', async () => {
    // Prepare
    const nowMs = Date.now();
    const emulator = await start({ now: () => nowMs });
    const client = popClient(emulator);
    // Act
    const list = await verdicts(Array.from({ length: 17 }, () => call(client, 'DescribeCasterConfig', { CasterId: DEMO_STUDIO.CasterId })));
    // Assess
    expect(count(list, 'ok')).toBe(15);
    expect(count(list, 'Throttling.User')).toBe(2);
  });

  it('admits again once the oldest admitted call is 1000 ms old, not counting throttled calls', async () => {
    // Prepare
    let nowMs = Date.now();
    const emulator = await start({ now: () => nowMs });
    const client = popClient(emulator);
    const deleteCall = (): Promise<unknown> => call(client, 'DeleteCasterEpisodeGroup', { ProgramId: 'none' });
    await verdicts([deleteCall(), deleteCall(), deleteCall(), deleteCall()]);
    nowMs += 500;
    const throttled = await verdicts([deleteCall()]);
    nowMs += 499;
    const stillThrottled = await verdicts([deleteCall()]);
    nowMs += 1;
    // Act
    const afterWindow = await verdicts([deleteCall(), deleteCall(), deleteCall(), deleteCall(), deleteCall()]);
    // Assess: admitted calls reach the operation, which answers not-found for this ProgramId.
    expect(throttled).toEqual(['Throttling.User']);
    expect(stillThrottled).toEqual(['Throttling.User']);
    expect(count(afterWindow, 'InvalidProgram.NotFound')).toBe(4);
    expect(count(afterWindow, 'Throttling.User')).toBe(1);
  });

  it('counts each action separately', async () => {
    // Prepare
    const nowMs = Date.now();
    const emulator = await start({ now: () => nowMs });
    const client = popClient(emulator);
    await verdicts(Array.from({ length: 4 }, () => call(client, 'AddCasterEpisodeGroup', episodeGroupParams())));
    // Act
    const list = await verdicts(Array.from({ length: 4 }, () => call(client, 'DeleteCasterEpisodeGroup', { ProgramId: 'none' })));
    // Assess
    expect(count(list, 'Throttling.User')).toBe(0);
  });

  it('shares the limit between the STS key and the long-term key of one account', async () => {
    // Prepare
    const nowMs = Date.now();
    const emulator = await start({ now: () => nowMs, extraCredentials: [STS] });
    const longTerm = popClient(emulator, DEMO_CREDENTIALS);
    const temporary = popClient(emulator, STS);
    // Act
    const list = await verdicts([
      ...Array.from({ length: 3 }, () => call(longTerm, 'AddCasterEpisodeGroup', episodeGroupParams())),
      ...Array.from({ length: 3 }, () => call(temporary, 'AddCasterEpisodeGroup', episodeGroupParams())),
    ]);
    // Assess
    expect(count(list, 'ok')).toBe(4);
    expect(count(list, 'Throttling.User')).toBe(2);
  });

  it('applies a QPS given in options instead of the documented one', async () => {
    // Prepare
    const nowMs = Date.now();
    const emulator = await start({ now: () => nowMs, qps: { AddCasterEpisodeGroup: 1 } });
    const client = popClient(emulator);
    // Act
    const list = await verdicts(Array.from({ length: 3 }, () => call(client, 'AddCasterEpisodeGroup', episodeGroupParams())));
    // Assess
    expect(count(list, 'ok')).toBe(1);
  });
});

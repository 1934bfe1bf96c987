import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaultInjector, formatFaultSpec } from '../../emulator/faults';
import { DEMO_STUDIO, type FaultKind, type FaultSpec, parseFaultSpec } from '../../emulator/index';
import {
  call,
  episodeGroupContent,
  episodeGroupParams,
  listEpisodeGroups,
  listRequests,
  type PopCoreError,
  popClient,
  rawRequest,
  useEmulators,
} from './support';

const start = useEmulators();
const DESCRIBE = { CasterId: DEMO_STUDIO.CasterId };

async function verdictOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    const { code, data } = error as PopCoreError;
    return data ? code : 'reset';
  }
}

async function sequentialVerdicts(seed: number, spec: string, calls: number): Promise<string[]> {
  const emulator = await start({ faults: spec, seed, qps: { DescribeCasterConfig: 1000 } });
  const client = popClient(emulator);
  const verdicts: string[] = [];
  for (let index = 0; index < calls; index += 1) verdicts.push(await verdictOf(call(client, 'DescribeCasterConfig', DESCRIBE)));
  await emulator.close();
  return verdicts;
}

describe('fault injection', () => {
  it('gives the same sequence of verdicts for the same seed and requests', async () => {
    // Prepare
    const spec = 'throttle=0.15,error500=0.15,error503=0.15,reset=0.15';
    // Act
    const first = await sequentialVerdicts(42, spec, 30);
    const second = await sequentialVerdicts(42, spec, 30);
    // Assess
    expect(second).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['ok', 'Throttling.User', 'InternalError', 'ServiceUnavailable', 'reset']));
  });

  it.each([
    ['throttle', 'Throttling.User', 400],
    ['error500', 'InternalError', 500],
    ['error503', 'ServiceUnavailable', 503],
  ])('answers %s faults with %s and a proper error body (HTTP %i)', async (kind, code, status) => {
    // Prepare
    const emulator = await start({ faults: { [kind]: 1 }, seed: 1 });
    // Act
    let error: PopCoreError | undefined;
    try {
      await call(popClient(emulator), 'DescribeCasterConfig', DESCRIBE);
    } catch (thrown) {
      error = thrown as PopCoreError;
    }
    // Assess
    expect(error?.code).toBe(code);
    expect(error?.entry.response.statusCode).toBe(status);
    expect(error?.data).toMatchObject({
      Code: code,
      HostId: 'live.aliyuncs.com',
      RequestId: expect.any(String),
      Recommend: expect.stringContaining(`q=${code}`),
    });
  });

  it('drops the connection without an answer for reset faults', async () => {
    // Prepare
    const emulator = await start({ faults: 'reset=1', seed: 1 });
    // Act
    const verdict = await verdictOf(call(popClient(emulator), 'DescribeCasterConfig', DESCRIBE));
    // Assess
    expect(verdict).toBe('reset');
    const [entry] = await listRequests(emulator);
    expect(entry).toMatchObject({ Verdict: 'reset', HttpStatus: null, Fault: 'reset' });
  });

  it('delays answers by the injected latency', async () => {
    // Prepare
    const emulator = await start({ faults: 'latency=150-150@1', seed: 1 });
    const client = popClient(emulator);
    // Act
    const startedMs = performance.now();
    await call(client, 'DescribeCasterConfig', DESCRIBE);
    const elapsedMs = performance.now() - startedMs;
    // Assess
    expect(elapsedMs).toBeGreaterThanOrEqual(145);
    const [entry] = await listRequests(emulator);
    expect(entry).toMatchObject({ Verdict: 'ok', InjectedLatencyMs: 150 });
  });

  it('never creates an episode group when a fault is injected', async () => {
    // Prepare
    const emulator = await start({ faults: { error500: 0.5, reset: 0.5 }, seed: 9 });
    const client = popClient(emulator);
    // Act
    for (let index = 0; index < 4; index += 1) await verdictOf(call(client, 'AddCasterEpisodeGroup', episodeGroupParams(), 'POST'));
    // Assess
    expect(await listEpisodeGroups(emulator)).toEqual([]);
  });

  it('leaves the inspection endpoints alone', async () => {
    // Prepare
    const emulator = await start({ faults: 'error503=1', seed: 1 });
    // Act
    const answer = await rawRequest(`${emulator.url}/_emulator/episode-groups`);
    // Assess
    expect(answer.status).toBe(200);
  });

  it('draws latencies inside the configured range and only with the configured probability', () => {
    // Prepare
    const injector = new FaultInjector(parseFaultSpec('latency=20-200@0.3'), 7);
    // Act
    const latencies = Array.from({ length: 2000 }, () => injector.decide().latencyMs);
    // Assess
    const delayed = latencies.filter((ms) => ms > 0);
    expect(Math.min(...delayed)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(200);
    expect(delayed.length / latencies.length).toBeGreaterThan(0.25);
    expect(delayed.length / latencies.length).toBeLessThan(0.35);
  });
});

interface AddAnswer {
  ProgramId: string;
  ItemIds: { ItemId: string[] };
}

/** The client's view of a failed call that got no answer at all: pop-core's error has no API body. */
async function connectionError(promise: Promise<unknown>): Promise<NodeJS.ErrnoException> {
  try {
    await promise;
  } catch (error) {
    if ((error as Partial<PopCoreError>).data === undefined) return error as NodeJS.ErrnoException;
    throw error;
  }
  throw new Error('expected the call to fail without an answer, but it succeeded');
}

/** The first seed whose first two requests get exactly these failure kinds under the spec. */
function seedGiving(spec: FaultSpec, kinds: readonly (FaultKind | undefined)[]): number {
  for (let seed = 1; seed < 10_000; seed += 1) {
    const injector = new FaultInjector(spec, seed);
    if (kinds.every((kind) => injector.decide().kind === kind)) return seed;
  }
  throw new Error('no such seed');
}

describe('lost answers (lost=P)', () => {
  it('runs the operation, then drops the connection: the group exists once and a ClientToken retry gets the same ProgramId', async () => {
    // Prepare: a seed whose first request loses its answer and whose second is answered.
    const spec = { lost: 0.5 };
    const emulator = await start({ faults: spec, seed: seedGiving(spec, ['lost', undefined]) });
    const client = popClient(emulator);
    const params = episodeGroupParams({ ClientToken: 'lost-then-retried' });
    // Act
    const lost = await connectionError(call(client, 'AddCasterEpisodeGroup', params, 'POST'));
    const groupsAfterLoss = await listEpisodeGroups(emulator);
    const retried = await call<AddAnswer>(client, 'AddCasterEpisodeGroup', params, 'POST');
    // Assess
    expect(lost.code).toMatch(/^(ECONNRESET|EPIPE)$/);
    expect(groupsAfterLoss).toHaveLength(1);
    expect(retried.ProgramId).toBe(groupsAfterLoss[0]!['ProgramId']);
    const groups = await listEpisodeGroups(emulator);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ ClientToken: 'lost-then-retried', ProgramId: retried.ProgramId });
    const [first, second] = await listRequests(emulator);
    expect(first).toMatchObject({ Fault: 'lost', Verdict: 'ok', HttpStatus: null, RequestId: expect.any(String) });
    expect(second).toMatchObject({ Fault: null, Verdict: 'ok', HttpStatus: 200 });
  });

  it('keeps what the lost request created in the data file, so a retry after a restart gets the same ProgramId', async () => {
    // Prepare
    const directory = mkdtempSync(join(tmpdir(), 'emulator-lost-'));
    try {
      const dataFile = join(directory, 'state.json');
      const params = { ClientToken: 'lost-before-restart', Content: episodeGroupContent() };
      const lossy = await start({ dataFile, faults: 'lost=1', seed: 3 });
      await connectionError(call(popClient(lossy), 'AddCasterEpisodeGroupContent', params, 'POST'));
      await lossy.close();
      const restarted = await start({ dataFile });
      // Act
      const retried = await call<AddAnswer>(popClient(restarted), 'AddCasterEpisodeGroupContent', params, 'POST');
      // Assess
      const stored = JSON.parse(readFileSync(dataFile, 'utf8')) as { EpisodeGroups: Array<{ ProgramId: string }> };
      expect(stored.EpisodeGroups).toHaveLength(1);
      expect(stored.EpisodeGroups[0]!.ProgramId).toBe(retried.ProgramId);
      expect(await listEpisodeGroups(restarted)).toHaveLength(1);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('loses the answers of reads and of refused requests too, recording the verdict that was never sent', async () => {
    // Prepare
    const emulator = await start({ faults: 'lost=1', seed: 1 });
    const client = popClient(emulator);
    // Act
    await connectionError(call(client, 'DescribeCasterConfig', DESCRIBE));
    await connectionError(call(client, 'AddCasterEpisodeGroup', episodeGroupParams({ RepeatNum: -2 }), 'POST'));
    // Assess
    const [read, refused] = await listRequests(emulator);
    expect(read).toMatchObject({ Action: 'DescribeCasterConfig', Fault: 'lost', Verdict: 'ok', HttpStatus: null });
    expect(refused).toMatchObject({ Action: 'AddCasterEpisodeGroup', Fault: 'lost', Verdict: 'InvalidParameter', HttpStatus: null });
    expect(await listEpisodeGroups(emulator)).toEqual([]);
  });

  it('gives the same faults for the same seed, lost answers included', async () => {
    // Prepare
    const spec = 'throttle=0.1,error500=0.1,error503=0.1,reset=0.1,lost=0.3';
    const run = async (): Promise<unknown[]> => {
      const emulator = await start({ faults: spec, seed: 2024, qps: { AddCasterEpisodeGroup: 1000 } });
      const client = popClient(emulator);
      for (let index = 0; index < 30; index += 1) {
        await call(client, 'AddCasterEpisodeGroup', episodeGroupParams({ ClientToken: `token-${index}` }), 'POST').catch(() => undefined);
      }
      const faults = (await listRequests(emulator)).map((entry) => entry['Fault']);
      const tokens = (await listEpisodeGroups(emulator)).map((group) => group['ClientToken']);
      await emulator.close();
      return [faults, tokens];
    };
    // Act
    const [firstFaults, firstTokens] = await run();
    const [secondFaults, secondTokens] = await run();
    // Assess
    expect(secondFaults).toEqual(firstFaults);
    expect(secondTokens).toEqual(firstTokens);
    expect(new Set(firstFaults as unknown[])).toEqual(new Set([null, 'throttle', 'error500', 'error503', 'reset', 'lost']));
    // Every request that was answered ok or whose answer was lost created its group.
    const created = (firstFaults as unknown[]).flatMap((fault, index) => (fault === null || fault === 'lost' ? [`token-${index}`] : []));
    expect(firstTokens).toEqual(created);
  });

  it("leaves a seed's other faults and latencies as they were: lost only takes requests that had no failure", () => {
    // Prepare
    const before: FaultSpec = {
      throttle: 0.1,
      error500: 0.1,
      error503: 0.1,
      reset: 0.1,
      latency: { minMs: 5, maxMs: 50, probability: 0.5 },
    };
    const withLost: FaultSpec = { ...before, lost: 0.2 };
    const old = new FaultInjector(before, 77);
    const extended = new FaultInjector(withLost, 77);
    // Act
    const pairs = Array.from({ length: 2000 }, () => [old.decide(), extended.decide()] as const);
    // Assess
    for (const [was, now] of pairs) {
      expect(now.latencyMs).toBe(was.latencyMs);
      if (was.kind !== undefined) expect(now.kind).toBe(was.kind);
      else expect([undefined, 'lost']).toContain(now.kind);
    }
    const lostShare = pairs.filter(([, now]) => now.kind === 'lost').length / pairs.length;
    expect(lostShare).toBeGreaterThan(0.15);
    expect(lostShare).toBeLessThan(0.25);
  });
});

describe('fault spec parsing', () => {
  it('parses every kind of fault', () => {
    // Act
    const spec = parseFaultSpec('throttle=0.1,error500=0.05,error503=0.05,reset=0.02,lost=0.04,latency=20-200@0.3');
    // Assess
    expect(spec).toEqual({
      throttle: 0.1,
      error500: 0.05,
      error503: 0.05,
      reset: 0.02,
      lost: 0.04,
      latency: { minMs: 20, maxMs: 200, probability: 0.3 },
    });
    expect(formatFaultSpec(spec)).toBe('throttle=0.1,error500=0.05,error503=0.05,reset=0.02,lost=0.04,latency=20-200@0.3');
  });

  it('accepts lost in the options object and refuses unknown names there, naming them', async () => {
    // Act
    const emulator = await start({ faults: { lost: 0.25 }, seed: 4 });
    const refused = start({ faults: { lostAnswer: 0.25 } as FaultSpec, seed: 4 });
    // Assess
    expect(emulator.faults?.spec).toEqual({ lost: 0.25 });
    await expect(refused).rejects.toThrow('"lostAnswer"');
  });

  it.each([
    ['bogus', 'bogus'],
    ['throttle=2', 'throttle=2'],
    ['throttle=abc', 'throttle=abc'],
    ['teleport=0.1', 'teleport'],
    ['latency=200-20@0.5', 'latency=200-20@0.5'],
    ['latency=fast', 'latency=fast'],
    ['throttle=0.6,error500=0.6', 'more than 1'],
    ['lost=1.5', 'lost=1.5'],
    ['lost=often', 'lost=often'],
    ['lost', '"lost"'],
    ['reset=0.5,lost=0.6', 'more than 1'],
    ['lostAnswer=0.1', 'lostAnswer'],
    ['lost=0.1,lost=0.1', 'twice'],
    ['throttle=0.1,throttle=0.2', 'twice'],
    ['', 'empty'],
  ])('refuses %j, naming the bad part', (spec, named) => {
    // Act / Assess
    expect(() => parseFaultSpec(spec)).toThrow(named);
  });
});

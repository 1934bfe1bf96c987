import { describe, expect, it } from 'vitest';
import { DEMO_STUDIO, parseFaultSpec } from '../../emulator/index';
import { FaultInjector } from '../../emulator/faults';
import { call, episodeGroupParams, listEpisodeGroups, listRequests, popClient, rawRequest, useEmulators, type PopCoreError } from './support';

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
    expect(error?.data).toMatchObject({ Code: code, HostId: 'live.aliyuncs.com', RequestId: expect.any(String), Recommend: expect.stringContaining(`q=${code}`) });
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

describe('fault spec parsing', () => {
  it('parses every kind of fault', () => {
    // Act
    const spec = parseFaultSpec('throttle=0.1,error500=0.05,error503=0.05,reset=0.02,latency=20-200@0.3');
    // Assess
    expect(spec).toEqual({ throttle: 0.1, error500: 0.05, error503: 0.05, reset: 0.02, latency: { minMs: 20, maxMs: 200, probability: 0.3 } });
  });

  it.each([
    ['bogus', 'bogus'],
    ['throttle=2', 'throttle=2'],
    ['throttle=abc', 'throttle=abc'],
    ['teleport=0.1', 'teleport'],
    ['latency=200-20@0.5', 'latency=200-20@0.5'],
    ['latency=fast', 'latency=fast'],
    ['throttle=0.6,error500=0.6', 'more than 1'],
    ['throttle=0.1,throttle=0.2', 'twice'],
    ['', 'empty'],
  ])('refuses %j, naming the bad part', (spec, named) => {
    // Act / Assess
    expect(() => parseFaultSpec(spec)).toThrow(named);
  });
});

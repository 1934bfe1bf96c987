import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FcFunctionHost, type InvocationOutcome, startFcFunction } from '../../local/fc-host';
import { readFunctionDeployments, scalingWithOverrides } from '../../local/s-yaml-scaling';

// A function that holds each request until told to finish, and says which instance (and initializer run) served it.
const HANDLER_SOURCE = `
let initializedBy;
exports.initialize = async () => { initializedBy = process.pid; };
exports.handler = async (event) => {
  const { holdMs } = JSON.parse(event.toString('utf8'));
  await new Promise((resolve) => setTimeout(resolve, holdMs));
  return { pid: process.pid, instanceId: process.env.FC_INSTANCE_ID, initializedBy };
};
`;

interface Served {
  pid: number;
  instanceId: string;
  initializedBy: number;
}

const served = (outcome: InvocationOutcome): Served => {
  if (!outcome.ok) throw new Error(`${outcome.error.errorType}: ${outcome.error.errorMessage}`);
  return outcome.result as Served;
};

describe('the local FC host scales a function out the way FC does', () => {
  let codeDir: string;
  const hosts: FcFunctionHost[] = [];
  const host = (instanceConcurrency: number, maxInstances: number) => {
    const started = startFcFunction({
      name: 'scaling-probe',
      codeDir,
      layerNodeModulesDir: codeDir,
      scaling: { instanceConcurrency, maxInstances },
      onOutput: () => undefined,
    });
    hosts.push(started);
    return started;
  };
  const burst = (fn: FcFunctionHost, count: number, holdMs = 300) =>
    Promise.all(Array.from({ length: count }, () => fn.invoke(JSON.stringify({ holdMs }))));

  beforeAll(() => {
    codeDir = mkdtempSync(join(tmpdir(), 'fc-host-scaling-'));
    writeFileSync(join(codeDir, 'index.js'), HANDLER_SOURCE);
  });
  afterAll(async () => {
    await Promise.all(hosts.map((started) => started.close()));
    rmSync(codeDir, { recursive: true, force: true });
  });

  it('keeps a burst within instanceConcurrency on one instance', async () => {
    // Prepare
    const fn = host(4, 10);

    // Act
    const results = (await burst(fn, 4)).map(served);

    // Assess
    expect(new Set(results.map((result) => result.pid)).size).toBe(1);
    expect(fn.stats().instancesStarted).toBe(1);
  });

  it('starts a second instance, with its own initializer run, when a burst exceeds instanceConcurrency', async () => {
    // Prepare
    const fn = host(3, 10);

    // Act
    const outcomes = await burst(fn, 5);
    const results = outcomes.map(served);

    // Assess: 3 on the first instance, 2 on a second; each instance initialized itself.
    const perPid = new Map<number, number>();
    for (const result of results) perPid.set(result.pid, (perPid.get(result.pid) ?? 0) + 1);
    expect([...perPid.values()].sort()).toEqual([2, 3]);
    for (const result of results) expect(result.initializedBy).toBe(result.pid);
    expect(new Set(outcomes.map((outcome) => outcome.instanceId)).size).toBe(2);
    expect(outcomes.map((outcome) => outcome.instanceId)).toEqual(results.map((result) => result.instanceId));
    expect(
      fn
        .stats()
        .instances.map((instance) => instance.served)
        .sort(),
    ).toEqual([2, 3]);
  });

  it('never runs more instances than the cap: the rest of a burst waits for room', async () => {
    // Prepare: FC's default of one request per instance, at most 2 instances.
    const fn = host(1, 2);

    // Act
    const results = (await burst(fn, 6, 150)).map(served);

    // Assess
    expect(new Set(results.map((result) => result.pid)).size).toBe(2);
    expect(fn.stats().instancesStarted).toBe(2);
    expect(fn.stats().peakInFlight).toBe(2);
  });

  it('reuses an instance once its requests are done, rather than starting another', async () => {
    // Prepare
    const fn = host(2, 10);
    await burst(fn, 2, 10);

    // Act
    await burst(fn, 2, 10);

    // Assess
    expect(fn.stats().instancesStarted).toBe(1);
  });
});

describe('the scaling the local host reads from s.yaml', () => {
  it('is the shipped one: one instance per function taking 100 requests at once, and shares that add up to 1', () => {
    // Act
    const deployments = readFunctionDeployments(join(__dirname, '../../s.yaml'));

    // Assess
    expect(Object.keys(deployments).sort()).toEqual(['event', 'http', 'timer']);
    for (const deployment of Object.values(deployments)) {
      expect(deployment.scaling).toEqual({ instanceConcurrency: 100, maxInstances: 1 });
      expect(deployment.cappedInSYaml).toBe(true);
    }
    const shares = Object.values(deployments).map((deployment) => Number(deployment.pacingEnv['PACING_SHARE']));
    expect(shares.reduce((sum, share) => sum + share, 0)).toBeLessThanOrEqual(1);
  });

  it('gives way to LOCAL_INSTANCE_CONCURRENCY and LOCAL_MAX_INSTANCES, and names a bad one', () => {
    // Prepare
    const shipped = { instanceConcurrency: 100, maxInstances: 1 };

    // Act / Assess
    expect(scalingWithOverrides(shipped, { LOCAL_INSTANCE_CONCURRENCY: '1', LOCAL_MAX_INSTANCES: '16' })).toEqual({
      instanceConcurrency: 1,
      maxInstances: 16,
    });
    expect(scalingWithOverrides(shipped, {})).toEqual(shipped);
    expect(() => scalingWithOverrides(shipped, { LOCAL_MAX_INSTANCES: 'many' })).toThrow('LOCAL_MAX_INSTANCES must be a positive integer');
  });
});

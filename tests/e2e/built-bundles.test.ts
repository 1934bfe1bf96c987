import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FcFunctionHost, type InvocationOutcome, startFcFunction } from '../../local/fc-host';
import { cloudEventClientToken } from '../../shared/src/idempotency/trigger-tokens';
import { cloudEvent, cloudEventBuffer, httpEventBuffer, TEST_STS_CREDENTIALS, timerEventBuffer } from '../support/fc-events';
import { type FcTestbed, secretLeaksIn, startFcTestbed } from '../support/fc-testbed';
import { samplePlan } from '../support/plan-fixtures';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE = 'acs.caster-carousel.e2e';
const dist = join(root, 'dist');
const FUNCTIONS = ['http', 'timer', 'event'] as const;
type FunctionName = (typeof FUNCTIONS)[number];
const LAYER_PACKAGE = 'caster-carousel-shared';

function distIsComplete(): boolean {
  return (
    existsSync(join(dist, 'layer/nodejs/node_modules', LAYER_PACKAGE, 'index.js')) &&
    FUNCTIONS.every((name) => existsSync(join(dist, 'functions', name, 'index.js')))
  );
}

/** Lays a function out as FC does, in a temp folder far from any node_modules: `code/index.js` and `opt/nodejs/...`. */
function layOutLikeFc(base: string, name: FunctionName): { codeDir: string; layerNodeModulesDir: string } {
  const codeDir = join(base, name, 'code');
  const optDir = join(base, name, 'opt');
  mkdirSync(codeDir, { recursive: true });
  cpSync(join(dist, 'functions', name, 'index.js'), join(codeDir, 'index.js'));
  cpSync(join(dist, 'layer/nodejs'), join(optDir, 'nodejs'), { recursive: true });
  return { codeDir, layerNodeModulesDir: join(optDir, 'nodejs/node_modules') };
}

describe('built bundles on an FC-like layout', () => {
  let base: string;
  let testbed: FcTestbed;
  const output: string[] = [];
  const hosts = {} as Record<FunctionName, FcFunctionHost>;

  beforeAll(async () => {
    // `npm test` builds first; build here when run on its own.
    if (!distIsComplete())
      execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'ignore', timeout: 120_000 });
    base = mkdtempSync(join(tmpdir(), 'caster-carousel-fc-'));
    testbed = await startFcTestbed();
    for (const name of FUNCTIONS) {
      hosts[name] = startFcFunction({
        name: `caster-carousel-${name}`,
        ...layOutLikeFc(base, name),
        env: { ...testbed.env },
        credentials: TEST_STS_CREDENTIALS,
        timeoutSeconds: 20,
        onOutput: (text) => output.push(text),
      });
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(Object.values(hosts).map((host) => host.close()));
    await testbed?.close();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('keeps each function tiny: it requires the layer by name and bundles neither the layer nor middy', () => {
    for (const name of FUNCTIONS) {
      // Prepare
      const file = join(base, name, 'code/index.js');
      const source = readFileSync(file, 'utf8');

      // Assess
      const exported = execFileSync(
        process.execPath,
        [
          '-e',
          `const f = require(${JSON.stringify(file)}); process.stdout.write(['handler', 'initialize', 'preStop'].map((k) => typeof f[k]).join(' '))`,
        ],
        { cwd: base, env: { PATH: process.env['PATH'] ?? '', NODE_PATH: join(base, name, 'opt/nodejs/node_modules') }, encoding: 'utf8' },
      );

      // Assess
      expect(statSync(file).size).toBeLessThan(4096);
      expect(source).toContain(`require("${LAYER_PACKAGE}")`);
      expect(source).not.toMatch(/@middy|validateOptions/);
      expect(exported, `${name} exports the FC entry points`).toBe('function function function');
    }
  });

  it('ships a layer that needs nothing outside itself and Node’s built-ins', () => {
    // Prepare
    const layerDir = join(base, 'http/opt/nodejs/node_modules', LAYER_PACKAGE);
    const files = readdirSync(layerDir).filter((file) => file.endsWith('.js'));
    // Calls only: ajv keeps `'require("ajv/dist/runtime/...")'` as a string for code generation, never called here.
    const required = files.flatMap((file) =>
      [...readFileSync(join(layerDir, file), 'utf8').matchAll(/(?<!['"\w.])(?:require|import)\("([^"]+)"\)/g)].map(
        (match) => match[1] as string,
      ),
    );

    // Assess
    const builtins = new Set(builtinModules);
    // debug (inside ioredis) tries supports-color in a try/catch and does without it.
    const optional = new Set(['supports-color']);
    const outside = required.filter(
      (specifier) => !specifier.startsWith('./') && !specifier.startsWith('node:') && !builtins.has(specifier) && !optional.has(specifier),
    );
    expect(files).toContain('index.js');
    expect(outside).toEqual([]);
    for (const specifier of required.filter((entry) => entry.startsWith('./'))) expect(existsSync(join(layerDir, specifier))).toBe(true);
  });

  it("keeps Node's web streams out of a cold start: middy's streamed-response imports are read on first use", () => {
    // Act
    const loaded = execFileSync(
      process.execPath,
      [
        '-e',
        `const before = new Set(process.moduleLoadList); require(${JSON.stringify(join(base, 'http/opt/nodejs/node_modules', LAYER_PACKAGE))}); process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m))))`,
      ],
      { cwd: base, env: { PATH: process.env['PATH'] ?? '' }, encoding: 'utf8' },
    );

    // Assess
    expect(JSON.parse(loaded)).not.toContain('NativeModule stream/web');
  });

  it('loads the layer with plain require on this Node, middy (ESM) included', () => {
    // Act
    const exported = execFileSync(
      process.execPath,
      [
        '-e',
        `const layer = require(${JSON.stringify(join(base, 'http/opt/nodejs/node_modules', LAYER_PACKAGE))}); process.stdout.write(typeof layer.middy + ' ' + typeof layer.scheduleHttpPlan)`,
      ],
      { cwd: base, env: { PATH: process.env['PATH'] ?? '' }, encoding: 'utf8' },
    );

    // Assess
    expect(exported).toBe('function function');
  });

  it('runs the HTTP function: 201, the same group on redelivery, 400 for an invalid plan', async () => {
    // Prepare
    const plan = samplePlan();

    // Act
    const first = await hosts.http.invoke(httpEventBuffer({ body: plan, headers: { 'Idempotency-Key': 'e2e-http-1' } }));
    const again = await hosts.http.invoke(httpEventBuffer({ body: plan, headers: { 'Idempotency-Key': 'e2e-http-1' } }));
    const invalid = await hosts.http.invoke(httpEventBuffer({ body: { RepeatNum: 0 } }));

    // Assess
    const body = (outcome: InvocationOutcome) =>
      JSON.parse((outcome as { result: { body: string } }).result.body) as Record<string, unknown>;
    expect(first).toMatchObject({ ok: true, result: { statusCode: 201 } });
    expect(body(again)['ProgramId']).toBe(body(first)['ProgramId']);
    expect(invalid).toMatchObject({ ok: true, result: { statusCode: 400 } });
    expect((await testbed.episodeGroups()).filter((group) => group.ClientToken === body(first)['ClientToken'])).toHaveLength(1);
  });

  it('runs the timer function: StartOffset resolved, a bad payload thrown as AsyncInvocationError', async () => {
    // Prepare
    const { StartTime: _absolute, ...plan } = samplePlan();

    // Act
    const scheduled = await hosts.timer.invoke(
      timerEventBuffer({ triggerTime: '2031-06-01T05:30:00Z', payload: { ...plan, StartOffset: 'PT30M' } }),
    );
    const refused = await hosts.timer.invoke(
      timerEventBuffer({ triggerTime: '2031-06-01T05:30:00Z', payload: { ...plan, StartOffset: 'P1M' } }),
    );

    // Assess
    expect(scheduled).toMatchObject({ ok: true, result: { StartTime: '2031-06-01T06:00:00Z', ProgramId: expect.any(String) } });
    expect(refused).toMatchObject({
      ok: false,
      error: { errorType: 'AsyncInvocationError', errorMessage: expect.stringContaining('StartOffset') },
    });
  });

  it('runs the event function: a batch with one bad event schedules the others and names the bad one', async () => {
    // Prepare
    const batch = [
      cloudEvent({ id: 'e2e-good-1', source: SOURCE, data: samplePlan() }),
      cloudEvent({ id: 'e2e-bad-2', source: SOURCE, data: '{not json' }),
      cloudEvent({ id: 'e2e-good-3', source: SOURCE, data: samplePlan() }),
    ];

    // Act
    const outcome = await hosts.event.invoke(cloudEventBuffer(batch));

    // Assess
    expect(outcome).toMatchObject({
      ok: false,
      error: {
        errorType: 'AsyncInvocationError',
        errorMessage: '1 of 3 triggers failed: e2e-bad-2: InvalidPlan (data: is not valid JSON (line 1, column 2))',
      },
    });
    const tokens = new Set((await testbed.episodeGroups()).map((group) => group.ClientToken));
    expect(tokens.has(cloudEventClientToken(SOURCE, 'e2e-good-1'))).toBe(true);
    expect(tokens.has(cloudEventClientToken(SOURCE, 'e2e-good-3'))).toBe(true);
    expect(tokens.has(cloudEventClientToken(SOURCE, 'e2e-bad-2'))).toBe(false);
  });

  it('logs JSON lines without any secret', async () => {
    // Prepare
    const before = output.length;

    // Act
    await hosts.http.invoke(httpEventBuffer({ body: samplePlan(), headers: { 'Idempotency-Key': 'e2e-logs-1' } }));
    await hosts.timer.invoke(timerEventBuffer({ triggerTime: '2031-06-01T05:30:00Z', payload: samplePlan() }));
    await hosts.event.invoke(cloudEventBuffer([cloudEvent({ id: 'e2e-logs-event', data: samplePlan() })]));

    // Assess
    const text = output.slice(before).join('');
    expect(text).toContain('"message":"episode group scheduled"');
    expect(secretLeaksIn(text)).toEqual([]);
  });
});

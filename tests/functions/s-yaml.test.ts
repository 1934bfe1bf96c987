import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { authorizeStudio } from '../../shared/src/authorization/studio-access';
import { readEnvironment } from '../../shared/src/config/environment';
import { validatePlan } from '../../shared/src/plan/validate-plan';
import { isReconcileTick, readTimerEvent } from '../../shared/src/triggers/timer/reconcile-order';
import { resolveStartOffset } from '../../shared/src/triggers/timer/start-offset';

const root = fileURLToPath(new URL('../../', import.meta.url));
const schema = JSON.parse(readFileSync(`${root}tests/fixtures/fc3-props.schema.json`, 'utf8')) as Record<string, unknown>;

// Sample values for the placeholders Serverless Devs fills in at deploy time.
const SAMPLE_CONFIG: Record<string, string> = { AccountID: '1234567890123456' };
const SAMPLE_ENV: Record<string, string> = { CASTER_ID: 'LIVEPRODUCER_POST-cn-0pp1czt0001', LAYER_VERSION: '3' };

interface FunctionProps {
  runtime: string;
  handler: string;
  code: string;
  layers?: string[];
  environmentVariables?: Record<string, string>;
  instanceLifecycleConfig?: { initializer?: { handler?: string } };
  triggers?: { triggerType: string; triggerConfig: Record<string, unknown> }[];
  asyncInvokeConfig?: { maxAsyncRetryAttempts?: number; destinationConfig?: { onFailure?: { destination?: string } } };
  [key: string]: unknown;
}

interface ServerlessDevsFile {
  edition: string;
  vars: Record<string, unknown>;
  resources: Record<string, { component: string; props: FunctionProps }>;
}

/** Replaces `${vars.x}`, `${env('X', 'default')}` and `${config('X')}` as Serverless Devs does, with sample values. */
function substitute(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{([^}]+)\}$/.exec(value);
    if (whole) return resolvePlaceholder(whole[1] as string, vars);
    return value.replace(/\$\{([^}]+)\}/g, (_match, expression: string) => String(resolvePlaceholder(expression, vars)));
  }
  if (Array.isArray(value)) return value.map((entry) => substitute(entry, vars));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, substitute(entry, vars)]));
  return value;
}

function resolvePlaceholder(expression: string, vars: Record<string, unknown>): unknown {
  const variable = /^vars\.([A-Za-z0-9_]+)$/.exec(expression.trim());
  if (variable) {
    const name = variable[1] as string;
    if (!(name in vars)) throw new Error(`\${vars.${name}} is not defined`);
    return vars[name];
  }
  const env = /^env\(\s*'([^']+)'\s*(?:,\s*'([^']*)'\s*)?\)$/.exec(expression.trim());
  if (env) {
    const value = SAMPLE_ENV[env[1] as string] ?? env[2];
    if (value === undefined) throw new Error(`\${env('${env[1]}')} has no sample value and no default`);
    return value;
  }
  const config = /^config\(\s*'([^']+)'\s*\)$/.exec(expression.trim());
  if (config) return SAMPLE_CONFIG[config[1] as string];
  throw new Error(`unknown placeholder \${${expression}}`);
}

function loadServerlessDevsFile(text = readFileSync(`${root}s.yaml`, 'utf8')): ServerlessDevsFile {
  const raw = parse(text) as ServerlessDevsFile;
  const vars = substitute(raw.vars, {}) as Record<string, unknown>;
  return { ...raw, vars, resources: substitute(raw.resources, vars) as ServerlessDevsFile['resources'] };
}

const file = loadServerlessDevsFile();
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema(schema, 'fc3');
const validateProps = ajv.getSchema('fc3') as ValidateFunction;
const definition = (name: string) => ajv.getSchema(`fc3#/definitions/${name}`) as ValidateFunction;
const resources = Object.entries(file.resources);
const triggerOf = (name: string, type: string) => file.resources[name]?.props.triggers?.find((trigger) => trigger.triggerType === type);

describe('s.yaml', () => {
  it('is a Serverless Devs 3 file of fc3 resources: http, timer and event', () => {
    // Assess
    expect(file.edition).toBe('3.0.0');
    expect(Object.keys(file.resources).sort()).toEqual(['event', 'http', 'timer']);
    for (const [, resource] of resources) expect(resource.component).toBe('fc3');
  });

  it('takes the layer version only from LAYER_VERSION, with no default, and refuses to deploy without it', () => {
    // Prepare
    const raw = parse(readFileSync(`${root}s.yaml`, 'utf8')) as ServerlessDevsFile & {
      resources: Record<string, { actions?: { 'pre-deploy'?: { run: string }[] } }>;
    };

    // Assess
    expect(String(raw.vars['layer'])).toMatch(/\/versions\/\$\{env\('LAYER_VERSION'\)\}$/);
    const firstStep = raw.resources['http']?.actions?.['pre-deploy']?.[0]?.run ?? '';
    expect(firstStep).toMatch(/^test -n "\$LAYER_VERSION" \|\| \{ .*exit 1; \}$/);
  });

  it.each([
    ['neither REDIS_URL nor LEDGER', {}, false],
    ['an empty REDIS_URL', { REDIS_URL: '' }, false],
    ['LEDGER=on without REDIS_URL', { LEDGER: 'on' }, false],
    ['REDIS_URL', { REDIS_URL: 'redis://r-bp1example.redis.rds.aliyuncs.com:6379/0' }, true],
    ['LEDGER=off', { LEDGER: 'off' }, true],
  ])(
    'deploys only with a ledger (REDIS_URL) or LEDGER=off: with %s, every function’s pre-deploy checks (run by bash) pass = %s',
    (_label, env, deploys) => {
      // Prepare: every pre-deploy step but the build, as Serverless Devs runs it (a shell, the repository as working directory).
      const raw = parse(readFileSync(`${root}s.yaml`, 'utf8')) as {
        resources: Record<string, { actions?: { 'pre-deploy'?: { run: string; path: string }[] } }>;
      };
      const checks = Object.entries(raw.resources).map(([name, resource]) => ({
        name,
        steps: (resource.actions?.['pre-deploy'] ?? []).filter((step) => !step.run.includes('npm ')),
      }));

      // Act
      const runs = checks.map(({ name, steps }) => ({
        name,
        results: steps.map((step) =>
          spawnSync('bash', ['-c', step.run], {
            cwd: root,
            encoding: 'utf8',
            env: { PATH: process.env['PATH'] ?? '', LAYER_VERSION: '3', ...env },
          }),
        ),
      }));

      // Assess: each function checks on its own (a deploy of one resource alone is checked too), and says what to set.
      for (const { name, results } of runs) {
        expect(results.length, `${name} has pre-deploy checks`).toBeGreaterThan(0);
        const failed = results.filter((result) => result.status !== 0);
        if (deploys)
          expect(
            failed.map((result) => result.stderr),
            name,
          ).toEqual([]);
        else {
          expect(failed, `${name} refuses`).toHaveLength(1);
          expect(failed[0]?.stderr).toMatch(/REDIS_URL is not set.*LEDGER=off/);
        }
      }
    },
  );

  it.each(resources)('%s: gets LEDGER (default on) beside REDIS_URL, so LEDGER=off reaches the function', (_name, resource) => {
    // Assess
    const variables = resource.props.environmentVariables ?? {};
    expect(variables['LEDGER']).toBe('on');
    expect(variables).toHaveProperty('REDIS_URL');
  });

  it('runs the reconciliation every minute on the timer function, whose timeout covers the minute it waits', () => {
    // Prepare
    const triggers = (file.resources['timer']?.props.triggers ?? []) as unknown as {
      triggerName: string;
      triggerConfig: Record<string, unknown>;
    }[];
    const reconcile = triggers.find((trigger) => trigger.triggerName === 'reconcile');

    // Act
    const request = readTimerEvent({
      triggerName: 'reconcile',
      triggerTime: '2031-03-06T19:00:00Z',
      payload: String(reconcile?.triggerConfig['payload']),
    });

    // Assess
    expect(definition('ITimerTriggerConfig')(reconcile?.triggerConfig)).toBe(true);
    expect(reconcile?.triggerConfig).toMatchObject({ cronExpression: '0 * * * * *', enable: true });
    expect(isReconcileTick(request) && request.reconcile.intervalMs).toBe(60_000);
    expect(file.resources['timer']?.props['timeout']).toBeGreaterThanOrEqual(60 + 10 + 5);
  });

  it('leaves no placeholder unresolved', () => {
    // Assess
    expect(JSON.stringify(file.resources)).not.toContain('${');
  });

  it.each(resources)('%s: props validate against the fc3 component schema', (_name, resource) => {
    // Act
    const valid = validateProps(resource.props);

    // Assess
    expect(validateProps.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('would catch a bad value, so the schema check is not vacuous', () => {
    // Prepare
    const props = { ...file.resources['http']?.props, runtime: 'nodejs22', memorySize: 300 };

    // Act
    const valid = validateProps(props);

    // Assess
    expect(valid).toBe(false);
    expect(validateProps.errors?.map((error) => error.instancePath)).toEqual(expect.arrayContaining(['/runtime', '/memorySize']));
  });

  it.each(resources)('%s: runs on nodejs20 from the built bundle, with the layer and the initializer', (name, resource) => {
    // Assess
    const { props } = resource;
    expect(props.runtime).toBe('nodejs20');
    expect(props.code).toBe(`./dist/functions/${name}`);
    expect(props.handler).toBe('index.handler');
    expect(props.instanceLifecycleConfig?.initializer?.handler).toBe('index.initialize');
    expect(props.layers).toEqual([expect.stringMatching(/^acs:fc:[a-z0-9-]+:\d+:layers\/caster-carousel-shared\/versions\/\d+$/)]);
    expect(props['role']).toMatch(/^acs:ram::\d+:role\/.+/);
    expect(props['logConfig']).toBeTruthy();
  });

  it.each(resources)('%s: has string environment variables within FC’s 4 KB', (_name, resource) => {
    // Assess
    const variables = resource.props.environmentVariables ?? {};
    expect(Object.keys(variables)).toEqual(expect.arrayContaining(['LIVE_ENDPOINT', 'CASTER_ID']));
    for (const value of Object.values(variables)) expect(typeof value).toBe('string');
    expect(Buffer.byteLength(JSON.stringify(variables))).toBeLessThan(4096);
  });

  it.each(resources)(
    '%s: may schedule only its own studio by default (ALLOWED_CASTER_IDS), with the domain list set',
    (_name, resource) => {
      // Assess
      const variables = resource.props.environmentVariables ?? {};
      expect(variables['ALLOWED_CASTER_IDS']).toBe(SAMPLE_ENV['CASTER_ID']);
      expect(variables).toHaveProperty('ALLOWED_DOMAINS');
    },
  );

  it('protects the HTTP trigger: not anonymous, POST to schedule and GET for /schedule only', () => {
    // Prepare
    const trigger = triggerOf('http', 'http');

    // Assess
    expect(definition('IHttpTriggerConfig')(trigger?.triggerConfig)).toBe(true);
    expect(trigger?.triggerConfig['authType']).not.toBe('anonymous');
    expect(['function', 'jwt']).toContain(trigger?.triggerConfig['authType']);
    expect(trigger?.triggerConfig['methods']).toEqual(['GET', 'POST']);
  });

  it('gives the timer a six-field cron in a CRON_TZ time zone and a payload the function accepts', () => {
    // Prepare
    const config = triggerOf('timer', 'timer')?.triggerConfig ?? {};
    const payload = JSON.parse(String(config['payload'])) as Record<string, unknown>;

    // Act
    const resolution = resolveStartOffset(payload, Date.parse('2031-01-01T00:00:00Z'));

    // Assess
    expect(definition('ITimerTriggerConfig')(config)).toBe(true);
    expect(config['cronExpression']).toMatch(/^CRON_TZ=[A-Za-z_]+\/[A-Za-z_]+ (\S+ ){5}\S+$/);
    expect(payload['StartOffset']).toEqual(expect.any(String));
    expect(resolution.ok).toBe(true);
    expect(validatePlan(resolution.input).ok).toBe(true);
  });

  it('filters the EventBridge trigger with a JSON event pattern', () => {
    // Prepare
    const config = triggerOf('event', 'eventbridge')?.triggerConfig ?? {};

    // Assess
    expect(definition('IEventBridge')(config)).toBe(true);
    expect(JSON.parse(String(config['eventRuleFilterPattern']))).toMatchObject({ source: expect.any(Array) });
    expect(config['asyncInvocationType']).toBe(true);
  });

  it.each(['timer', 'event'])('%s: retries async failures, then sends them to an onFailure destination', (name) => {
    // Prepare
    const asyncConfig = file.resources[name]?.props.asyncInvokeConfig;

    // Assess
    expect(asyncConfig?.maxAsyncRetryAttempts).toBeGreaterThanOrEqual(1);
    expect(asyncConfig?.destinationConfig?.onFailure?.destination).toMatch(/^acs:(mns|fc|eventbridge):/);
  });
  it('holds the account limit without Redis: every function capped in instances, shares times caps adding up to at most 1', () => {
    // Act: what each instance paces at on its own, times how many instances FC may run of it.
    const budget = resources.map(([name, resource]) => {
      const reserved = (resource.props['concurrencyConfig'] as { reservedConcurrency?: number } | undefined)?.reservedConcurrency;
      const environment = readEnvironment({ ...resource.props.environmentVariables });
      return { name, reserved, share: environment.pacingShare, instanceConcurrency: resource.props['instanceConcurrency'] };
    });

    // Assess: a burst is taken by few instances (instanceConcurrency), their number is capped, and the shares fit.
    for (const entry of budget) {
      expect(entry.reserved, `${entry.name}: concurrencyConfig.reservedConcurrency`).toEqual(expect.any(Number));
      expect(entry.instanceConcurrency, `${entry.name}: instanceConcurrency`).toBeGreaterThan(1);
      expect(entry.share, `${entry.name}: PACING_SHARE`).toBeLessThan(1);
    }
    const total = budget.reduce((sum, entry) => sum + entry.share * (entry.reserved ?? Number.POSITIVE_INFINITY), 0);
    expect(total).toBeLessThanOrEqual(1);
  });

  it('serves a second studio after the two edits the README shows: its timer is enabled and its studio allowed, and the file still validates', () => {
    // Prepare: the README's edits, as diffs of s.yaml lines.
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const section = readme.slice(readme.indexOf('<!-- second-studio:start -->'), readme.indexOf('<!-- second-studio:end -->'));
    const edits = [...section.matchAll(/```diff\n([\s\S]*?)```/g)].map((block) => {
      const lines = (block[1] ?? '').split('\n').map((line) => line.replace(/^ {3}/, ''));
      return {
        from: lines.find((line) => line.startsWith('-'))?.slice(1) ?? '',
        to: lines.find((line) => line.startsWith('+'))?.slice(1) ?? '',
      };
    });
    expect(edits).toHaveLength(2);
    let text = readFileSync(`${root}s.yaml`, 'utf8');
    const shipped = loadServerlessDevsFile(text);
    const secondBefore = shipped.resources['timer']?.props.triggers?.[1];

    // Act: each edit replaces the one whole line it shows.
    for (const { from, to } of edits) {
      const lines = text.split('\n');
      expect(
        lines.filter((line) => line === from),
        `"${from}" is one line of s.yaml`,
      ).toHaveLength(1);
      text = lines.map((line) => (line === from ? to : line)).join('\n');
    }
    const edited = loadServerlessDevsFile(text);

    // Assess: shipped, the second trigger is off; edited, it is on, and the studio its payload names is allowed.
    expect(secondBefore?.triggerConfig['enable']).toBe(false);
    const timer = edited.resources['timer']?.props;
    const second = timer?.triggers?.[1];
    expect(second?.triggerConfig['enable']).toBe(true);
    const payload = JSON.parse(String(second?.triggerConfig['payload'])) as Record<string, unknown>;
    const environment = readEnvironment({ ...timer?.environmentVariables });
    expect([...(environment.studioAccess.allowedCasterIds ?? [])]).toEqual([SAMPLE_ENV['CASTER_ID'], payload['CasterId']]);
    expect(() => authorizeStudio(environment.studioAccess, payload['CasterId'] as string, environment.defaultCasterId)).not.toThrow();
    expect(() =>
      authorizeStudio(
        readEnvironment({ ...shipped.resources['timer']?.props.environmentVariables }).studioAccess,
        payload['CasterId'] as string,
      ),
    ).toThrow();
    const resolution = resolveStartOffset(payload, Date.parse('2031-01-01T00:00:00Z'));
    expect(resolution.ok && validatePlan(resolution.input).ok).toBe(true);
    for (const [name, resource] of Object.entries(edited.resources)) expect(validateProps(resource.props), name).toBe(true);
    expect(definition('ITimerTriggerConfig')(second?.triggerConfig)).toBe(true);
  });
});

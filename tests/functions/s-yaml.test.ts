import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validatePlan } from '../../shared/src/plan/validate-plan';
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

function loadServerlessDevsFile(): ServerlessDevsFile {
  const raw = parse(readFileSync(`${root}s.yaml`, 'utf8')) as ServerlessDevsFile;
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
});

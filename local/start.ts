/**
 * `npm start`: the three functions on a local FC host against the Live API emulator. Starts the emulator
 * (two demo studios, demo credentials, plus STS-style keys that only the functions get, in context.credentials),
 * then an HTTP server that hands each request to the HTTP function as an FC 3.0 HTTP trigger event, and
 * fires the timer and event functions from `/_local/timer` and `/_local/event`. Every timer trigger of s.yaml
 * fires on its cron, as on FC, and s.yaml's allow-lists apply. Ctrl-C stops everything.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { shellWord } from '../cli/output';
import { loadLedgerRecords } from '../cli/timeline/ledger-source';
import { EmulatorConfigError } from '../emulator/config-error';
import { formatFaultSpec } from '../emulator/faults';
import { DEFAULT_ACCOUNT_ID, DEMO_CREDENTIALS, DEMO_STUDIO, type FaultSpec, SECOND_DEMO_STUDIO, startEmulator } from '../emulator/index';
import { UsageError } from '../shared/src/errors';
import { isCloudEventDelivery, wrapPlanInCloudEvent } from './cloud-event-envelope';
import { type FcFunctionHost, type InvocationOutcome, startFcFunction } from './fc-host';
import { timerEvent } from './fc-shapes';
import { localFunctionEnv } from './function-env';
import { httpTriggerEventFromRequest, readBody, writeHttpTriggerResponse } from './http-trigger-event';
import { POLICY_VARIABLES, readPolicyEnvironment } from './s-yaml-environment';
import { FC_DEFAULT_SCALING, readFunctionDeployments, scalingWithOverrides } from './s-yaml-scaling';
import { parseStartArgs, START_USAGE } from './start-options';
import { serveTimeline, TIMELINE_PATH } from './timeline-route';
import {
  readTimerTriggers,
  startTimerClock,
  type TickRecord,
  type TimerClock,
  type TimerStatus,
  type TimerTriggerSpec,
} from './timer-triggers';

type FunctionName = 'http' | 'timer' | 'event';

/** The s.yaml timers the stack runs: their clock, and the triggers to fire by hand. */
interface LocalTimers {
  readonly clock: TimerClock;
  readonly triggers: readonly TimerTriggerSpec[];
}

const REGION = 'cn-shanghai';
// Above the HTTP function's own 1 MiB cap, so the function (not this server) answers 413 as FC would.
const LOCAL_MAX_BODY_BYTES = 4 * 1024 * 1024;

async function main(): Promise<void> {
  // No metadata service on a developer machine: nothing npm start runs may try one.
  process.env['ALIBABA_CLOUD_ECS_METADATA_DISABLED'] = 'true';
  const options = parseStartArgs(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(START_USAGE);
    return;
  }
  const port = portFrom('PORT', 9000);
  const emulatorPort = portFrom('EMULATOR_PORT', 8787);
  const distDir = join(__dirname, '..');
  const layerNodeModulesDir = join(distDir, 'layer/nodejs/node_modules');
  if (!existsSync(join(layerNodeModulesDir, 'caster-carousel-shared')) || !existsSync(join(distDir, 'functions/http/index.js'))) {
    throw new Error('dist/ is incomplete: run `npm run build` first (npm start does)');
  }

  // Temporary keys in the shape FC hands a function with a role; made up per run and never printed.
  const functionCredentials = {
    accessKeyId: `STS.Local${randomBytes(8).toString('hex')}`,
    accessKeySecret: randomBytes(24).toString('base64url'),
    securityToken: `CAIS${randomBytes(48).toString('base64url')}`,
  };
  const emulator = await startEmulator({
    host: '127.0.0.1',
    port: emulatorPort,
    credentials: [DEMO_CREDENTIALS],
    extraCredentials: [functionCredentials],
    // Two studios unless --casters names others: serving a second studio is part of the job to try locally.
    ...(options.emulator.castersFile ? {} : { casters: [DEMO_STUDIO, SECOND_DEMO_STUDIO] }),
    ...options.emulator,
  });
  const studioId = emulator.casters[0]!.CasterId;
  const userEnv = localFunctionEnv(process.env, { liveEndpoint: emulator.url, defaultCasterId: studioId });
  // The ledger lives as long as the emulator's groups do: beside --data when given, else one file for this run;
  // shared by the functions and the CLI. The user's own LEDGER_FILE (or REDIS_URL) wins.
  const { dataFile } = options.emulator;
  const ledgerDir = dataFile ? undefined : mkdtempSync(join(tmpdir(), 'caster-carousel-local-'));
  const ledgerFile = userEnv['LEDGER_FILE'] || (dataFile ? `${dataFile}.ledger.json` : join(ledgerDir as string, 'ledger.json'));
  const env: Record<string, string> = { ...userEnv, LEDGER_FILE: ledgerFile };
  // Scaled as s.yaml deploys them (instanceConcurrency, instance cap, PACING_SHARE, timeout); LOCAL_* variables and
  // a PACING_SHARE of the user's override it. The allow-lists (and AUTH_KEY_VALIDITY_S) are s.yaml's too, read as
  // `s deploy` would read them with this environment (its ${env('CASTER_ID')} is the stack's studio), unless
  // the user sets them.
  const sYamlPath = options.sYamlFile ? resolve(options.sYamlFile) : join(distDir, '..', 's.yaml');
  const deployments = readFunctionDeployments(sYamlPath);
  const policies = readPolicyEnvironment(sYamlPath, env, { AccountID: DEFAULT_ACCOUNT_ID });
  const functionSpec = (name: FunctionName, fallbackTimeoutSeconds: number) => ({
    name: `caster-carousel-${name}`,
    codeDir: join(distDir, 'functions', name),
    layerNodeModulesDir,
    env: { ...deployments[name]?.pacingEnv, ...policies[name], ...env },
    scaling: scalingWithOverrides(deployments[name]?.scaling ?? FC_DEFAULT_SCALING, process.env),
    credentials: functionCredentials,
    timeoutSeconds: deployments[name]?.timeoutSeconds ?? fallbackTimeoutSeconds,
    region: REGION,
    accountId: DEFAULT_ACCOUNT_ID,
  });
  const functions: Record<FunctionName, FcFunctionHost> = {
    http: startFcFunction(functionSpec('http', 30)),
    timer: startFcFunction(functionSpec('timer', 60)),
    event: startFcFunction(functionSpec('event', 60)),
  };
  const timerTriggers = readTimerTriggers(sYamlPath);
  const unknown = timerTriggers.find((trigger) => !Object.hasOwn(functions, trigger.resource));
  if (unknown) throw new Error(`s.yaml's timer ${unknown.triggerName} belongs to ${unknown.resource}, which the local host does not run`);
  // Each tick as FC sends it: the trigger's name, its payload verbatim, and the scheduled time as triggerTime.
  const clock = startTimerClock(timerTriggers, async (trigger, triggerTime) => {
    const event = timerEvent({ triggerName: trigger.triggerName, payload: trigger.payload, triggerTime });
    const outcome = await functions[trigger.resource as FunctionName].invoke(Buffer.from(JSON.stringify(event)));
    return outcome.ok ? 'ok' : outcome.error.errorType;
  });
  const timers: LocalTimers = { clock, triggers: timerTriggers };

  const baseUrl = (): string => `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const server = createServer((request, response) => {
    // The ledger the functions and the CLI share for this run.
    if (request.url?.split('?')[0] === TIMELINE_PATH)
      return void serveTimeline(request, response, () => loadLedgerRecords({ ...process.env, ...env }), { ...process.env, ...env });
    if (request.url?.split('?')[0] === ENV_PATH)
      return void serveCliEnvironment(request, response, cliExports(env, emulator.url, baseUrl()));
    route(request, response, functions, timers).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'LocalHostError', message: (error as Error).message }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  // PORT=0 picks a free port: print the one actually bound.
  printInstructions(
    baseUrl(),
    emulator.url,
    emulator.casters.map((studio) => studio.CasterId),
    env['CASTER_ID']!,
    emulator.faults,
    ledgerFile,
    clock.status(),
    allowedStudiosOf({ ...policies['timer'], ...env }),
  );

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping the functions, the server and the emulator...\n');
    clock.stop();
    server.close();
    server.closeAllConnections();
    await Promise.all(Object.values(functions).map((fn) => fn.close()));
    await emulator.close();
    if (ledgerDir) rmSync(ledgerDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

async function route(
  request: IncomingMessage,
  response: ServerResponse,
  functions: Record<FunctionName, FcFunctionHost>,
  timers: LocalTimers,
): Promise<void> {
  const body = await readBody(request, LOCAL_MAX_BODY_BYTES);
  if (body === undefined)
    return sendJson(response, 413, { error: 'PayloadTooLarge', message: `The local host accepts at most ${LOCAL_MAX_BODY_BYTES} bytes` });
  const url = new URL(request.url ?? '/', 'http://local');
  if (url.pathname === '/_local/timer' || url.pathname === '/_local/event') {
    if (request.method !== 'POST') return sendJson(response, 405, { error: 'MethodNotAllowed', message: 'Use POST' }, { allow: 'POST' });
    return url.pathname === '/_local/timer'
      ? fireTimer(response, functions, timers, body, url)
      : fireEvent(response, functions.event, body);
  }
  if (url.pathname === '/_local/timers') {
    // s.yaml's timers on the local clock: cron, zone, next fire time and the latest ticks.
    return sendJson(response, 200, { Timers: timers.clock.status() });
  }
  if (url.pathname === '/_local/instances') {
    // The instances each function runs now, as FC scales them (s.yaml's instanceConcurrency and instance cap).
    return sendJson(response, 200, Object.fromEntries(Object.entries(functions).map(([name, fn]) => [name, fn.stats()])));
  }
  if (url.pathname.startsWith('/_local/'))
    return sendJson(response, 404, {
      error: 'NotFound',
      message: `Local endpoints: POST /_local/timer, POST /_local/event, GET /_local/timers, GET /_local/instances, GET ${TIMELINE_PATH}, GET ${ENV_PATH}`,
    });
  const event = httpTriggerEventFromRequest(request, body, { accountId: DEFAULT_ACCOUNT_ID });
  const outcome = await functions.http.invoke(Buffer.from(JSON.stringify(event)));
  if (outcome.ok) return writeHttpTriggerResponse(response, outcome.result);
  // An unhandled function error: FC answers with its error type in a header and the error as JSON.
  sendJson(response, 502, outcome.error, { 'x-fc-error-type': 'UnhandledInvocationError' });
}

/**
 * One tick, now or at `?time=`: of the s.yaml trigger `?trigger=` (its payload, its function), or of the timer
 * function with the body as payload and `?name=` as the trigger's name.
 */
async function fireTimer(
  response: ServerResponse,
  functions: Record<FunctionName, FcFunctionHost>,
  timers: LocalTimers,
  body: Buffer,
  url: URL,
): Promise<void> {
  const time = url.searchParams.get('time');
  const triggerTime = time === null ? new Date() : new Date(Date.parse(time));
  if (Number.isNaN(triggerTime.getTime()))
    return sendJson(response, 400, { error: 'InvalidTime', message: 'time must be an ISO 8601 date-time, e.g. 2031-03-06T19:00:00Z' });
  const triggerName = url.searchParams.get('trigger');
  if (triggerName === null) {
    const event = timerEvent({ triggerName: url.searchParams.get('name') ?? 'local-timer', payload: body.toString('utf8'), triggerTime });
    return sendOutcome(response, await functions.timer.invoke(Buffer.from(JSON.stringify(event))), {
      triggerName: event.triggerName,
      triggerTime: event.triggerTime,
    });
  }
  const trigger = timers.triggers.find((candidate) => candidate.triggerName === triggerName);
  if (!trigger) {
    const names = timers.triggers.map((candidate) => candidate.triggerName).join(', ');
    return sendJson(response, 404, { error: 'NoSuchTrigger', message: `s.yaml has no timer trigger of that name; its timers: ${names}` });
  }
  if (body.length > 0) {
    return sendJson(response, 400, {
      error: 'UnexpectedBody',
      message: 'With ?trigger= the payload is the one s.yaml gives the trigger; to send your own, use ?name= with the payload as the body',
    });
  }
  const event = timerEvent({ triggerName: trigger.triggerName, payload: trigger.payload, triggerTime });
  const tick: TickRecord = { triggerTime: event.triggerTime, firedAt: new Date().toISOString(), outcome: 'running' };
  timers.clock.record(trigger.triggerName, tick);
  const outcome = await functions[trigger.resource as FunctionName].invoke(Buffer.from(JSON.stringify(event)));
  tick.outcome = outcome.ok ? 'ok' : outcome.error.errorType;
  sendOutcome(response, outcome, { triggerName: event.triggerName, triggerTime: event.triggerTime });
}

/** The studios the timer function may schedule (ALLOWED_CASTER_IDS as the stack applies it), or undefined for any. */
function allowedStudiosOf(env: Readonly<Record<string, string | undefined>>): ReadonlySet<string> | undefined {
  const list =
    env[POLICY_VARIABLES[0]]
      ?.split(',')
      .map((entry) => entry.trim())
      .filter(Boolean) ?? [];
  return list.length > 0 ? new Set(list) : undefined;
}

async function fireEvent(response: ServerResponse, eventFunction: FcFunctionHost, body: Buffer): Promise<void> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return sendJson(response, 400, { error: 'InvalidJson', message: 'Send a CloudEvent, a batch of them, or a plan, as JSON' });
  }
  const delivery = isCloudEventDelivery(parsed) ? parsed : wrapPlanInCloudEvent(parsed, { accountId: DEFAULT_ACCOUNT_ID, region: REGION });
  sendOutcome(response, await eventFunction.invoke(Buffer.from(JSON.stringify(delivery))), {});
}

/** How an async invocation ended; on FC a failure would be retried, then sent to the onFailure destination. */
function sendOutcome(response: ServerResponse, outcome: InvocationOutcome, fields: Record<string, unknown>): void {
  if (outcome.ok) return sendJson(response, 200, { ...fields, result: outcome.result });
  sendJson(response, 500, {
    ...fields,
    ...outcome.error,
    note: 'On FC this invocation would be retried, then sent to the onFailure destination',
  });
}

function sendJson(response: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}): void {
  response
    .writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8', ...headers })
    .end(`${JSON.stringify(body, null, 2)}\n`);
}

/** An instant as wall time in a zone, e.g. `2031-03-07 05:30:00`. */
function localTime(iso: string, timeZone: string): string {
  return new Date(iso).toLocaleString('sv-SE', { timeZone, hour12: false });
}

function portFrom(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number, got "${text}"`);
  return port;
}

/** The path of the CLI's settings for this stack, as shell exports: `eval "$(curl -s URL/_local/env)"`. */
const ENV_PATH = '/_local/env';

/**
 * What the CLI needs to work on this stack, shared with its functions: the emulator's endpoint, the functions'
 * studio and ledger (and the scope variables the functions were given), and the emulator's documented demo keys
 * (they open nothing but this emulator, which prints them too).
 */
function cliExports(env: Record<string, string>, emulatorUrl: string, stackUrl: string): [string, string][] {
  const shared = ['LIVE_REGION_ID', 'PACING_ACCOUNT', 'REDIS_URL'].filter((name) => env[name]);
  return [
    ['LIVE_ENDPOINT', emulatorUrl],
    ['CASTER_ID', env['CASTER_ID'] ?? ''],
    ['LEDGER_FILE', env['LEDGER_FILE'] ?? ''],
    ...shared.map((name): [string, string] => [name, env[name] as string]),
    ['ALIBABA_CLOUD_ACCESS_KEY_ID', DEMO_CREDENTIALS.accessKeyId],
    ['ALIBABA_CLOUD_ACCESS_KEY_SECRET', DEMO_CREDENTIALS.accessKeySecret],
    ['ALIBABA_CLOUD_ECS_METADATA_DISABLED', 'true'],
    ['LOCAL_STACK', stackUrl],
  ];
}

function serveCliEnvironment(request: IncomingMessage, response: ServerResponse, exports: readonly [string, string][]): void {
  if (request.method !== 'GET') {
    response.writeHead(405, { allow: 'GET', 'content-type': 'text/plain; charset=utf-8' }).end('Use GET\n');
    return;
  }
  const lines = [
    '# The CLI on this local stack (npm start): its emulator, studio and ledger, and the demo keys that open only it.',
    ...exports.map(([name, value]) => `export ${name}=${shellWord(value)}`),
    '',
  ];
  response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(lines.join('\n'));
}

function printInstructions(
  baseUrl: string,
  emulatorUrl: string,
  studios: readonly string[],
  casterId: string,
  faults: { readonly spec: FaultSpec; readonly seed: number } | undefined,
  ledgerFile: string,
  timers: readonly TimerStatus[],
  allowedStudios: ReadonlySet<string> | undefined,
): void {
  const nameWidth = Math.max(0, ...timers.map((timer) => timer.triggerName.length));
  const cronWidth = Math.max(0, ...timers.map((timer) => timer.cronExpression.length));
  const studioNote = (studio: string): string => {
    const notes = [
      ...(studio === casterId ? ['CASTER_ID'] : []),
      ...(allowedStudios && !allowedStudios.has(studio) ? ['not in ALLOWED_CASTER_IDS: the functions refuse it, as deployed'] : []),
    ];
    return notes.length > 0 ? ` (${notes.join('; ')})` : '';
  };
  const lines = [
    '',
    'caster-carousel: local Function Compute host',
    `  Live API emulator   ${emulatorUrl}`,
    ...studios.map((studio, index) => `  ${index === 0 ? 'studios served     ' : '                   '} ${studio}${studioNote(studio)}`),
    ...(faults ? [`  injected faults     ${formatFaultSpec(faults.spec)} (--seed ${faults.seed} replays them)`] : []),
    `  HTTP function       POST ${baseUrl}/`,
    `  timer function      POST ${baseUrl}/_local/timer   (body: the timer payload; ?name= sets triggerName, ?time= triggerTime)`,
    ...timers.map(
      (timer, index) =>
        `  ${index === 0 ? 'timers (s.yaml)    ' : '                   '} ${timer.triggerName.padEnd(nameWidth)}  ${timer.cronExpression.padEnd(cronWidth)}  ${
          timer.next
            ? `next ${timer.next}${timer.timeZone === 'UTC' ? '' : ` (${localTime(timer.next, timer.timeZone)} ${timer.timeZone})`}`
            : 'disabled in s.yaml'
        }`,
    ),
    `  fire a timer now    POST ${baseUrl}/_local/timer?trigger=NAME[&time=ISO]   (its s.yaml payload; GET /_local/timers lists the ticks)`,
    `  event function      POST ${baseUrl}/_local/event   (body: a CloudEvent, a batch of them, or a bare plan)`,
    `  instances           GET  ${baseUrl}/_local/instances   (per function, scaled as s.yaml deploys it)`,
    `  timeline page       ${baseUrl}${TIMELINE_PATH}   (what is scheduled, in a browser)`,
    `  CLI settings        ${baseUrl}${ENV_PATH}   (eval "$(curl -s ${baseUrl}${ENV_PATH})" sets up the CLI)`,
    '',
    'Schedule the example plan over HTTP (the same Idempotency-Key again returns the same group):',
    `  curl -i -X POST ${baseUrl}/ -H 'Content-Type: application/json' -H 'Idempotency-Key: demo-1' --data-binary @examples/plan.json`,
    '',
    'Fire the timer function (its payload starts the carousel 10 minutes after the tick):',
    `  curl -i -X POST ${baseUrl}/_local/timer --data-binary @examples/timer-payload.json`,
    '',
    'Deliver the plan as an EventBridge CloudEvent:',
    `  curl -i -X POST ${baseUrl}/_local/event -H 'Content-Type: application/json' --data-binary @examples/plan.json`,
    '',
    'See the episode groups the studio got, and what the ledger recorded:',
    `  curl -s ${emulatorUrl}/_emulator/episode-groups`,
    `  curl -s ${baseUrl}/schedule`,
    '',
    "The same with the CLI (it shares the functions' ledger):",
    `  export LIVE_ENDPOINT=${emulatorUrl} CASTER_ID=${casterId} ALIBABA_CLOUD_ECS_METADATA_DISABLED=true LEDGER_FILE=${ledgerFile}`,
    `  export ALIBABA_CLOUD_ACCESS_KEY_ID=${DEMO_CREDENTIALS.accessKeyId} ALIBABA_CLOUD_ACCESS_KEY_SECRET=${DEMO_CREDENTIALS.accessKeySecret}`,
    '  npx caster-carousel submit examples/plan.json',
    '  npx caster-carousel ls',
    '',
    'Function logs (JSON lines) follow. Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  // A bad flag, casters file, data file or fault spec is the user's to fix (exit 2, as the CLI does).
  const usage = error instanceof UsageError || error instanceof EmulatorConfigError;
  process.stderr.write(`npm start failed: ${(error as Error).message}\n`);
  process.exit(usage ? 2 : 1);
});

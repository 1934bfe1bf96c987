import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { samplePlan } from '../support/plan-fixtures';
import { type CliRun, runBuiltCli } from '../support/run-built-cli';
import { type SignatureCheckingEndpoint, startSignatureCheckingEndpoint } from '../support/signature-checking-endpoint';

const ACCESS_KEY_ID = 'LTAI5tUsageTestKey0001';
const ACCESS_KEY_SECRET = 'usage-test-secret-4b7e1c9a';
const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const JSON_LOG_LINE = /^\{"time":/m;

async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('caster-carousel help, version and usage (the built binary)', () => {
  let endpoint: SignatureCheckingEndpoint;
  let workDir: string;
  let home: string;
  const outputs: CliRun[] = [];

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'cli-usage-'));
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    endpoint = await startSignatureCheckingEndpoint(ACCESS_KEY_ID, ACCESS_KEY_SECRET);
    home = await mkdtemp(join(workDir, 'home-'));
  });
  afterEach(async () => {
    await endpoint.close();
  });

  const environment = (overrides: Record<string, string> = {}): Record<string, string> => ({
    ALIBABA_CLOUD_ACCESS_KEY_ID: ACCESS_KEY_ID,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: ACCESS_KEY_SECRET,
    LIVE_ENDPOINT: endpoint.url,
    HOME: home,
    ...overrides,
  });
  const run = async (args: string[], env = environment()): Promise<CliRun> => {
    const result = await runBuiltCli(args, env);
    outputs.push(result);
    return result;
  };

  it.each([
    ['delete', ['--help']],
    ['config', ['LIVEPRODUCER_POST-cn-0pp1czt0001', '--help']],
    ['submit', ['no-such-plan.json', '--help']],
    ['whoami', ['-h']],
    ['emulator', ['--help']],
  ])('%s %j prints its usage and exits 0, sending nothing and reading no file', async (name, args) => {
    // Act
    const result = await run([name, ...args]);

    // Assess
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: caster-carousel ${name}`));
    expect(result.stderr).toBe('');
    expect(endpoint.received).toHaveLength(0);
  });

  it('lists every command on --help and exits 0', async () => {
    // Act
    const result = await run(['--help']);

    // Assess
    expect(result.exitCode).toBe(0);
    for (const name of ['submit', 'config', 'delete', 'whoami', 'emulator']) expect(result.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('prints the package version on --version, without needing package.json beside it', async () => {
    // Act
    const result = await run(['--version']);

    // Assess
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`${PACKAGE_VERSION}\n`);
  });

  it.each([
    [['delete'], 'missing <ProgramId>'],
    [['delete', 'program-1', 'program-2'], 'too many arguments: "program-2"'],
    [['submit', 'plan.json', '--dryrun'], 'unknown option "--dryrun"'],
    [['config', 'LIVEPRODUCER_POST-cn-0pp1czt0001', '--profile'], '--profile needs a value (NAME)'],
    [['whoami', 'extra'], 'takes no arguments, got "extra"'],
  ])('%j is a usage mistake: exit 2, the reason and the usage, nothing sent', async (args, reason) => {
    // Act
    const result = await run(args);

    // Assess
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`caster-carousel ${args[0]}: ${reason}\nUsage: caster-carousel ${args[0]}`);
    expect(result.stderr).not.toContain('Invalid plan');
    expect(endpoint.received).toHaveLength(0);
  });

  it('names an unreadable plan file as a usage mistake, exit 2', async () => {
    // Act
    const result = await run(['submit', join(workDir, 'missing.json')]);

    // Assess
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('cannot read the plan file');
    expect(result.stderr).toContain('ENOENT');
    expect(endpoint.received).toHaveLength(0);
  });

  it('reports an API failure as one block (Code, Message, RequestId, endpoint and action), with no log lines, exit 1', async () => {
    // Prepare
    endpoint.script('DeleteCasterEpisodeGroup', [
      { status: 404, body: { Code: 'InvalidProgram.NotFound', Message: 'The program does not exist.' } },
    ]);

    // Act
    const result = await run(['delete', 'program-404']);

    // Assess
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      new RegExp(
        [
          '^caster-carousel delete: DeleteCasterEpisodeGroup failed',
          'Code: InvalidProgram.NotFound',
          'Message: The program does not exist.',
          'RequestId: [0-9A-F]{32}',
          `Endpoint: ${endpoint.url} \\(action DeleteCasterEpisodeGroup, HTTP 404\\)\n$`,
        ].join('\n'),
      ),
    );
    expect(result.stderr).not.toMatch(JSON_LOG_LINE);
  });

  it('adds JSON log lines only when LOG_LEVEL is set', async () => {
    // Prepare
    endpoint.script('DeleteCasterEpisodeGroup', [{ status: 404, body: { Code: 'InvalidProgram.NotFound', Message: 'gone' } }]);

    // Act
    const result = await run(['delete', 'program-404'], environment({ LOG_LEVEL: 'debug' }));

    // Assess
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(JSON_LOG_LINE);
    expect(result.stderr.match(/^Code: /gm)).toHaveLength(1);
  });

  it('reports an endpoint that does not answer as ConnectionFailed with the endpoint, exit 1', async () => {
    // Prepare
    const deadEndpoint = `http://127.0.0.1:${await closedLoopbackPort()}`;

    // Act
    const result = await run(['delete', 'program-1'], environment({ LIVE_ENDPOINT: deadEndpoint }));

    // Assess
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Code: ConnectionFailed');
    expect(result.stderr).toContain(`Endpoint: ${deadEndpoint} (action DeleteCasterEpisodeGroup)`);
  });

  it.each([
    ['REDIS_URL', 'notaurl', 'REDIS_URL must be a redis:// or rediss:// URL'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of debug, info, warn, error'],
  ])('refuses %s=%s with exit 2, naming the variable, and sends nothing', async (variable, value, message) => {
    // Prepare
    const plan = join(workDir, `plan-${variable}.json`);
    await writeFile(plan, JSON.stringify(samplePlan({ CasterId: 'LIVEPRODUCER_POST-cn-0pp1czt0001' })));

    // Act
    const result = await run(['submit', plan], environment({ [variable]: value }));

    // Assess
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
    expect(endpoint.received).toHaveLength(0);
  });

  it('never prints the AccessKey secret in any run above', () => {
    // Assess
    expect(outputs.length).toBeGreaterThan(10);
    for (const output of outputs) expect(output.stdout + output.stderr).not.toContain(ACCESS_KEY_SECRET);
  });
});

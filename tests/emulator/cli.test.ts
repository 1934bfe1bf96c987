import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_STUDIO, runEmulatorCommand } from '../../emulator/index';
import { call, popClient } from './support';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'emulator-cli-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function captureIo(env: Record<string, string> = {}, signal?: AbortSignal) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (text: string) => out.push(text) },
      stderr: (text: string) => err.push(text),
      env,
      ...(signal ? { signal } : {}),
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('caster-carousel emulator (command line)', () => {
  it('exits 2 on a bad --faults spec, naming the bad part', async () => {
    // Prepare
    const { io, stderr } = captureIo();
    // Act
    const exitCode = await runEmulatorCommand(['--port', '0', '--faults', 'bogus'], io);
    // Assess
    expect(exitCode).toBe(2);
    expect(stderr()).toContain('"bogus"');
  });

  it.each([
    [['--colour', 'red'], '--colour'],
    [['--port', 'eighty'], '--port'],
    [['--port'], '--port needs a value'],
    [['--seed', '-1'], '--seed'],
  ])('exits 2 on bad flags %j', async (argv, named) => {
    // Prepare
    const { io, stderr } = captureIo();
    // Act
    const exitCode = await runEmulatorCommand(argv, io);
    // Assess
    expect(exitCode).toBe(2);
    expect(stderr()).toContain(named);
  });

  it('exits 2 on a casters file that is not a list of studios, naming the file', async () => {
    // Prepare
    const castersFile = join(directory, 'casters.json');
    writeFileSync(castersFile, JSON.stringify([{ CasterName: 'no id' }]));
    const { io, stderr } = captureIo();
    // Act
    const exitCode = await runEmulatorCommand(['--port', '0', '--casters', castersFile], io);
    // Assess
    expect(exitCode).toBe(2);
    expect(stderr()).toContain(castersFile);
    expect(stderr()).toContain('CasterId');
  });

  it('exits 2 on a corrupt data file', async () => {
    // Prepare
    const dataFile = join(directory, 'state.json');
    writeFileSync(dataFile, '{"Kind":"caster-carousel-emulator-state","Vers');
    const { io, stderr } = captureIo();
    // Act
    const exitCode = await runEmulatorCommand(['--port', '0', `--data=${dataFile}`], io);
    // Assess
    expect(exitCode).toBe(2);
    expect(stderr()).toContain(dataFile);
  });

  it('serves until stopped, printing the address, the demo pair and the demo studio, then exits 0', async () => {
    // Prepare
    const controller = new AbortController();
    const { io, stdout } = captureIo({}, controller.signal);
    const running = runEmulatorCommand(['--port', '0', '--host', '127.0.0.1', '--faults', 'latency=1-2@0.5', '--seed', '5'], io);
    await waitFor(() => stdout().includes('Press Ctrl+C'));
    const url = /listening on (http:\/\/[^\s]+?)\/?\n/.exec(stdout())![1]!;
    // Act
    const body = await call(popClient({ url } as never), 'DescribeCasterConfig', { CasterId: DEMO_STUDIO.CasterId });
    controller.abort();
    const exitCode = await running;
    // Assess
    expect(body['CasterId']).toBe(DEMO_STUDIO.CasterId);
    expect(exitCode).toBe(0);
    expect(stdout()).toContain(DEMO_CREDENTIALS.accessKeyId);
    expect(stdout()).toContain(DEMO_CREDENTIALS.accessKeySecret);
    expect(stdout()).toContain(DEMO_STUDIO.CasterId);
    expect(stdout()).toContain('seed 5');
    expect(stdout()).toContain('Emulator stopped');
  });

  it("prints the demo studio's URLs with auth_key=<redacted>, never the auth_key values", async () => {
    // Prepare
    const controller = new AbortController();
    const { io, stdout } = captureIo({}, controller.signal);
    const running = runEmulatorCommand(['--port', '0', '--faults', 'lost=0.05', '--seed', '8'], io);
    await waitFor(() => stdout().includes('Press Ctrl+C'));
    // Act
    controller.abort();
    const exitCode = await running;
    // Assess
    const authKeys = [DEMO_STUDIO.CallbackUrl, DEMO_STUDIO.SideOutputUrl].map((url) => new URL(url!).searchParams.get('auth_key')!);
    expect(authKeys.every((value) => value.length > 0)).toBe(true);
    expect(exitCode).toBe(0);
    for (const value of authKeys) expect(stdout()).not.toContain(value);
    expect(stdout()).toContain(`CallbackUrl   ${DEMO_STUDIO.CallbackUrl!.replace(/auth_key=.*$/, 'auth_key=<redacted>')}\n`);
    expect(stdout()).toContain(`SideOutputUrl ${DEMO_STUDIO.SideOutputUrl!.replace(/auth_key=.*$/, 'auth_key=<redacted>')}\n`);
    expect(stdout()).toContain('lost=0.05 (seed 8)');
  });

  it.each([
    [
      "no secret but the demo pair's: not the STS token, not a secret reused as an AccessKeyId",
      {
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'same-as-the-secret-0042',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'same-as-the-secret-0042',
        ALIBABA_CLOUD_SECURITY_TOKEN: 'sts-token-do-not-print',
      },
      ['AccessKeyId <redacted>', 'requires its STS SecurityToken'],
      ['same-as-the-secret-0042', 'sts-token-do-not-print'],
    ],
    [
      'the AccessKeyId from the environment but never its secret',
      { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tFromTheEnvironment', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'env-secret-do-not-print' },
      ['LTAI5tFromTheEnvironment'],
      ['env-secret-do-not-print', DEMO_CREDENTIALS.accessKeySecret],
    ],
  ])('prints %s', async (_case, env: Record<string, string>, shown, hidden) => {
    // Prepare
    const controller = new AbortController();
    const { io, stdout } = captureIo(env, controller.signal);
    const running = runEmulatorCommand(['--port', '0'], io);
    await waitFor(() => stdout().includes('Press Ctrl+C'));
    // Act
    controller.abort();
    const exitCode = await running;
    // Assess
    expect(exitCode).toBe(0);
    for (const text of shown) expect(stdout()).toContain(text);
    for (const text of hidden) expect(stdout()).not.toContain(text);
  });

  it('keeps auth_key values out of error messages that quote a file', async () => {
    // Prepare: short enough that the JSON parser quotes all of it.
    const castersFile = join(directory, 'casters.json');
    writeFileSync(castersFile, 'auth_key=ab12cd34ef');
    const { io, stderr } = captureIo();
    // Act
    const exitCode = await runEmulatorCommand(['--port', '0', '--casters', castersFile], io);
    // Assess
    expect(exitCode).toBe(2);
    expect(stderr()).toContain(castersFile);
    expect(stderr()).not.toContain('ab12cd34ef');
  });

  it('exits 1 when the port is taken', async () => {
    // Prepare
    const controller = new AbortController();
    const first = captureIo({}, controller.signal);
    const running = runEmulatorCommand(['--port', '0'], first.io);
    await waitFor(() => first.stdout().includes('Press Ctrl+C'));
    const port = /:(\d+)\/?\n/.exec(first.stdout())![1]!;
    const second = captureIo();
    // Act
    const exitCode = await runEmulatorCommand(['--port', port], second.io);
    controller.abort();
    await running;
    // Assess
    expect(exitCode).toBe(1);
    expect(second.stderr()).toContain('EADDRINUSE');
  });
});

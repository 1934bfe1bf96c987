import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_STUDIO } from '../../emulator/index';
import { CLI_PATH, runBuiltCli } from '../support/run-built-cli';

const CLI_DIR = dirname(CLI_PATH);
const EMULATOR_FILE = join(CLI_DIR, 'caster-carousel-emulator.js');
const CREDENTIAL_CHAIN_FILE = join(CLI_DIR, 'cli-credential-chain.js');
// Text that exists only in the emulator's code, and only in Alibaba's credential library.
const EMULATOR_MARKER = 'Emulator stopped (';
const CREDENTIAL_LIBRARY_MARKER = 'CLIProfileCredentialsProvider';

// Preloaded into the CLI process: on exit, writes which files of the CLI's folder Node loaded.
const PRELOAD = `
const { writeFileSync } = require('node:fs');
process.on('exit', () => writeFileSync(process.env.LOADED_MODULES_FILE, JSON.stringify(Object.keys(require.cache))));
`;

describe('caster-carousel loads the emulator and the credential library only when a command needs them', () => {
  let workDir: string;
  let preload: string;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'cli-lazy-'));
    preload = join(workDir, 'record-loaded-modules.cjs');
    await writeFile(preload, PRELOAD);
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  const loadedCliFiles = async (args: string[], env: Record<string, string> = {}): Promise<string[]> => {
    const record = join(workDir, `loaded-${args.join('_').replace(/\W/g, '')}.json`);
    await runBuiltCli(args, { NODE_OPTIONS: `--require ${preload}`, LOADED_MODULES_FILE: record, ...env });
    const loaded = JSON.parse(await readFile(record, 'utf8')) as string[];
    return loaded.filter((file) => dirname(file) === CLI_DIR).map((file) => basename(file));
  };

  it('ships the emulator and the credential library as files beside the CLI bundle, not inside it', () => {
    // Prepare
    const bundle = readFileSync(CLI_PATH, 'utf8');

    // Assess
    expect(bundle).not.toContain(EMULATOR_MARKER);
    expect(bundle).not.toContain(CREDENTIAL_LIBRARY_MARKER);
    expect(existsSync(EMULATOR_FILE) && readFileSync(EMULATOR_FILE, 'utf8')).toContain(EMULATOR_MARKER);
    expect(existsSync(CREDENTIAL_CHAIN_FILE) && readFileSync(CREDENTIAL_CHAIN_FILE, 'utf8')).toContain(CREDENTIAL_LIBRARY_MARKER);
  });

  it('keeps the credential library out of the FC layer and the function bundles', () => {
    // Prepare
    const built = join(CLI_DIR, '..');
    const layer = readFileSync(join(built, 'layer/nodejs/node_modules/caster-carousel-shared/index.js'), 'utf8');
    const functions = ['http', 'timer', 'event'].map((name) => readFileSync(join(built, 'functions', name, 'index.js'), 'utf8'));

    // Assess
    for (const code of [layer, ...functions]) expect(code).not.toContain(CREDENTIAL_LIBRARY_MARKER);
  });

  it('loads nothing but the CLI bundle for --help, a command help and --version', async () => {
    // Act
    const loaded = [await loadedCliFiles(['--help']), await loadedCliFiles(['submit', '--help']), await loadedCliFiles(['--version'])];

    // Assess
    expect(loaded).toEqual([['caster-carousel.js'], ['caster-carousel.js'], ['caster-carousel.js']]);
  });

  it('loads the credential library, and not the emulator, for a command that signs', async () => {
    // Act
    const loaded = await loadedCliFiles(['whoami'], { LIVE_ENDPOINT: 'http://127.0.0.1:9' });

    // Assess
    expect(loaded.sort()).toEqual(['caster-carousel.js', 'cli-credential-chain.js']);
  });

  it('still runs the emulator from its own file, and whoami accepts the demo pair against it', async () => {
    // Prepare
    const emulator: ChildProcessWithoutNullStreams = spawn(process.execPath, [CLI_PATH, 'emulator', '--port', '0'], {
      env: { PATH: process.env['PATH'] ?? '', ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' },
    });
    let banner = '';
    const exited = new Promise<number | null>((resolve) => emulator.on('close', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        emulator.stdout.on('data', (chunk: Buffer) => {
          banner += chunk.toString('utf8');
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(banner);
          if (match) resolve(match[1]!);
        });
        emulator.on('close', () => reject(new Error(`the emulator exited before listening: ${banner}`)));
      });

      // Act
      const whoami = await runBuiltCli(['whoami'], {
        LIVE_ENDPOINT: url,
        CASTER_ID: DEMO_STUDIO.CasterId,
        ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_CREDENTIALS.accessKeySecret,
      });

      // Assess
      expect(whoami.exitCode, whoami.stdout + whoami.stderr).toBe(0);
      expect(whoami.stdout).toMatch(/^Check: +accepted: DescribeCasterConfig LIVEPRODUCER_POST-cn-demo00001 answered/m);
    } finally {
      emulator.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(banner).toContain('Emulator stopped (SIGINT)');
  });
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../cli/cli-io';
import { createTimelineCommand } from '../../cli/commands/timeline';
import type { ScheduleSnapshot } from '../../cli/ledger-access';
import { runCli } from '../../cli/run-cli';
import type { LoadLedgerRecords } from '../../cli/timeline/ledger-source';
import { serveTimeline, TIMELINE_PATH } from '../../local/timeline-route';
import { createFileLedgerStore } from '../../shared/src/ledger/file-ledger-store';
import { ledgerScope } from '../../shared/src/ledger/ledger-from-environment';
import type { LedgerRecord } from '../../shared/src/ledger/ledger-record';
import { recordIndex } from '../../shared/src/schedule/lifecycle';
import { sampleLedgerRecord } from '../support/ledger-record-fixtures';
import { SAMPLE_AUTH_KEY } from '../support/plan-fixtures';
import { runBuiltCli } from '../support/run-built-cli';

const NOW = new Date('2031-03-06T12:00:00Z');

function memoryIo(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
    readStdin: async () => '',
    env: {},
  };
  return io;
}

/** Runs `caster-carousel timeline ARGS` in process, with the given records. */
async function runTimeline(args: string[], load: LoadLedgerRecords, io = memoryIo()) {
  const exitCode = await runCli(['timeline', ...args], io, [createTimelineCommand(load, () => NOW)]);
  return { exitCode, io };
}

const recordsOfTwoStates = (): LedgerRecord[] => [
  sampleLedgerRecord({ ProgramId: 'evening-loop', CasterId: 'studio-one', RepeatNum: -1, StartTime: '2031-03-06T13:00:00Z' }),
  sampleLedgerRecord({
    ProgramId: 'gone',
    CasterId: 'studio-one',
    State: 'cancelled',
    StartTime: '2031-03-06T14:00:00Z',
    UpdatedAt: '2031-03-06T11:00:00.000Z',
    Version: 4,
  }),
];
const snapshot = async (): Promise<ScheduleSnapshot> => ({ records: recordsOfTwoStates() });

describe('caster-carousel timeline', () => {
  let workDir: string;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'cli-timeline-'));
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('writes the page on stdout when no --out is given', async () => {
    const { exitCode, io } = await runTimeline([], snapshot);
    expect(exitCode).toBe(0);
    expect(io.out.startsWith('<!doctype html>')).toBe(true);
    expect(io.out).toContain('data-program-id="evening-loop"');
    expect(io.out).not.toContain(SAMPLE_AUTH_KEY);
    expect(io.err).toBe('');
  });

  it('writes the page to --out and says how many groups it holds', async () => {
    const file = join(workDir, 'schedule.html');
    const { exitCode, io } = await runTimeline(['--out', file], snapshot);
    expect(exitCode).toBe(0);
    expect(io.out).toBe(`Wrote the timeline of 2 episode groups to ${file}\n`);
    const html = await readFile(file, 'utf8');
    expect(html).toContain('data-program-id="evening-loop"');
    expect(html).not.toContain('id="show-inactive" checked');
  });

  it('shows cancelled and retired groups from the start with --all', async () => {
    const { io } = await runTimeline(['--all'], snapshot);
    expect(io.out).toContain('id="show-inactive" checked');
  });

  it('opens in the zone --tz names, else TIMELINE_TZ; a name that is no zone is refused before the ledger is read', async () => {
    // Act
    const flagged = await runTimeline(['--tz', 'Asia/Shanghai'], snapshot);
    const fromEnv = await runTimeline([], snapshot, Object.assign(memoryIo(), { env: { TIMELINE_TZ: 'America/New_York' } }));
    let loaded = false;
    const refused = await runTimeline(['--tz', 'Mars/Olympus'], async () => {
      loaded = true;
      return { records: [] };
    });

    // Assess
    expect(flagged.exitCode).toBe(0);
    expect(flagged.io.out).toContain('data-zone="Asia/Shanghai"');
    expect(fromEnv.io.out).toContain('data-zone="America/New_York"');
    expect(refused.exitCode).toBe(2);
    expect(refused.io.err).toContain('--tz "Mars/Olympus" is not a time zone');
    expect(loaded).toBe(false);
  });

  it.each([
    [['--out'], '--out needs a value (FILE)'],
    [['--out', '--all'], '--out needs a value (FILE)'],
    [['--since', 'yesterday'], 'unknown option "--since"'],
    [['schedule.html'], 'takes no arguments, got "schedule.html"'],
  ])('refuses %j without reading the ledger', async (args, message) => {
    let loaded = false;
    const { exitCode, io } = await runTimeline(args, async () => {
      loaded = true;
      return { records: [] };
    });
    expect(exitCode).toBe(2);
    expect(io.err).toContain(message);
    expect(io.err).toContain('Usage: caster-carousel timeline');
    expect(loaded).toBe(false);
  });

  it('draws the groups the ledger file holds for this endpoint, through the built CLI', async () => {
    // Prepare: two groups committed to a real file ledger under the scope the CLI derives from its environment.
    const ledgerFile = join(workDir, 'ledger.json');
    const env = { LEDGER_FILE: ledgerFile, LIVE_ENDPOINT: 'http://127.0.0.1:8787', HOME: workDir };
    const store = createFileLedgerStore({ file: ledgerFile });
    const scope = ledgerScope({ endpoint: env.LIVE_ENDPOINT, regionId: 'cn-shanghai', pacingAccount: 'default' });
    const written = await store.apply(scope, {
      records: recordsOfTwoStates().map((record) => ({ record, expectedVersion: 0, index: recordIndex(record) })),
    });
    await store.close();
    expect(written).toBe(true);
    const out = join(workDir, 'from-ledger.html');
    // Act
    const run = await runBuiltCli(['timeline', '--out', out], env);
    // Assess
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(`Wrote the timeline of 2 episode groups to ${out}\n`);
    const html = await readFile(out, 'utf8');
    expect(html).toContain('data-program-id="evening-loop"');
    expect(html).toContain('data-program-id="gone"');
    expect(html).not.toContain(SAMPLE_AUTH_KEY);
  });

  it('refuses to draw with the ledger off rather than showing an empty schedule, through the built CLI', async () => {
    const run = await runBuiltCli(['timeline'], { LEDGER: 'off', HOME: workDir });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('The ledger is off (LEDGER=off): nothing is recorded, so there is no schedule to draw');
  });

  it('refuses a corrupt ledger file by name, through the built CLI, instead of drawing an empty schedule', async () => {
    const ledgerFile = join(workDir, 'corrupt.json');
    await writeFile(ledgerFile, '{"not":"a ledger"}');
    const run = await runBuiltCli(['timeline'], { LEDGER_FILE: ledgerFile, HOME: workDir });
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`The ledger file ${ledgerFile} is not a valid ledger`);
  });
});

describe('GET /_local/timeline', () => {
  let server: Server;
  let baseUrl: string;
  let load: LoadLedgerRecords = snapshot;

  beforeAll(async () => {
    server = createServer((request, response) => void serveTimeline(request, response, () => load({}), { TIMELINE_TZ: 'Asia/Shanghai' }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${TIMELINE_PATH}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('serves the page rendered from the ledger at request time, never cached', async () => {
    load = snapshot;
    const first = await fetch(baseUrl);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(await first.text()).toContain('data-program-id="evening-loop"');
    load = async () => ({ records: [sampleLedgerRecord({ ProgramId: 'added-later' })] });
    expect(await (await fetch(baseUrl)).text()).toContain('data-program-id="added-later"');
  });

  it('opens in TIMELINE_TZ, or in the zone ?tz= names, and answers 400 to a name that is no zone', async () => {
    load = snapshot;
    expect(await (await fetch(baseUrl)).text()).toContain('data-zone="Asia/Shanghai"');
    expect(await (await fetch(`${baseUrl}?tz=UTC`)).text()).toContain('data-zone="UTC"');
    const refused = await fetch(`${baseUrl}?tz=Nowhere`);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('is not a time zone');
  });

  it('answers 405 to anything but GET and HEAD', async () => {
    const response = await fetch(baseUrl, { method: 'POST', body: '{}' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers 503 with the reason, redacted, when the ledger cannot be read', async () => {
    load = async () => {
      throw new Error(`store at redis://cache.example.com/?auth_key=${SAMPLE_AUTH_KEY} refused`);
    };
    const response = await fetch(baseUrl);
    const text = await response.text();
    expect(response.status).toBe(503);
    expect(text).toContain('The timeline is unavailable: store at redis://cache.example.com/?auth_key=<redacted> refused');
    expect(text).not.toContain(SAMPLE_AUTH_KEY);
  });
});

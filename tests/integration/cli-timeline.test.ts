import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, reportError } from '../../cli/cli-io';
import { createTimelineCommand } from '../../cli/commands/timeline';
import type { LoadLedgerRecords } from '../../cli/timeline/ledger-source';
import { serveTimeline, TIMELINE_PATH } from '../../local/timeline-route';
import type { LedgerRecord } from '../../shared/src/ledger/ledger-record';
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

/** Runs the command the way runCli does: an error becomes an exit code and a message on stderr. */
async function runTimeline(args: string[], load: LoadLedgerRecords, io = memoryIo()) {
  const command = createTimelineCommand(load, () => NOW);
  const exitCode = await command(args, io).catch((error: unknown) => reportError(io, error));
  return { exitCode, io };
}

const records = (): LedgerRecord[] => [
  sampleLedgerRecord({ ProgramId: 'evening-loop', CasterId: 'studio-one', RepeatNum: -1, StartTime: '2031-03-06T13:00:00Z' }),
  sampleLedgerRecord({ ProgramId: 'gone', CasterId: 'studio-one', State: 'cancelled', StartTime: '2031-03-06T14:00:00Z' }),
];

describe('caster-carousel timeline', () => {
  let workDir: string;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'cli-timeline-'));
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('writes the page on stdout when no --out is given', async () => {
    const { exitCode, io } = await runTimeline([], async () => records());
    expect(exitCode).toBe(0);
    expect(io.out.startsWith('<!doctype html>')).toBe(true);
    expect(io.out).toContain('data-program-id="evening-loop"');
    expect(io.out).not.toContain(SAMPLE_AUTH_KEY);
    expect(io.err).toBe('');
  });

  it('writes the page to --out and says how many groups it holds', async () => {
    const file = join(workDir, 'schedule.html');
    const { exitCode, io } = await runTimeline(['--out', file], async () => records());
    expect(exitCode).toBe(0);
    expect(io.out).toBe(`Wrote the timeline of 2 episode groups to ${file}\n`);
    const html = await readFile(file, 'utf8');
    expect(html).toContain('data-program-id="evening-loop"');
    expect(html).not.toContain('id="show-inactive" checked');
  });

  it('shows cancelled and retired groups from the start with --all', async () => {
    const { io } = await runTimeline(['--all'], async () => records());
    expect(io.out).toContain('id="show-inactive" checked');
  });

  it.each([
    [['--out'], '--out needs a file name'],
    [['--out', '--all'], '--out needs a file name'],
    [['--since', 'yesterday'], 'Unknown argument "--since" for timeline'],
  ])('refuses %j without reading the ledger', async (args, message) => {
    let loaded = false;
    const { exitCode, io } = await runTimeline(args, async () => {
      loaded = true;
      return [];
    });
    expect(exitCode).not.toBe(0);
    expect(io.err).toContain(message);
    expect(io.err).toContain('usage: caster-carousel timeline [--out FILE] [--all]');
    expect(loaded).toBe(false);
  });

  it('reports a ledger that cannot be read, in the built CLI, as a clear error rather than an empty schedule', async () => {
    const run = await runBuiltCli(['timeline'], {});
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('No schedule ledger is available');
  });
});

describe('GET /_local/timeline', () => {
  let server: Server;
  let baseUrl: string;
  let load: LoadLedgerRecords = async () => records();

  beforeAll(async () => {
    server = createServer((request, response) => void serveTimeline(request, response, (env) => load(env)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${TIMELINE_PATH}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('serves the page rendered from the ledger at request time, never cached', async () => {
    load = async () => records();
    const first = await fetch(baseUrl);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(await first.text()).toContain('data-program-id="evening-loop"');
    load = async () => [sampleLedgerRecord({ ProgramId: 'added-later' })];
    expect(await (await fetch(baseUrl)).text()).toContain('data-program-id="added-later"');
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

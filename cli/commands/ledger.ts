import { closeSync, createReadStream, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { UsageError } from '../../shared/src/errors';
import type { Ledger } from '../../shared/src/ledger/ledger';
import type { LedgerRecord } from '../../shared/src/ledger/ledger-record';
import { recordLine } from '../../shared/src/ledger/record-line';
import { type CliIo, EXIT_INVALID_INPUT, EXIT_OK } from '../cli-io';
import { type CommandDeclaration, flagValue, type ParsedCommandLine } from '../framework/command';
import { openCliLedger } from '../ledger-access';
import { archivePages, parseSinceOption } from '../ledger-history';
import { readRecordLine } from '../ledger-lines';
import { count, emit, OUTPUT_FLAGS, type OutputStyle, oneLine, outputStyleOf } from '../output';
import { migrateLedger } from './ledger-migrate';

// Records handed to the store at a time: an import of any size holds one batch in memory.
const IMPORT_BATCH = 1000;
// Malformed lines named before the import is refused (the count says how many there are in all).
const NAMED_PROBLEMS = 20;

/**
 * `ledger export [--since DATE] [--out FILE]` and `ledger import <FILE | ->`: the ledger as JSON Lines;
 * `ledger migrate [--from FILE]`: the earlier release's ledger carried over.
 */
export const ledgerCommand: CommandDeclaration = {
  name: 'ledger',
  summary:
    'export the ledger as JSON Lines (a backup, or to move it to a shared Redis), import such a file, or migrate the earlier release’s ledger',
  positionals: { usage: 'export | import <FILE | -> | migrate', min: 1, max: 2 },
  flags: [
    {
      name: 'since',
      takes: 'value',
      valueName: 'DATE',
      summary: 'export: only records changed since DATE (YYYY-MM-DD: midnight in the display zone; or an ISO 8601 time)',
    },
    { name: 'out', takes: 'value', valueName: 'FILE', summary: 'export: write FILE (mode 0600) instead of standard output' },
    {
      name: 'from',
      takes: 'value',
      valueName: 'FILE',
      summary: 'migrate: read this format-1 ledger file instead of the ledger file (or the earlier keys of REDIS_URL)',
    },
    ...OUTPUT_FLAGS,
  ],
  sendsRequests: false,
  details: [
    'export writes every record of this scope (the live ones and the archive), one JSON line each:',
    '{"format":"caster-carousel-record","version":1,"scope":...,"record":{...}}. The records hold the VOD and',
    'callback URLs with their auth_key values (a retry resends them): keep the file as you keep the ledger.',
    'import reads such a file (- for standard input) into the ledger of this environment (REDIS_URL, else',
    'LEDGER_FILE, else the state file). It checks every line first and refuses the whole file, naming the line',
    'numbers, when one is malformed or of another scope; it never moves a record back to an older version, so',
    'importing the same file twice changes nothing. Records that ended longer ago than LEDGER_RETENTION_DAYS go',
    'straight to the archive.',
    'migrate carries the ledger of the release before the timeline over into this one, for this scope: with',
    'REDIS_URL, its keys under caster-carousel:ledger in the same Redis; else the ledger file (or --from FILE), which',
    'must be format 1 and is moved aside to FILE.format1 first. Its superseded groups come over as scheduled, so the',
    'timeline retires each once its successor starts; its unanswered intents are re-sent by the next tick or gc with',
    'their own tokens. It checks every entry first and refuses the whole migration, naming them, when one cannot come',
    'over; running it again changes nothing. The earlier ledger is left in place for you to delete.',
  ].join('\n'),
  async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
    const style = outputStyleOf(parsed, io.env);
    const [action, file] = parsed.positionals;
    if (action === 'export') {
      if (file !== undefined) throw new UsageError('ledger export takes no file: give --out FILE, or redirect standard output');
      if (flagValue(parsed, 'from') !== undefined) throw new UsageError('--from is for ledger migrate');
      const since = flagValue(parsed, 'since');
      return exportLedger(
        io,
        style,
        since === undefined ? undefined : parseSinceOption(since, style.zone, Date.now()),
        flagValue(parsed, 'out'),
      );
    }
    if (action === 'import') {
      if (file === undefined) throw new UsageError('ledger import needs a FILE (or - for standard input)');
      if (flagValue(parsed, 'since') !== undefined || flagValue(parsed, 'out') !== undefined)
        throw new UsageError('--since and --out are for ledger export');
      if (flagValue(parsed, 'from') !== undefined) throw new UsageError('--from is for ledger migrate');
      return importLedger(io, style, file);
    }
    if (action === 'migrate') {
      if (file !== undefined) throw new UsageError('ledger migrate takes no file: give --from FILE');
      if (flagValue(parsed, 'since') !== undefined || flagValue(parsed, 'out') !== undefined)
        throw new UsageError('--since and --out are for ledger export');
      const ledger = openLedger(io);
      try {
        return await migrateLedger(io, style, ledger, flagValue(parsed, 'from'));
      } finally {
        await ledger.close();
      }
    }
    throw new UsageError(`give export, import or migrate, not ${JSON.stringify(action ?? '').slice(0, 40)}`);
  },
};

function openLedger(io: CliIo): Ledger {
  const ledger = openCliLedger(io);
  if (!ledger) throw new UsageError('the ledger is off (LEDGER=off): there is nothing to export or import into');
  return ledger;
}

async function exportLedger(io: CliIo, style: OutputStyle, sinceMs: number | undefined, out: string | undefined): Promise<number> {
  const ledger = openLedger(io);
  const partial = out === undefined ? undefined : `${out}.partial`;
  // 0600: the records hold auth_key URLs.
  const descriptor = partial === undefined ? undefined : openSync(partial, 'w', 0o600);
  const write = (text: string): void => {
    if (descriptor === undefined) io.stdout(text);
    else writeSync(descriptor, text);
  };
  let exported = 0;
  const writeRecords = (records: readonly LedgerRecord[]): void => {
    if (records.length === 0) return;
    write(`${records.map((record) => recordLine(ledger.scope, record)).join('\n')}\n`);
    exported += records.length;
  };
  try {
    const live = (await ledger.readAll()).filter((record) => sinceMs === undefined || Date.parse(record.UpdatedAt) >= sinceMs);
    const liveTokens = new Set(live.map((record) => record.ClientToken));
    // The archive first, oldest month first, then the live records: a file read in order ends with the newest state.
    for await (const page of archivePages(ledger, sinceMs)) writeRecords(page.filter((record) => !liveTokens.has(record.ClientToken)));
    writeRecords(live);
    if (descriptor !== undefined) {
      closeSync(descriptor);
      renameSync(partial as string, out as string);
    }
  } catch (error) {
    if (descriptor !== undefined) {
      closeSync(descriptor);
      rmSync(partial as string, { force: true });
    }
    throw error;
  } finally {
    await ledger.close();
  }
  io.stderr(
    `caster-carousel ledger export: ${count(exported, 'record')}${sinceMs === undefined ? '' : ` changed since ${style.time(sinceMs)}`} of ${ledger.description} (scope ${oneLine(ledger.scope)})${out === undefined ? '' : ` written to ${out}`}\n`,
  );
  return EXIT_OK;
}

/** The lines of a file (or of standard input for `-`), with their numbers, blank lines skipped. */
async function* linesOf(io: CliIo, file: string): AsyncGenerator<{ readonly number: number; readonly text: string }> {
  let number = 0;
  if (file === '-') {
    for (const text of (await io.readStdin()).split('\n')) {
      number += 1;
      if (text.trim() !== '') yield { number, text };
    }
    return;
  }
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const text of lines) {
      number += 1;
      if (text.trim() !== '') yield { number, text };
    }
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  } finally {
    lines.close();
    stream.destroy();
  }
}

async function importLedger(io: CliIo, style: OutputStyle, file: string): Promise<number> {
  const ledger = openLedger(io);
  try {
    // Every line is checked before anything is written: a file is imported whole or not at all.
    const problems: string[] = [];
    let malformed = 0;
    let lines = 0;
    const stdinText = file === '-' ? await io.readStdin() : undefined;
    const source = stdinText === undefined ? io : { ...io, readStdin: async () => stdinText };
    for await (const { number, text } of linesOf(source, file)) {
      lines += 1;
      const read = readRecordLine(text);
      const problem =
        'problem' in read
          ? read.problem
          : read.scope !== ledger.scope
            ? `scope ${JSON.stringify(read.scope).slice(0, 120)} is not this environment's (${ledger.scope}): set LIVE_ENDPOINT, LIVE_REGION_ID and PACING_ACCOUNT as where it was exported`
            : undefined;
      if (problem === undefined) continue;
      malformed += 1;
      if (problems.length < NAMED_PROBLEMS) problems.push(`  line ${number}: ${oneLine(problem)}`);
    }
    if (malformed > 0) {
      io.stderr(
        `caster-carousel ledger import: ${file} is refused, nothing was imported: ${count(malformed, 'line')} of ${lines} cannot be imported\n${problems.join('\n')}${malformed > problems.length ? `\n  ... and ${malformed - problems.length} more` : ''}\n`,
      );
      return EXIT_INVALID_INPUT;
    }
    const totals = { Added: 0, Updated: 0, Unchanged: 0 };
    let batch: LedgerRecord[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const counts = await ledger.importRecords(batch, Date.now());
      totals.Added += counts.added;
      totals.Updated += counts.updated;
      totals.Unchanged += counts.unchanged;
      batch = [];
    };
    for await (const { text } of linesOf(source, file)) {
      const read = readRecordLine(text);
      if ('record' in read) batch.push(read.record);
      if (batch.length >= IMPORT_BATCH) await flush();
    }
    await flush();
    emit(io, style, {
      json: { Records: lines, ...totals },
      text: () =>
        `ledger import: ${count(lines, 'record')} read into ${ledger.description}: ${totals.Added} added, ${totals.Updated} updated to a newer version, ${totals.Unchanged} already there.`,
    });
    return EXIT_OK;
  } finally {
    await ledger.close();
  }
}

import { readEnvironment } from '../shared/src/config/environment';
import type { FailedTrigger } from '../shared/src/ledger/failed-trigger';
import type { Ledger } from '../shared/src/ledger/ledger';
import { defaultLedgerFile, ledgerFromEnvironment } from '../shared/src/ledger/ledger-from-environment';
import type { LedgerRecord } from '../shared/src/ledger/ledger-record';
import { createLogger, type Logger } from '../shared/src/logging/logger';
import type { CliIo } from './cli-io';
import { type RecordRange, readRecords } from './ledger-history';

/** What a view of the schedule (ls, a timeline page) reads: records, and since when the ledger may be incomplete. */
export interface ScheduleSnapshot {
  readonly records: readonly LedgerRecord[];
  /** ISO 8601 UTC of the earliest lost write not yet repaired. */
  readonly incompleteSince?: string | undefined;
  /** The failed timer ticks and events (for a timeline page); absent where a view does not read them. */
  readonly failures?: readonly FailedTrigger[] | undefined;
}

/**
 * The CLI's ledger: Redis with REDIS_URL, else LEDGER_FILE, else the default state file; none with LEDGER=off.
 * Its warnings (a write that failed) always reach stderr, even when LOG_LEVEL asks for no other logs.
 */
export function openCliLedger(io: Pick<CliIo, 'env' | 'stderr'>, logger?: Logger): Ledger | undefined {
  const environment = readEnvironment(io.env);
  const warnings = logger ?? createLogger({ level: 'warn', write: (line) => io.stderr(`${line}\n`) });
  return ledgerFromEnvironment(environment, io.env, warnings, defaultLedgerFile(io.env));
}

/** The records of a range (`true`: with the whole archive, as `ls --all`), and since when it may be incomplete. */
export async function readSnapshot(ledger: Ledger, range: boolean | RecordRange): Promise<ScheduleSnapshot> {
  const wanted: RecordRange = range === true ? { history: true } : range === false ? 'open' : range;
  const [records, gaps] = await Promise.all([readRecords(ledger, wanted), ledger.readGaps()]);
  return { records, incompleteSince: Object.values(gaps).sort()[0] };
}

/**
 * The live records of the environment's scope (open, or ended within the retention), with the archive too when
 * `history` asks (`timeline --all`), and its failed triggers (for a timeline page).
 */
export async function loadLedgerRecords(env: NodeJS.ProcessEnv, options: { readonly history?: boolean } = {}): Promise<ScheduleSnapshot> {
  const ledger = openCliLedger({ env, stderr: (text) => process.stderr.write(text) });
  if (!ledger) return { records: [] };
  try {
    const [snapshot, failures] = await Promise.all([readSnapshot(ledger, options.history ? true : 'live'), ledger.readFailures()]);
    return { ...snapshot, failures };
  } finally {
    await ledger.close();
  }
}

import { readEnvironment } from '../shared/src/config/environment';
import type { Ledger } from '../shared/src/ledger/ledger';
import { defaultLedgerFile, ledgerFromEnvironment } from '../shared/src/ledger/ledger-from-environment';
import type { LedgerRecord } from '../shared/src/ledger/ledger-record';
import { createLogger, type Logger } from '../shared/src/logging/logger';
import type { CliIo } from './cli-io';

/** What a view of the schedule (ls, a timeline page) reads: records, and since when the ledger may be incomplete. */
export interface ScheduleSnapshot {
  readonly records: readonly LedgerRecord[];
  /** ISO 8601 UTC of the earliest lost write not yet repaired. */
  readonly incompleteSince?: string | undefined;
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

/** The open records of a ledger (every record with `all`), and since when it may be incomplete. */
export async function readSnapshot(ledger: Ledger, all: boolean): Promise<ScheduleSnapshot> {
  const [records, gaps] = await Promise.all([all ? ledger.readAll() : ledger.readOpen(), ledger.readGaps()]);
  return { records, incompleteSince: Object.values(gaps).sort()[0] };
}

/** Every record of the environment's scope, as `ls --all` sees them (for other views, such as a timeline page). */
export async function loadLedgerRecords(env: NodeJS.ProcessEnv): Promise<ScheduleSnapshot> {
  const ledger = openCliLedger({ env, stderr: (text) => process.stderr.write(text) });
  if (!ledger) return { records: [] };
  try {
    return await readSnapshot(ledger, true);
  } finally {
    await ledger.close();
  }
}

import { readEnvironment } from '../shared/src/config/environment';
import type { Ledger } from '../shared/src/ledger/ledger';
import { defaultLedgerFile, ledgerFromEnvironment } from '../shared/src/ledger/ledger-from-environment';
import type { LedgerSnapshot } from '../shared/src/ledger/ledger-store';
import { createLogger, type Logger } from '../shared/src/logging/logger';
import type { CliIo } from './cli-io';

/**
 * The CLI's ledger: Redis with REDIS_URL, else LEDGER_FILE, else the default state file; none with LEDGER=off.
 * Its warnings (a write that failed) always reach stderr, even when LOG_LEVEL asks for no other logs.
 */
export function openCliLedger(io: Pick<CliIo, 'env' | 'stderr'>, logger?: Logger): Ledger | undefined {
  const environment = readEnvironment(io.env);
  const warnings = logger ?? createLogger({ level: 'warn', write: (line) => io.stderr(`${line}\n`) });
  return ledgerFromEnvironment(environment, io.env, warnings, defaultLedgerFile(io.env));
}

/** Every record of the environment's scope, as `ls` sees them (for other views, such as a timeline page). */
export async function loadLedgerRecords(env: NodeJS.ProcessEnv): Promise<LedgerSnapshot> {
  const ledger = openCliLedger({ env, stderr: (text) => process.stderr.write(text) });
  if (!ledger) return { records: [] };
  try {
    return await ledger.load();
  } finally {
    await ledger.close();
  }
}

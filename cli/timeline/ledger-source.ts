import { ConfigurationError } from '../../shared/src/errors';
import { loadLedgerRecords as loadCliLedgerRecords, type ScheduleSnapshot } from '../ledger-access';

/**
 * Where the timeline reads its records from: the schedule ledger, or anything a caller supplies. The live records
 * (open, or ended within the retention) by default; with `history`, the archive too, read page by page.
 */
export type LoadLedgerRecords = (env: NodeJS.ProcessEnv, options?: { readonly history?: boolean }) => Promise<ScheduleSnapshot>;

/**
 * The ledger `caster-carousel ls` reads for this environment (REDIS_URL, LEDGER_FILE or the default state file).
 * With LEDGER=off nothing is recorded: an empty page would read as "nothing is scheduled", so it is refused.
 */
export const loadLedgerRecords: LoadLedgerRecords = (env, options) => {
  if (env['LEDGER']?.trim().toLowerCase() === 'off') {
    return Promise.reject(new ConfigurationError('The ledger is off (LEDGER=off): nothing is recorded, so there is no schedule to draw'));
  }
  return loadCliLedgerRecords(env, options);
};

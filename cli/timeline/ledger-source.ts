import type { LedgerSnapshot } from '../../shared/src/ledger/ledger-store';
import { loadLedgerRecords as loadCliLedgerRecords } from '../ledger-access';

/** Where the timeline reads its records from: the schedule ledger, or anything a caller supplies. */
export type LoadLedgerRecords = (env: NodeJS.ProcessEnv) => Promise<LedgerSnapshot>;

/** The ledger `caster-carousel ls` reads for this environment (REDIS_URL, LEDGER_FILE or the default state file). */
export const loadLedgerRecords: LoadLedgerRecords = (env) => loadCliLedgerRecords(env);

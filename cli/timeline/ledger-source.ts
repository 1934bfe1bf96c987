import { ConfigurationError } from '../../shared/src/errors';
import type { LedgerRecord } from '../../shared/src/ledger/ledger-record';

/** Where the timeline reads its records from: the schedule ledger, or anything a caller supplies. */
export type LoadLedgerRecords = (env: NodeJS.ProcessEnv) => Promise<readonly LedgerRecord[]>;

/**
 * The ledger the CLI and `npm start` read by default. This build has no ledger store to read yet, so it says so
 * with a clear error instead of drawing an empty schedule that would look like "nothing is scheduled".
 */
export const loadLedgerRecords: LoadLedgerRecords = async () => {
  throw new ConfigurationError('No schedule ledger is available in this build: the timeline has no records to read');
};

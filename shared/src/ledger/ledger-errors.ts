import { CasterCarouselError } from '../errors';

/** The ledger's store could not be read or written (Redis unreachable, a file that cannot be locked or written). */
export class LedgerUnavailableError extends CasterCarouselError {
  override name = 'LedgerUnavailableError';
  readonly code = 'LedgerUnavailable';
}

/** The ledger file holds something that is not a ledger; it is never loaded or overwritten. */
export class LedgerCorruptError extends CasterCarouselError {
  override name = 'LedgerCorruptError';
  readonly code = 'LedgerCorrupt';
  readonly file: string;
  constructor(file: string, problem: string) {
    super(`The ledger file ${file} is not a valid ledger (${problem}); fix or move it away, nothing was read from it`);
    this.file = file;
  }
}

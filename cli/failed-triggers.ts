import { UsageError } from '../shared/src/errors';
import type { FailedTrigger } from '../shared/src/ledger/failed-trigger';
import type { Ledger } from '../shared/src/ledger/ledger';
import { describeFieldErrors } from '../shared/src/plan/validate-plan';
import { type CliIo, EXIT_OK } from './cli-io';
import { flagGiven, flagValue, type ParsedCommandLine } from './framework/command';
import { openCliLedger } from './ledger-access';
import { count, emit, type OutputStyle, oneLine, renderTable } from './output';

/** The ERROR cell: the reason, with the API's Code when it says more. */
export function errorOf(failure: FailedTrigger): string {
  return failure.Code && failure.Code !== failure.Error ? `${failure.Error} ${failure.Code}` : failure.Error;
}

/** The REASON cell: the field errors when the input was refused, else the message; the API's RequestId when it answered. */
export function reasonOf(failure: FailedTrigger): string {
  const why =
    failure.FieldErrors && Object.keys(failure.FieldErrors).length > 0
      ? describeFieldErrors(failure.FieldErrors).replace(/\n/g, '; ')
      : failure.Message;
  return failure.RequestId ? `${why} (RequestId ${failure.RequestId})` : why;
}

/** Failed triggers as an aligned table, times in the style's zone; the KEY is what `replay` takes. */
export function failedTable(failures: readonly FailedTrigger[], style: OutputStyle): string {
  const header = ['KEY', 'ERROR', 'ATTEMPTS', 'LAST FAILED', 'CASTER', 'REASON'];
  const rows = failures.map((failure) => [
    failure.Key,
    errorOf(failure),
    String(failure.Attempts),
    style.time(failure.LastFailedAt),
    failure.CasterId ?? '-',
    reasonOf(failure),
  ]);
  return renderTable({ header, rows });
}

/** `ls --failed [--caster ID] [--json] [--utc]`: the failed timer ticks and events of the ledger. */
export async function listFailedTriggers(io: CliIo, style: OutputStyle, parsed: ParsedCommandLine): Promise<number> {
  const unrelated = ['slot', 'all', 'verify'].filter((name) => flagGiven(parsed, name));
  if (unrelated.length > 0) {
    throw new UsageError(`--failed lists failed triggers, which have no ${unrelated.map((name) => `--${name}`).join(' or ')}`);
  }
  const filters = { caster: flagValue(parsed, 'caster') };
  const ledger = openCliLedger(io);
  if (!ledger) {
    io.stderr('caster-carousel ls: the ledger is off (LEDGER=off): nothing is recorded\n');
    return EXIT_OK;
  }
  try {
    const failures = (await ledger.readFailures()).filter((failure) => filters.caster === undefined || failure.CasterId === filters.caster);
    const zone = style.utc ? 'UTC' : style.zone;
    emit(io, style, {
      json: failures,
      text: () =>
        failures.length === 0
          ? oneLine(`(no failed triggers in ${ledger.description}${filters.caster === undefined ? '' : ` for ${filters.caster}`})`)
          : `${failedTable(failures, style)}\n(${count(failures.length, 'failed trigger')}; times in ${zone}; caster-carousel replay KEY sends one again with its own ClientToken)`,
    });
    return EXIT_OK;
  } finally {
    await ledger.close();
  }
}

/**
 * The failed trigger `reference` names: its key, the ClientToken it would schedule with, or its key without the
 * `timer:`/`event:` kind. Throws a UsageError when none or several match.
 */
export async function findFailedTrigger(ledger: Ledger, reference: string): Promise<FailedTrigger> {
  const failures = await ledger.readFailures();
  const byKey = failures.find((failure) => failure.Key === reference);
  if (byKey) return byKey;
  const matches = failures.filter(
    (failure) => failure.ClientToken === reference || failure.Key.slice(failure.Key.indexOf(':') + 1) === reference,
  );
  if (matches.length === 1) return matches[0] as FailedTrigger;
  if (matches.length > 1) {
    throw new UsageError(
      `${JSON.stringify(reference).slice(0, 80)} names ${matches.length} failed triggers: ${matches.map((failure) => failure.Key).join(', ')}; give the KEY`,
    );
  }
  // The reference is not echoed: a key holds a time, which an error report would show in another zone than typed.
  throw new UsageError(
    `no failed trigger has that KEY or ClientToken in ${ledger.description} (it may have succeeded since): caster-carousel ls --failed lists them`,
  );
}

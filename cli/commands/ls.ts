import type { Ledger } from '../../shared/src/ledger/ledger';
import type { ScopeSummary } from '../../shared/src/ledger/ledger-store';
import { byAirOrder } from '../../shared/src/schedule/lifecycle';
import { type ListedRecord, withOverlaps } from '../../shared/src/schedule/schedule-listing';
import { verifyGroups } from '../../shared/src/schedule/verify-groups';
import { type CliIo, EXIT_OK } from '../cli-io';
import { listFailedTriggers } from '../failed-triggers';
import { type CommandDeclaration, flagGiven, flagValue, type ParsedCommandLine } from '../framework/command';
import { readSnapshot } from '../ledger-access';
import { parseSinceOption } from '../ledger-history';
import { ledgerTable } from '../ledger-table';
import { createLiveContext } from '../live-context';
import { count, emit, OUTPUT_FLAGS, type OutputStyle, oneLine, outputStyleOf, shellWord } from '../output';

/** `ls [--caster ID] [--slot S] [--all] [--json] [--utc] [--verify]`: what the ledger says is scheduled. */
export const lsCommand: CommandDeclaration = {
  name: 'ls',
  summary: 'list the episode groups in the ledger (open ones; --all adds cancelled, retired, replaced and missing)',
  positionals: { usage: '', min: 0, max: 0 },
  flags: [
    { name: 'caster', takes: 'value', valueName: 'ID', summary: 'only this studio' },
    { name: 'slot', takes: 'value', valueName: 'NAME', summary: 'only this slot' },
    { name: 'all', takes: 'boolean', summary: 'include groups that are gone (cancelled, retired, replaced, missing), the archive too' },
    {
      name: 'since',
      takes: 'value',
      valueName: 'DATE',
      summary: 'as --all, only the gone groups that ended since DATE (YYYY-MM-DD: midnight in the display zone; or an ISO 8601 time)',
    },
    ...OUTPUT_FLAGS,
    { name: 'verify', takes: 'boolean', summary: 'ask the service (ListPlaylist) whether each scheduled group still exists' },
    {
      name: 'failed',
      takes: 'boolean',
      summary: 'list the timer ticks and events that failed instead (caster-carousel replay sends one again)',
    },
  ],
  sendsRequests: true,
  details: [
    'Reads the ledger of this endpoint, region and PACING_ACCOUNT (its scope); an empty listing says which other',
    'scopes hold records and how to see them. The ledger knows only what this tool scheduled; --verify records',
    'groups the studio no longer has as missing, so their triggers may schedule anew. Times are shown in the local',
    'time zone (TZ) with their offset; --utc shows UTC, --json ISO 8601 UTC.',
  ].join('\n'),
  async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
    const style = outputStyleOf(parsed, io.env);
    if (flagGiven(parsed, 'failed')) return listFailedTriggers(io, style, parsed);
    const verify = flagGiven(parsed, 'verify');
    const caster = flagValue(parsed, 'caster');
    const slot = flagValue(parsed, 'slot');
    const sinceText = flagValue(parsed, 'since');
    const sinceMs = sinceText === undefined ? undefined : parseSinceOption(sinceText, style.zone, Date.now());
    const all = flagGiven(parsed, 'all') || sinceMs !== undefined;
    const context = await createLiveContext(io, {
      requireCredentials: verify,
      readsCredentials: verify,
      profile: flagValue(parsed, 'profile'),
    });
    try {
      const { ledger } = context.dependencies;
      if (!ledger) {
        io.stderr('caster-carousel ls: the ledger is off (LEDGER=off): nothing is recorded\n');
        return EXIT_OK;
      }
      // The archive is read page by page only when asked: a year of history costs `ls` nothing.
      const snapshot = await readSnapshot(ledger, all ? { history: true, sinceMs } : 'open');
      const records = withOverlaps(
        snapshot.records
          .filter((record) => (caster === undefined || record.CasterId === caster) && (slot === undefined || record.Slot === slot))
          .sort(byAirOrder),
      );
      const verdicts = verify ? await verifyGroups(records, context.dependencies) : undefined;
      if (snapshot.incompleteSince !== undefined) {
        io.stderr(
          `caster-carousel ls: the ledger is incomplete: a write was lost at ${style.time(snapshot.incompleteSince)} and is not repaired yet; run gc (or wait for the next tick) to finish what it left, and see the warning logs for the record\n`,
        );
      }
      const why = records.length === 0 ? await whyEmpty(ledger, snapshot.records.length, { caster, slot, all }) : undefined;
      if (why && style.json) io.stderr(`caster-carousel ls: ${why}\n`);
      emit(io, style, {
        json: verdicts ? records.map((record) => ({ ...record, Verified: verdicts.get(record.ProgramId ?? '') ?? '-' })) : records,
        text: () => why ?? listing(records, style, verdicts),
      });
      return EXIT_OK;
    } finally {
      await context.close();
    }
  },
};

function listing(records: readonly ListedRecord[], style: OutputStyle, verdicts: ReadonlyMap<string, string> | undefined): string {
  const zone = style.utc ? 'UTC' : style.zone;
  return `${ledgerTable(records, style, verdicts)}\n(${count(records.length, 'group')}; times in ${zone})`;
}

/** Why a listing is empty, and what would show the records that are there: other filters, --all, another scope. */
async function whyEmpty(
  ledger: Ledger,
  readCount: number,
  filters: { caster: string | undefined; slot: string | undefined; all: boolean },
): Promise<string> {
  const where = `${ledger.description}, scope ${describeScope(ledger.scope)}`;
  if (readCount > 0) {
    const narrowed = [
      filters.caster === undefined ? '' : `--caster ${filters.caster}`,
      filters.slot === undefined ? '' : `--slot ${filters.slot}`,
    ]
      .filter(Boolean)
      .join(' ');
    return oneLine(
      `(no groups match ${narrowed} in ${where}; it holds ${count(readCount, filters.all ? 'group' : 'open group')}: ls without ${narrowed} shows them)`,
    );
  }
  const lines = [`(no ${filters.all ? '' : 'open '}groups in ${where})`];
  if (!filters.all) {
    const gone = (await ledger.readAll()).length;
    if (gone > 0)
      lines.push(
        `${count(gone, 'group')} of this scope ${gone === 1 ? 'is' : 'are'} gone (cancelled, retired, replaced or missing): ls --all shows them.`,
      );
    else if (await hasArchive(ledger))
      lines.push('Groups of this scope that are gone (cancelled, retired, replaced or missing) are in its archive: ls --all shows them.');
  }
  const others = (await readScopesSafely(ledger)).filter((summary) => summary.scope !== ledger.scope);
  if (others.length > 0) {
    lines.push(`The ledger holds records for ${count(others.length, 'other scope')} (another endpoint, region or PACING_ACCOUNT):`);
    for (const summary of others) {
      const scope = parseScope(summary.scope);
      lines.push(`  ${count(summary.records, 'record')} (${summary.open} open): ${describeScope(summary.scope)}`);
      lines.push(
        `    to see them: LIVE_ENDPOINT=${shellWord(scope.endpoint)} LIVE_REGION_ID=${shellWord(scope.region)} PACING_ACCOUNT=${shellWord(scope.account)} caster-carousel ls`,
      );
    }
  }
  return lines.map(oneLine).join('\n');
}

/** True when the scope's archive holds anything (its first page only is read). */
async function hasArchive(ledger: Ledger): Promise<boolean> {
  const page = await ledger.readArchive();
  return page.records.length > 0 || page.next !== undefined;
}

async function readScopesSafely(ledger: Ledger): Promise<ScopeSummary[]> {
  try {
    return (await ledger.readScopes?.()) ?? [];
  } catch {
    // The listing itself was read: only the hint about other scopes is lost.
    return [];
  }
}

/** A scope's parts: the endpoint's origin, the region and the account name (ledgerScope joins them with `|`). */
function parseScope(scope: string): { endpoint: string; region: string; account: string } {
  const [endpoint = '', region = '', ...account] = scope.split('|');
  return { endpoint, region, account: account.join('|') };
}

function describeScope(scope: string): string {
  const { endpoint, region, account } = parseScope(scope);
  return `endpoint ${endpoint}, region ${region}, account ${account}`;
}

import { tokenForGeneration } from '../shared/src/idempotency/token-generation';
import type { LedgerRecord } from '../shared/src/ledger/ledger-record';
import { ledgerRecordProblem } from './ledger-lines';

/**
 * The ledger of the release before the timeline (file format 1; in Redis, the hashes under
 * `caster-carousel:ledger:{scope}`), turned into today's records for `ledger migrate`. That release filed a
 * slot's order by submission: the group a later submission "superseded" was kept as `superseded`, still in the
 * studio. Today the timeline decides by StartTime, so such a group comes over as `scheduled`, and the next tick or
 * `gc` retires it once its successor has started (or at once, when a newer group took its StartTime).
 */

/**
 * A group as the earlier release recorded it, by ProgramId: today's fields, without the token's base (only its
 * generations name it) and without a version, and with that release's states and `SupersededBy` pointer.
 */
export type EarlierRecord = Omit<LedgerRecord, 'BaseToken' | 'State' | 'Version' | 'UpdatedAt' | 'Ending' | 'Failure'> & {
  readonly ProgramId: string;
  readonly State: 'scheduled' | 'superseded' | 'cancelled' | 'retired';
  readonly SupersededBy?: string | undefined;
  readonly UpdatedAt?: string | undefined;
};

/** What the earlier release wrote before AddCasterEpisodeGroup, by ClientToken, until the group was recorded. */
export type EarlierIntent = Pick<
  LedgerRecord,
  | 'ClientToken'
  | 'BaseToken'
  | 'Generation'
  | 'Slot'
  | 'CasterId'
  | 'StartTime'
  | 'RepeatNum'
  | 'Items'
  | 'Trigger'
  | 'CreatedAt'
  | 'Resolved'
>;

/** One scope of the earlier ledger, as its file held it (Redis held the same, spread over hashes). */
export interface EarlierScope {
  readonly records?: Readonly<Record<string, unknown>>;
  readonly intents?: Readonly<Record<string, unknown>>;
  /** Base token -> current generation, only once past 1. */
  readonly generations?: Readonly<Record<string, unknown>>;
  /** When the earlier ledger last lost a write: it cannot say which. */
  readonly incompleteSince?: string | undefined;
}

/** An earlier scope's records in today's format, and the entries that cannot come over, each with why. */
export interface MigratedScope {
  readonly records: LedgerRecord[];
  readonly refused: { readonly key: string; readonly problem: string }[];
  /** How many `superseded` groups come over as `scheduled`, for the timeline to retire in turn. */
  readonly supersededNowScheduled: number;
}

const EARLIER_STATES = new Set(['scheduled', 'superseded', 'cancelled', 'retired']);

/** Today's records of an earlier scope: groups by their token, and intents whose answer never came back. */
export function migrateEarlierScope(scope: EarlierScope): MigratedScope {
  const records: LedgerRecord[] = [];
  const refused: { key: string; problem: string }[] = [];
  let supersededNowScheduled = 0;
  // A generation-2+ token hashes its base token: only the bases the generations name can be found again.
  const baseOfToken = new Map<string, string>();
  for (const [baseToken, generation] of Object.entries(scope.generations ?? {})) {
    const current = Number(String(generation).split('|')[0]);
    for (let n = 2; Number.isInteger(current) && n <= current; n += 1) baseOfToken.set(tokenForGeneration(baseToken, n), baseToken);
  }
  const recorded = new Set<string>();
  const accept = (key: string, record: LedgerRecord): void => {
    const problem = ledgerRecordProblem(record as unknown as Record<string, unknown>);
    if (problem !== undefined) refused.push({ key, problem });
    else records.push(record);
  };
  for (const [programId, value] of Object.entries(scope.records ?? {})) {
    const earlier = value as Partial<EarlierRecord> | null;
    if (earlier === null || typeof earlier !== 'object' || typeof earlier.ClientToken !== 'string') {
      refused.push({ key: programId, problem: 'not a group record (no ClientToken)' });
      continue;
    }
    if (!EARLIER_STATES.has(earlier.State as string)) {
      refused.push({ key: programId, problem: `State ${JSON.stringify(earlier.State)} is not one the earlier release wrote` });
      continue;
    }
    const baseToken = earlier.Generation === 1 ? earlier.ClientToken : baseOfToken.get(earlier.ClientToken);
    if (baseToken === undefined) {
      refused.push({
        key: programId,
        problem: `generation ${String(earlier.Generation)} token whose trigger the earlier ledger does not name`,
      });
      continue;
    }
    const { State, SupersededBy: _pointer, UpdatedAt, ...group } = earlier as EarlierRecord;
    if (State === 'superseded') supersededNowScheduled += 1;
    recorded.add(earlier.ClientToken);
    const ended = State === 'cancelled' || State === 'retired';
    accept(programId, {
      ...group,
      BaseToken: baseToken,
      UpdatedAt: UpdatedAt ?? group.CreatedAt,
      State: ended ? State : 'scheduled',
      // Any version above an intent's: nothing of today's ledger has written these tokens.
      Version: ended ? 3 : 2,
    });
  }
  for (const [token, value] of Object.entries(scope.intents ?? {})) {
    const intent = value as Partial<EarlierIntent> | null;
    if (intent === null || typeof intent !== 'object' || typeof intent.Resolved !== 'object' || intent.Resolved === null) {
      refused.push({ key: token, problem: 'not an intent (no Resolved parameters)' });
      continue;
    }
    if (recorded.has(token)) continue;
    // The answer never came back: an intent, which the next tick or gc re-sends with the same token.
    accept(token, {
      ...(intent as EarlierIntent),
      ClientToken: token,
      DomainName: (intent as EarlierIntent).Resolved.DomainName,
      ItemIds: [],
      UpdatedAt: intent.CreatedAt as string,
      State: 'intent',
      Version: 1,
    });
  }
  return { records, refused, supersededNowScheduled };
}

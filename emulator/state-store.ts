import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomically } from './atomic-file';
import { EmulatorConfigError } from './config-error';

/** One episode of a stored group. */
interface EpisodeItemRecord {
  readonly ItemId: string;
  readonly ItemName: string;
  readonly VodUrl: string;
}

/** An episode group as the emulator keeps it (secrets in its URLs are only redacted when shown). */
export interface EpisodeGroupRecord {
  readonly ProgramId: string;
  readonly AccountId: string;
  readonly CasterId: string;
  readonly CallbackUrl: string;
  readonly DomainName: string;
  readonly SideOutputUrl: string;
  readonly StartTime: string;
  readonly RepeatNum: number;
  readonly Items: readonly EpisodeItemRecord[];
  readonly ClientToken: string;
  /** ISO 8601 time of the request that created it, by the emulator's clock. */
  readonly ReceivedAt: string;
  readonly AccessKeyId: string;
  /** The operation that created it: AddCasterEpisodeGroup or AddCasterEpisodeGroupContent. */
  readonly Action: string;
}

/** What a ClientToken was first used for, so a retry gets the same answer and a reuse with other data is refused. */
interface IdempotencyRecord {
  readonly AccountId: string;
  readonly ClientToken: string;
  /** SHA-256 of the normalised business parameters of the first request. */
  readonly Fingerprint: string;
  readonly ProgramId: string;
  readonly ItemIds: readonly string[];
  readonly CreatedAt: string;
}

const STATE_KIND = 'caster-carousel-emulator-state';
const STATE_VERSION = 1;

interface StateFile {
  readonly Kind: typeof STATE_KIND;
  readonly Version: typeof STATE_VERSION;
  readonly SavedAt: string;
  readonly EpisodeGroups: readonly EpisodeGroupRecord[];
  readonly IdempotencyRecords: readonly IdempotencyRecord[];
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function checkFields(value: unknown, fields: Record<string, (v: unknown) => boolean>, where: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where} is not an object`);
  for (const [field, ok] of Object.entries(fields)) {
    if (!ok((value as Record<string, unknown>)[field])) throw new Error(`${where}.${field} is missing or has the wrong type`);
  }
}

function checkItem(value: unknown, where: string): boolean {
  checkFields(value, { ItemId: isString, ItemName: isString, VodUrl: isString }, where);
  return true;
}

// Hand-written rather than a schema library: the emulator is dependency-free, and the shape is small.
function checkStateFile(parsed: unknown): StateFile {
  checkFields(
    parsed,
    { Kind: (v) => v === STATE_KIND, Version: (v) => v === STATE_VERSION, EpisodeGroups: Array.isArray, IdempotencyRecords: Array.isArray },
    'state',
  );
  const state = parsed as StateFile;
  state.EpisodeGroups.forEach((group, index) =>
    checkFields(
      group,
      {
        ProgramId: isString,
        AccountId: isString,
        CasterId: isString,
        CallbackUrl: isString,
        DomainName: isString,
        SideOutputUrl: isString,
        StartTime: isString,
        RepeatNum: Number.isInteger,
        Items: (v) => Array.isArray(v) && v.every((item, i) => checkItem(item, `EpisodeGroups[${index}].Items[${i}]`)),
        ClientToken: isString,
        ReceivedAt: isString,
        AccessKeyId: isString,
        Action: isString,
      },
      `EpisodeGroups[${index}]`,
    ),
  );
  state.IdempotencyRecords.forEach((record, index) =>
    checkFields(
      record,
      {
        AccountId: isString,
        ClientToken: isString,
        Fingerprint: isString,
        ProgramId: isString,
        ItemIds: (v) => Array.isArray(v) && v.every(isString),
        CreatedAt: isString,
      },
      `IdempotencyRecords[${index}]`,
    ),
  );
  return state;
}

function idempotencyKey(accountId: string, clientToken: string): string {
  return `${accountId}\u0000${clientToken}`;
}

/**
 * Episode groups and ClientToken records, in memory and, with a data file, on disk. Every change is made in
 * memory, written (atomically) and only then answered; a failed write undoes it in memory, so nothing the file
 * does not hold is ever served, and an answered request is never lost by a restart. Writes are synchronous on
 * purpose: they serialise themselves, no other request sees a change before it is written, and an emulator's
 * request rate makes the blocking irrelevant.
 */
export class StateStore {
  private readonly groups: EpisodeGroupRecord[];
  // Records are never deleted, so the list (what is written) only grows; the map indexes it.
  private readonly records: IdempotencyRecord[];
  private readonly idempotency: Map<string, IdempotencyRecord>;

  private constructor(
    private readonly dataFile: string | undefined,
    initial: { EpisodeGroups: readonly EpisodeGroupRecord[]; IdempotencyRecords: readonly IdempotencyRecord[] },
    private readonly now: () => number,
  ) {
    this.groups = [...initial.EpisodeGroups];
    this.idempotency = new Map(initial.IdempotencyRecords.map((record) => [idempotencyKey(record.AccountId, record.ClientToken), record]));
    this.records = [...this.idempotency.values()];
  }

  /**
   * Opens the store: in memory only without a data file; otherwise loads the file when it exists (refusing a
   * corrupt or half-written one, which is never overwritten) or creates it, which also proves it is writable.
   */
  static open(dataFile: string | undefined, now: () => number): StateStore {
    if (dataFile === undefined) return new StateStore(undefined, { EpisodeGroups: [], IdempotencyRecords: [] }, now);
    if (!existsSync(dataFile)) {
      const store = new StateStore(dataFile, { EpisodeGroups: [], IdempotencyRecords: [] }, now);
      try {
        store.write();
      } catch (error) {
        throw new EmulatorConfigError(`Cannot create data file ${dataFile}: ${(error as Error).message}`, { cause: error });
      }
      return store;
    }
    let text: string;
    try {
      text = readFileSync(dataFile, 'utf8');
    } catch (error) {
      throw new EmulatorConfigError(`Cannot read data file ${dataFile}: ${(error as Error).message}`, { cause: error });
    }
    try {
      return new StateStore(dataFile, checkStateFile(JSON.parse(text)), now);
    } catch (error) {
      throw new EmulatorConfigError(
        `Data file ${dataFile} is corrupt or incomplete (${(error as Error).message}); refusing to start. Move it away to start empty, or restore it.`,
        { cause: error },
      );
    }
  }

  /** The record of a ClientToken already used by this account. */
  findIdempotency(accountId: string, clientToken: string): IdempotencyRecord | undefined {
    return this.idempotency.get(idempotencyKey(accountId, clientToken));
  }

  /** Stores a new group together with its ClientToken record (a token not used before by the account). */
  addGroup(group: EpisodeGroupRecord, record: IdempotencyRecord): void {
    const key = idempotencyKey(record.AccountId, record.ClientToken);
    this.groups.push(group);
    this.records.push(record);
    this.idempotency.set(key, record);
    this.writeOrUndo(() => {
      this.groups.pop();
      this.records.pop();
      this.idempotency.delete(key);
    });
  }

  /**
   * Deletes an account's group; false when it has none with that ProgramId. The ClientToken record stays:
   * a late retry of the creating request still gets its original answer rather than a second group
   * (UNCONFIRMED how long the service keeps tokens; the emulator keeps them for ever).
   */
  deleteGroup(accountId: string, programId: string): boolean {
    const index = this.groups.findIndex((group) => group.AccountId === accountId && group.ProgramId === programId);
    if (index === -1) return false;
    const [deleted] = this.groups.splice(index, 1);
    this.writeOrUndo(() => this.groups.splice(index, 0, deleted!));
    return true;
  }

  /** Every stored group, oldest first. */
  listGroups(): readonly EpisodeGroupRecord[] {
    return this.groups;
  }

  private writeOrUndo(undo: () => void): void {
    try {
      this.write();
    } catch (error) {
      undo();
      throw error;
    }
  }

  private write(): void {
    if (this.dataFile === undefined) return;
    const state: StateFile = {
      Kind: STATE_KIND,
      Version: STATE_VERSION,
      SavedAt: new Date(this.now()).toISOString(),
      EpisodeGroups: this.groups,
      IdempotencyRecords: this.records,
    };
    // Compact: the file is rewritten on every change, and is for the emulator to read back, not for people.
    writeFileAtomically(this.dataFile, `${JSON.stringify(state)}\n`);
  }
}

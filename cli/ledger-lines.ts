import { tokenForGeneration } from '../shared/src/idempotency/token-generation';
import type { LedgerRecord, LedgerState } from '../shared/src/ledger/ledger-record';
import { RECORD_LINE_FORMAT, RECORD_LINE_VERSION } from '../shared/src/ledger/record-line';
import { isSlotName } from '../shared/src/ledger/slot-name';
import { LEDGER_STATES } from '../shared/src/schedule/lifecycle';

/** A line of an export, read: the scope and record it holds, or why it is refused. */
export type ReadLine = { readonly scope: string; readonly record: LedgerRecord } | { readonly problem: string };

const STATES = LEDGER_STATES;
// States whose group was never created (or whose answer has not come back) may lack a ProgramId; every other has one.
const WITHOUT_PROGRAM_ID: ReadonlySet<LedgerState> = new Set(['intent', 'failed']);
const START_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const TRIGGER_KINDS = ['cli', 'http', 'timer', 'event'];
const RECORD_FIELDS = new Set([
  'ClientToken',
  'BaseToken',
  'Generation',
  'ProgramId',
  'ItemIds',
  'Slot',
  'CasterId',
  'DomainName',
  'StartTime',
  'RepeatNum',
  'Items',
  'Trigger',
  'CreatedAt',
  'UpdatedAt',
  'State',
  'Version',
  'Resolved',
  'RequestId',
  'Ending',
  'Failure',
]);
const LINE_FIELDS = new Set(['format', 'version', 'scope', 'record']);

/**
 * One line of `caster-carousel ledger export` (record-line.ts), checked field by field: a record the schedule
 * would misread is refused with why, never filed.
 */
export function readRecordLine(text: string): ReadLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problem: 'not JSON' };
  }
  if (!isObject(parsed)) return { problem: 'not a JSON object' };
  if (parsed['format'] !== RECORD_LINE_FORMAT) return { problem: `"format" is not "${RECORD_LINE_FORMAT}"` };
  if (parsed['version'] !== RECORD_LINE_VERSION)
    return {
      problem: `record format version ${JSON.stringify(parsed['version'])} is not ${RECORD_LINE_VERSION} (written by another release?)`,
    };
  const unknownField = Object.keys(parsed).find((field) => !LINE_FIELDS.has(field));
  if (unknownField !== undefined) return { problem: `unknown field ${JSON.stringify(unknownField).slice(0, 40)}` };
  const scope = parsed['scope'];
  if (typeof scope !== 'string' || scope === '') return { problem: '"scope" is not a non-empty string' };
  const record = parsed['record'];
  if (!isObject(record)) return { problem: '"record" is not an object' };
  const problem = ledgerRecordProblem(record);
  return problem === undefined ? { scope, record: record as unknown as LedgerRecord } : { problem: `record: ${problem}` };
}

/** Why a record (as an export line or a migration carries it) would be misread by the schedule, or undefined when it reads right. */
export function ledgerRecordProblem(record: Record<string, unknown>): string | undefined {
  const unknownField = Object.keys(record).find((field) => !RECORD_FIELDS.has(field));
  if (unknownField !== undefined) return `unknown field ${JSON.stringify(unknownField).slice(0, 40)}`;
  const text = (field: string, optional = false): string | undefined => {
    const value = record[field];
    if (value === undefined && optional) return undefined;
    return typeof value === 'string' && value !== '' ? undefined : `${field} is not a non-empty string`;
  };
  const problems = [
    text('ClientToken'),
    text('BaseToken'),
    text('ProgramId', true),
    text('CasterId', true),
    text('DomainName'),
    text('RequestId', true),
  ];
  const first = problems.find((problem) => problem !== undefined);
  if (first) return first;
  const generation = record['Generation'];
  if (!Number.isInteger(generation) || (generation as number) < 1) return 'Generation is not a whole number from 1';
  if (record['ClientToken'] !== tokenForGeneration(record['BaseToken'] as string, generation as number))
    return 'ClientToken is not the token of its BaseToken at its Generation';
  const version = record['Version'];
  if (!Number.isInteger(version) || (version as number) < 1) return 'Version is not a whole number from 1';
  const state = record['State'];
  if (!STATES.includes(state as LedgerState)) return `State is not one of ${STATES.join(', ')}`;
  if (record['ProgramId'] === undefined && !WITHOUT_PROGRAM_ID.has(state as LedgerState))
    return `a ${String(state)} record needs a ProgramId`;
  if (record['Slot'] !== undefined && !(typeof record['Slot'] === 'string' && isSlotName(record['Slot'])))
    return 'Slot is not 1 to 64 of A-Z a-z 0-9 . _ : -';
  if (typeof record['StartTime'] !== 'string' || !START_TIME.test(record['StartTime']) || Number.isNaN(Date.parse(record['StartTime'])))
    return 'StartTime is not yyyy-MM-ddTHH:mm:ssZ';
  for (const field of ['CreatedAt', 'UpdatedAt']) {
    if (typeof record[field] !== 'string' || Number.isNaN(Date.parse(record[field] as string))) return `${field} is not an ISO 8601 time`;
  }
  const repeat = record['RepeatNum'];
  if (!Number.isInteger(repeat) || (repeat as number) < -1) return 'RepeatNum is not a whole number from -1';
  const items = record['Items'];
  if (!Array.isArray(items) || items.length === 0) return 'Items is not a non-empty list';
  if (!items.every((item) => isObject(item) && typeof item['ItemName'] === 'string' && typeof item['VodUrl'] === 'string'))
    return 'Items holds an item without a string ItemName and VodUrl';
  const itemIds = record['ItemIds'];
  if (!Array.isArray(itemIds) || !itemIds.every((id) => typeof id === 'string')) return 'ItemIds is not a list of strings';
  const trigger = record['Trigger'];
  if (!isObject(trigger) || !TRIGGER_KINDS.includes(trigger['kind'] as string))
    return `Trigger is not an object whose kind is ${TRIGGER_KINDS.join(', ')}`;
  const resolved = record['Resolved'];
  if (
    !isObject(resolved) ||
    typeof resolved['CallbackUrl'] !== 'string' ||
    typeof resolved['DomainName'] !== 'string' ||
    (resolved['SideOutputUrl'] !== undefined && typeof resolved['SideOutputUrl'] !== 'string')
  )
    return 'Resolved is not {CallbackUrl, DomainName, SideOutputUrl?} of strings';
  if (record['Ending'] !== undefined && record['Ending'] !== 'retired' && record['Ending'] !== 'replaced')
    return 'Ending is not retired or replaced';
  const failure = record['Failure'];
  if (failure !== undefined && !(isObject(failure) && typeof failure['Code'] === 'string' && Number.isInteger(failure['Attempts'])))
    return 'Failure is not {Code, Message, RequestId?, Attempts}';
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

import { readFile } from 'node:fs/promises';
import { readPlanRules } from '../../shared/src/config/environment';
import { UsageError } from '../../shared/src/errors';
import { describeTriggerFailure } from '../../shared/src/fc/async-invocation-error';
import { describeFailedTrigger, type FailedTrigger } from '../../shared/src/ledger/failed-trigger';
import type { Ledger } from '../../shared/src/ledger/ledger';
import type { LedgerRecord } from '../../shared/src/ledger/ledger-record';
import type { FieldErrors, PlanValidationOptions } from '../../shared/src/plan/plan';
import { StartTimeInPastError } from '../../shared/src/plan/plan-errors';
import type { ScheduleDependencies } from '../../shared/src/schedule/schedule-carousel';
import { schedulePlan } from '../../shared/src/schedule/schedule-plan';
import type { ScheduleRequest } from '../../shared/src/schedule/schedule-request';
import { readCloudEvent } from '../../shared/src/triggers/event/cloud-events';
import {
  type FailedInput,
  failedEventInput,
  failedEventInputs,
  failedTimerInput,
  failedTriggerEntry,
  isReconcileTickInput,
} from '../../shared/src/triggers/failed-trigger-input';
import { readTimerTick } from '../../shared/src/triggers/timer/timer-tick';
import { type CliIo, EXIT_FAILURE, EXIT_OK } from '../cli-io';
import { findFailedTrigger } from '../failed-triggers';
import { type CommandDeclaration, flagGiven, flagValue, type ParsedCommandLine } from '../framework/command';
import { createLiveContext } from '../live-context';
import { emit, OUTPUT_FLAGS, type OutputStyle, oneLine, outputStyleOf } from '../output';

const START_REFUSED_LINES = [
  '--start is not offered: a replay sends the trigger exactly as it arrived, under its own ClientToken, so it can never',
  'make a second group. Another StartTime is another plan: for a timer tick another ClientToken (a second group if an',
  'earlier delivery did schedule the first), for an event the same token with other parameters (refused by the API as',
  'IdempotentParameterMismatch). To air it at another time: caster-carousel submit PLAN --slot SLOT --start TIME, then',
  'caster-carousel replay KEY --dismiss.',
];
const START_REFUSED = START_REFUSED_LINES.join(' ');

/**
 * `replay <KEY | ClientToken> | --from-destination FILE [--dismiss] [--json] [--utc]`: sends a failed timer tick or
 * event again, read from the input it arrived with by the very reader the function runs (the same validation, the
 * same ClientToken, the same slot), so a replay can never duplicate a group.
 */
export const replayCommand: CommandDeclaration = {
  name: 'replay',
  summary: 'send a failed timer tick or event again under its own ClientToken (never a second group); see ls --failed',
  positionals: { usage: '[KEY | ClientToken]', min: 0, max: 1 },
  flags: [
    {
      name: 'from-destination',
      takes: 'value',
      valueName: 'FILE',
      summary: 'replay the invocation an FC onFailure destination record holds (its requestPayload) instead',
    },
    { name: 'dismiss', takes: 'boolean', summary: 'remove it from ls --failed without sending anything (dealt with another way)' },
    { name: 'start', takes: 'value', valueName: 'TIME', summary: 'refused: a replay keeps the trigger’s plan and StartTime (see below)' },
    ...OUTPUT_FLAGS,
  ],
  sendsRequests: true,
  details: [
    'KEY is what ls --failed shows (timer:<name>@<time>, event:<source>#<id>); the ClientToken or the KEY without its',
    'kind work too. The input is read again with the reader the function runs: the same validation (this environment’s',
    'START_TIME_GRACE_S, AUTH_KEY_VALIDITY_S, ALLOWED_CASTER_IDS, ALLOWED_DOMAINS), the same ClientToken, for a tick',
    'the slot named after its trigger, and the studio the function used (the failure records it). A success clears it',
    'from ls --failed; an earlier delivery that did schedule it is answered from the ledger, nothing sent. A failure is',
    'recorded as one more attempt, with its reason. A tick or event whose StartTime has passed stays refused',
    '(StartTimeInPast): a carousel started late plays at the wrong time.',
    ...START_REFUSED_LINES,
    '--from-destination reads the record FC sends to the onFailure destination ({requestContext, requestPayload, ...}):',
    'every trigger of its requestPayload is replayed (a batch event by event), with the ledger or without one.',
  ].join('\n'),
  async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
    const style = outputStyleOf(parsed, io.env);
    if (flagGiven(parsed, 'start')) throw new UsageError(START_REFUSED);
    const reference = parsed.positionals[0];
    const destinationFile = flagValue(parsed, 'from-destination');
    const dismiss = flagGiven(parsed, 'dismiss');
    if ((reference === undefined) === (destinationFile === undefined)) {
      throw new UsageError('give the KEY of a failed trigger (caster-carousel ls --failed lists them) or --from-destination FILE');
    }
    if (dismiss && reference === undefined) throw new UsageError('--dismiss takes the KEY of a failed trigger, not --from-destination');
    const destination = destinationFile === undefined ? undefined : await readDestination(destinationFile);
    const context = await createLiveContext(io, { requireCredentials: !dismiss, profile: flagValue(parsed, 'profile') });
    try {
      const { ledger } = context.dependencies;
      if (reference !== undefined) {
        if (!ledger)
          throw new UsageError('replay KEY reads the failure from the ledger, and LEDGER=off turns it off; use --from-destination FILE');
        const failure = await findFailedTrigger(ledger, reference);
        if (dismiss) {
          await ledger.clearFailures([failure.Key]);
          emit(io, style, {
            json: { Dismissed: failure.Key },
            text: () =>
              oneLine(
                `Dismissed ${failure.Key} (${describeFailedTrigger(failure.Trigger)}): nothing was sent; ls --failed no longer shows it.`,
              ),
          });
          return EXIT_OK;
        }
        const outcome = await replayTrigger(targetOf(failure), context.dependencies, io);
        if (outcome.status === 'failed') throw reportFailed(outcome, io);
        emit(io, style, { json: publicOutcome(outcome), text: () => describeReplayed(outcome, style) });
        return EXIT_OK;
      }
      const recorded = ledger ? await readFailuresQuietly(ledger) : [];
      const targets = (destination as Destination).targets.map((target) => ({
        ...target,
        recorded: recorded.find((failure) => failure.Key === target.input.Key),
      }));
      const outcomes: ReplayOutcome[] = [];
      for (const target of targets) outcomes.push(await replayTrigger(target, context.dependencies, io));
      const only = outcomes.length === 1 ? (outcomes[0] as ReplayOutcome) : undefined;
      if (only?.status === 'failed') throw reportFailed(only, io);
      emit(io, style, {
        json: {
          ...((destination as Destination).requestId === undefined ? {} : { InvocationId: (destination as Destination).requestId }),
          Outcomes: outcomes.map(publicOutcome),
        },
        text: () => outcomes.map((outcome) => describeReplayed(outcome, style)).join('\n'),
      });
      return outcomes.some((outcome) => outcome.status === 'failed') ? EXIT_FAILURE : EXIT_OK;
    } finally {
      await context.close();
    }
  },
};

/** One trigger to send again: what arrived, which function read it, and what the ledger holds of its failure. */
interface ReplayTarget {
  readonly fn: 'timer' | 'event';
  readonly input: FailedInput;
  readonly recorded?: FailedTrigger | undefined;
  /** FC's approximateInvokeCount from a destination record: the failed deliveries before this replay. */
  readonly attemptsBefore?: number | undefined;
}

/** What a replay of one trigger gave; `error` (never printed as is) is what a failed one threw. */
type ReplayOutcome =
  | {
      readonly status: 'scheduled';
      readonly Key: string;
      readonly Trigger: string;
      readonly ProgramId: string;
      readonly ItemIds: readonly string[];
      readonly RequestId: string;
      readonly ClientToken: string;
      readonly State: string;
      readonly FromLedger: boolean;
      /** Answered from the ledger because an earlier delivery scheduled it before its StartTime passed. */
      readonly EarlierDelivery: boolean;
      readonly CasterId?: string | undefined;
      readonly Slot?: string | undefined;
      readonly StartTime: string;
      readonly OffAirAt?: string | undefined;
      readonly warnings?: readonly unknown[] | undefined;
    }
  | {
      readonly status: 'failed';
      readonly Key: string;
      readonly Trigger: string;
      readonly Error: string;
      readonly Code?: string | undefined;
      readonly Message: string;
      readonly RequestId?: string | undefined;
      readonly FieldErrors?: FieldErrors | undefined;
      readonly Attempts?: number | undefined;
      readonly error: unknown;
    };

function targetOf(failure: FailedTrigger): ReplayTarget {
  const fn = failure.Trigger.kind === 'unidentified' ? failure.Trigger.function : failure.Trigger.kind;
  const input = fn === 'timer' ? failedTimerInput(failure.Input) : failedEventInput(failure.Input);
  // The key it is filed under, whatever reading its input again gives.
  return { fn, input: { ...input, Key: failure.Key, Trigger: failure.Trigger }, recorded: failure };
}

/**
 * Sends one trigger again: read as its function reads it, scheduled with its own token, its failure cleared on
 * success and counted (with the new reason) on failure.
 */
async function replayTrigger(target: ReplayTarget, base: ScheduleDependencies, io: CliIo): Promise<ReplayOutcome> {
  const { ledger } = base;
  const key = target.input.Key;
  const trigger = describeFailedTrigger(target.input.Trigger);
  // The studio the function used when the input names none: its CASTER_ID, which the failure recorded.
  const dependencies: ScheduleDependencies = { ...base, defaultCasterId: target.recorded?.CasterId ?? base.defaultCasterId };
  const rules = readPlanRules(io.env);
  try {
    const request = readRequest(target, rules);
    const result = await schedulePlan(request, dependencies);
    await ledger?.clearFailures([key]);
    return {
      status: 'scheduled',
      Key: key,
      Trigger: trigger,
      ProgramId: result.ProgramId,
      ItemIds: result.ItemIds,
      RequestId: result.RequestId,
      ClientToken: result.ClientToken,
      State: result.State,
      FromLedger: result.FromLedger,
      EarlierDelivery: false,
      CasterId: request.plan.CasterId ?? dependencies.defaultCasterId,
      Slot: result.Slot,
      StartTime: request.plan.StartTime,
      OffAirAt: result.OffAirAt,
      warnings: result.warnings,
    };
  } catch (error) {
    if (error instanceof StartTimeInPastError && ledger) {
      const earlier = await groupOfEarlierDelivery(target, rules, ledger);
      if (earlier) {
        await ledger.clearFailures([key]);
        return {
          status: 'scheduled',
          Key: key,
          Trigger: trigger,
          ProgramId: earlier.ProgramId as string,
          ItemIds: earlier.ItemIds,
          RequestId: earlier.RequestId ?? '',
          ClientToken: earlier.ClientToken,
          State: earlier.State,
          FromLedger: true,
          EarlierDelivery: true,
          CasterId: earlier.CasterId,
          Slot: earlier.Slot,
          StartTime: earlier.StartTime,
        };
      }
    }
    const why = describeTriggerFailure(key, undefined, error);
    const stored = await ledger?.recordFailure(
      failedTriggerEntry(target.input, why, {
        atIso: new Date().toISOString(),
        via: 'replay',
        clientToken: target.recorded?.ClientToken,
        defaultCasterId: dependencies.defaultCasterId,
        attempts: (target.attemptsBefore ?? 0) + 1,
      }),
    );
    return {
      status: 'failed',
      Key: key,
      Trigger: trigger,
      Error: why.reason,
      Code: why.code,
      Message: why.message,
      RequestId: why.requestId,
      FieldErrors: why.fieldErrors,
      Attempts: stored?.Attempts,
      error,
    };
  }
}

/** The schedule request the trigger's function reads from its input: the same validation, token and slot. */
function readRequest(target: ReplayTarget, rules: PlanValidationOptions): ScheduleRequest {
  if (target.fn === 'timer') {
    const request = readTimerTick(target.input.Input, rules);
    // As the timer function schedules it: in the slot named after its trigger unless the plan names one.
    return { ...request, slot: request.trigger.triggerName };
  }
  const entry = readCloudEvent(target.input.Input, 0, rules);
  if (!entry.ok) throw entry.error;
  return entry.request;
}

/**
 * The group an earlier delivery of the trigger scheduled, when its StartTime has passed since: the token the function
 * derived then (a tick's plan read at its triggerTime; an event's source and id), looked up in the ledger.
 */
async function groupOfEarlierDelivery(
  target: ReplayTarget,
  rules: PlanValidationOptions,
  ledger: Ledger,
): Promise<LedgerRecord | undefined> {
  let baseToken = target.input.ClientToken;
  const identity = target.input.Trigger;
  if (target.fn === 'timer' && identity.kind === 'timer') {
    try {
      baseToken = readTimerTick(target.input.Input, { ...rules, nowMs: Date.parse(identity.triggerTime) }).clientToken;
    } catch {
      return undefined;
    }
  }
  if (baseToken === undefined) return undefined;
  const record = (await ledger.readTrigger(baseToken))?.record;
  return record?.ProgramId !== undefined && record.State !== 'intent' && record.State !== 'failed' ? record : undefined;
}

/** Says on stderr that the replay failed again and where it stays; returns the error for reportError to describe. */
function reportFailed(outcome: Extract<ReplayOutcome, { status: 'failed' }>, io: CliIo): unknown {
  const attempts = outcome.Attempts === undefined ? '' : ` (attempt ${outcome.Attempts})`;
  io.stderr(`${oneLine(`caster-carousel replay: ${outcome.Key} failed again${attempts}; it stays in ls --failed.`)}\n`);
  if (outcome.error instanceof StartTimeInPastError)
    io.stderr(`caster-carousel replay: ${START_REFUSED.replace('--start is not offered: a', 'A')}\n`);
  return outcome.error;
}

function publicOutcome(outcome: ReplayOutcome): Record<string, unknown> {
  if (outcome.status === 'failed') {
    const { error: _error, ...shown } = outcome;
    return shown;
  }
  const { EarlierDelivery, FromLedger, ...shown } = outcome;
  return { ...shown, ...(FromLedger ? { FromLedger: true } : {}), ...(EarlierDelivery ? { EarlierDelivery: true } : {}) };
}

function describeReplayed(outcome: ReplayOutcome, style: OutputStyle): string {
  if (outcome.status === 'failed') {
    const detail = outcome.FieldErrors
      ? Object.entries(outcome.FieldErrors)
          .map(([field, messages]) => `${field}: ${messages.join(', ')}`)
          .join('; ')
      : outcome.Message;
    return oneLine(
      `${outcome.Key}: failed again (${outcome.Error}${outcome.Code && outcome.Code !== outcome.Error ? ` ${outcome.Code}` : ''}: ${detail}${outcome.RequestId ? `, RequestId ${outcome.RequestId}` : ''})${outcome.Attempts === undefined ? '' : `, attempt ${outcome.Attempts}`}; it stays in ls --failed.`,
    );
  }
  const where = [
    outcome.CasterId ? `studio ${outcome.CasterId}` : undefined,
    outcome.Slot ? `slot ${outcome.Slot}` : undefined,
    `from ${style.time(outcome.StartTime)}`,
  ]
    .filter(Boolean)
    .join(', ');
  const what = outcome.EarlierDelivery
    ? `answered from the ledger, nothing was sent: an earlier delivery scheduled it as ${outcome.ProgramId} (${outcome.State}; ${where}) before its StartTime passed`
    : outcome.FromLedger
      ? `answered from the ledger, nothing was sent: already ${outcome.State} as ${outcome.ProgramId} (${where})`
      : `scheduled ${outcome.ProgramId} (${where}) with ClientToken ${outcome.ClientToken}`;
  return oneLine(`Replayed ${outcome.Key}: ${what}. ls --failed no longer shows it.`);
}

async function readFailuresQuietly(ledger: Ledger): Promise<FailedTrigger[]> {
  try {
    return await ledger.readFailures();
  } catch {
    // Only the studio the function used is lost; the input still names its own, else CASTER_ID is used.
    return [];
  }
}

/** The triggers of an FC destination record, and FC's requestId of the invocation. */
interface Destination {
  readonly requestId?: string | undefined;
  readonly targets: readonly ReplayTarget[];
}

/**
 * Reads the record FC delivers to the onFailure destination: `{timestamp, requestContext: {requestId, functionArn,
 * condition, approximateInvokeCount}, requestPayload, responseContext: {statusCode, functionError}, responsePayload}`.
 * The requestPayload (the event as the function received it, as JSON text or already parsed) says which function it
 * was for: a tick has triggerName and triggerTime; anything else with an id and a source, or an array, is CloudEvents.
 */
async function readDestination(file: string): Promise<Destination> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read the destination record ${JSON.stringify(file)}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
    );
  }
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    throw new UsageError(`${JSON.stringify(file)} is not JSON: give the record FC sent to the onFailure destination`);
  }
  if (record === null || typeof record !== 'object' || !('requestPayload' in record)) {
    throw new UsageError(`${JSON.stringify(file)} is not an FC destination record: it has no requestPayload`);
  }
  const fields = record as { requestPayload: unknown; requestContext?: { requestId?: unknown; approximateInvokeCount?: unknown } };
  let payload = fields.requestPayload;
  if (typeof payload === 'string') {
    try {
      payload = JSON.parse(payload);
    } catch {
      throw new UsageError(`the requestPayload of ${JSON.stringify(file)} is not JSON: neither a timer tick nor a CloudEvent`);
    }
  }
  const count = fields.requestContext?.approximateInvokeCount;
  const attemptsBefore = typeof count === 'number' && Number.isInteger(count) && count > 0 ? count : undefined;
  const requestId = typeof fields.requestContext?.requestId === 'string' ? fields.requestContext.requestId : undefined;
  if (isTick(payload) && isReconcileTickInput(payload)) {
    throw new UsageError(
      'the record is of a reconciliation tick ({"Reconcile": ...}): it schedules nothing, and the next tick redoes its work; caster-carousel gc does it now',
    );
  }
  if (isTick(payload)) return { requestId, targets: [{ fn: 'timer', input: failedTimerInput(payload), attemptsBefore }] };
  if (Array.isArray(payload) || isCloudEvent(payload)) {
    return { requestId, targets: failedEventInputs(payload).map((input) => ({ fn: 'event' as const, input, attemptsBefore })) };
  }
  throw new UsageError(
    `the requestPayload of ${JSON.stringify(file)} is neither a timer tick (triggerName, triggerTime) nor a CloudEvent (id, source)`,
  );
}

function isTick(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'triggerName' in value && 'triggerTime' in value;
}

function isCloudEvent(value: unknown): boolean {
  return value !== null && typeof value === 'object' && ('specversion' in value || ('id' in value && 'source' in value));
}

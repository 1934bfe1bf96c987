import { schedulePlan } from '../../schedule/schedule-plan';
import { type CloudEventEntry, readCloudEvents } from '../../triggers/event/cloud-events';
import { AsyncInvocationError, describeTriggerFailure, type TriggerFailure } from '../async-invocation-error';
import { getFcInstance, scheduleDependenciesFor } from '../fc-instance';
import type { FcMiddleware, InvocationContext } from '../fc-types';

/** One CloudEvent's outcome. */
export type CloudEventOutcome =
  | {
      readonly id: string;
      readonly source: string;
      readonly status: 'scheduled';
      readonly ProgramId: string;
      readonly ItemIds: string[];
      readonly RequestId: string;
      readonly ClientToken: string;
      /** Answered from the ledger: scheduled by an earlier delivery. */
      readonly FromLedger?: boolean;
      /** What became of the group since, when it is no longer `scheduled` (retired, replaced, being deleted). */
      readonly State?: string;
    }
  | ({ readonly status: 'failed' } & TriggerFailure);

/** What a fully successful delivery returns. */
export interface CloudEventsResult {
  readonly outcomes: readonly CloudEventOutcome[];
}

/** Middleware: reads an EventBridge delivery (one CloudEvent or a batch) into one entry per event. */
export function cloudEventPlans(): FcMiddleware {
  return {
    before: function readCloudEventPlans(request) {
      request.event = readCloudEvents(request.event, getFcInstance().environment.planRules);
    },
  };
}

/**
 * Event handler core: schedules every valid event of the delivery (concurrently; the shared pacer spaces the
 * calls), then throws an AsyncInvocationError naming each failed event if any failed, so FC retries the
 * delivery. In a retry, events the ledger holds as scheduled are answered from it without an API call, so the
 * budget goes to the rest; without a ledger they are re-sent with the same ClientTokens, which returns their
 * existing episode groups instead of creating new ones.
 */
export async function scheduleCloudEvents(entries: readonly CloudEventEntry[], context: InvocationContext): Promise<CloudEventsResult> {
  const outcomes = await Promise.all(entries.map((entry) => scheduleEntry(entry, context)));
  const failures = outcomes.filter((outcome): outcome is Extract<CloudEventOutcome, { status: 'failed' }> => outcome.status === 'failed');
  if (failures.length > 0) {
    throw new AsyncInvocationError(
      failures.map(({ status: _status, ...failure }) => failure),
      outcomes.length,
      outcomes,
    );
  }
  return { outcomes };
}

async function scheduleEntry(entry: CloudEventEntry, context: InvocationContext): Promise<CloudEventOutcome> {
  if (!entry.ok) return { status: 'failed', ...describeTriggerFailure(entry.id, entry.source, entry.error) };
  try {
    const invocationLogger = context.invocationLogger.child({ eventId: entry.id, eventSource: entry.source });
    const result = await schedulePlan(entry.request, scheduleDependenciesFor({ ...context, invocationLogger }));
    return {
      id: entry.id,
      source: entry.source,
      status: 'scheduled',
      ProgramId: result.ProgramId,
      ItemIds: result.ItemIds,
      RequestId: result.RequestId,
      ClientToken: result.ClientToken,
      ...(result.FromLedger ? { FromLedger: true } : {}),
      ...(result.State === 'scheduled' ? {} : { State: result.State }),
    };
  } catch (error) {
    return { status: 'failed', ...describeTriggerFailure(entry.id, entry.source, error) };
  }
}

import type { ScheduleDependencies } from '../../schedule/schedule-carousel';
import { scheduleCarousel } from '../../schedule/schedule-carousel';
import { AsyncInvocationError, describeTriggerFailure, type TriggerFailure } from '../async-invocation-error';
import type { InvocationContext } from '../fc-types';
import { scheduleDependenciesFor } from '../live-dependencies';
import type { CloudEventBatch, CloudEventEntry } from './cloud-event-plans';

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
    }
  | ({ readonly status: 'failed' } & TriggerFailure);

/** What a fully successful delivery returns. */
export interface CloudEventsResult {
  readonly outcomes: readonly CloudEventOutcome[];
}

/**
 * Event handler core: schedules every valid event of the delivery (concurrently; the shared pacer spaces the
 * calls), then throws an AsyncInvocationError naming each failed event if any failed, so FC retries the
 * delivery. A retry re-sends the events that succeeded with the same ClientTokens, which returns their
 * existing episode groups instead of creating new ones.
 */
export async function scheduleCloudEvents(event: CloudEventBatch, context: InvocationContext): Promise<CloudEventsResult> {
  // Built on first use, so a delivery whose events are all invalid needs no credentials; when building fails
  // (no credentials) each valid event fails with that reason.
  let dependencies: ScheduleDependencies | undefined;
  const getDependencies = (): ScheduleDependencies => (dependencies ??= scheduleDependenciesFor(context));
  const outcomes = await Promise.all(event.entries.map((entry) => scheduleEntry(entry, context, getDependencies)));
  const failures = outcomes.filter((outcome): outcome is Extract<CloudEventOutcome, { status: 'failed' }> => outcome.status === 'failed');
  if (failures.length > 0)
    throw new AsyncInvocationError(
      failures.map(({ status: _status, ...failure }) => failure),
      outcomes.length,
      outcomes,
    );
  return { outcomes };
}

async function scheduleEntry(
  entry: CloudEventEntry,
  context: InvocationContext,
  dependencies: () => ScheduleDependencies,
): Promise<CloudEventOutcome> {
  if (!entry.ok) return { status: 'failed', ...entry.failure };
  try {
    const base = dependencies();
    const result = await scheduleCarousel(
      { plan: entry.plan, clientToken: entry.clientToken, deadlineAtMs: context.deadlineAtMs },
      { ...base, logger: context.invocationLogger.child({ eventId: entry.id, eventSource: entry.source }) },
    );
    return { id: entry.id, source: entry.source, status: 'scheduled', ...result };
  } catch (error) {
    return { status: 'failed', ...describeTriggerFailure(entry.id, entry.source, error) };
  }
}

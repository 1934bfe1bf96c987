import { afterAll, describe, expect, it } from 'vitest';
import type { AsyncInvocationError } from '../../shared/src/fc/async-invocation-error';
import type { CloudEventsResult } from '../../shared/src/fc/event/schedule-cloud-events';
import { cloudEventClientToken } from '../../shared/src/idempotency/trigger-tokens';
import { cloudEvent, cloudEventBuffer, fcContext } from '../support/fc-events';
import { captureLogLines, secretLeaksIn, useFunction, withFunction } from '../support/fc-testbed';
import { samplePlan } from '../support/plan-fixtures';

// Each test file loads fresh function instances (vi.resetModules), so errors are checked by name, not class.
const logs = captureLogLines();
afterAll(() => logs.restore());

describe('event function', () => {
  const subject = useFunction('event');

  it('schedules the plan of a single CloudEvent under a ClientToken derived from source and id', async () => {
    // Prepare
    const event = cloudEvent({ id: 'evt-single-1', source: 'acs.test.single', data: samplePlan() });

    // Act
    const result = (await subject.fn.handler(cloudEventBuffer(event), fcContext())) as CloudEventsResult;

    // Assess
    expect(result.outcomes).toEqual([
      expect.objectContaining({
        id: 'evt-single-1',
        status: 'scheduled',
        ClientToken: cloudEventClientToken('acs.test.single', 'evt-single-1'),
      }),
    ]);
    const groups = await subject.testbed.episodeGroups();
    expect(groups.some((group) => group.ClientToken === cloudEventClientToken('acs.test.single', 'evt-single-1'))).toBe(true);
  });

  it('accepts data given as a JSON string, and an aliyunpublishtime that is not RFC 3339', async () => {
    // Prepare
    const event = cloudEvent({
      id: 'evt-string-data',
      data: JSON.stringify(samplePlan()),
      aliyunpublishtime: '2031-04-30T22:00:01.179PRC',
    });

    // Act
    const result = (await subject.fn.handler(cloudEventBuffer(event), fcContext())) as CloudEventsResult;

    // Assess
    expect(result.outcomes[0]).toMatchObject({ id: 'evt-string-data', status: 'scheduled' });
  });

  it('schedules the good events of a batch and throws an error naming the bad one and why', async () => {
    // Prepare
    const { Items: _missing, ...planWithoutItems } = samplePlan();
    const batch = [
      cloudEvent({ id: 'batch-good-1', source: 'acs.test.batch', data: samplePlan() }),
      cloudEvent({ id: 'batch-bad-2', source: 'acs.test.batch', data: planWithoutItems }),
      cloudEvent({ id: 'batch-good-3', source: 'acs.test.batch', data: samplePlan() }),
    ];

    // Act
    const failure = await subject.fn.handler(cloudEventBuffer(batch), fcContext()).catch((error: unknown) => error);

    // Assess
    expect(failure).toHaveProperty('name', 'AsyncInvocationError');
    const error = failure as AsyncInvocationError;
    expect(error.message).toBe('1 of 3 triggers failed: batch-bad-2: InvalidPlan (Items: is required)');
    expect(error.failures).toEqual([
      expect.objectContaining({
        id: 'batch-bad-2',
        source: 'acs.test.batch',
        reason: 'InvalidPlan',
        fieldErrors: { Items: ['is required'] },
      }),
    ]);
    const tokens = (await subject.testbed.episodeGroups()).map((group) => group.ClientToken);
    expect(tokens).toContain(cloudEventClientToken('acs.test.batch', 'batch-good-1'));
    expect(tokens).toContain(cloudEventClientToken('acs.test.batch', 'batch-good-3'));
    expect(tokens).not.toContain(cloudEventClientToken('acs.test.batch', 'batch-bad-2'));

    // Act again: FC redelivers the failed batch.
    const groupCount = (await subject.testbed.episodeGroups()).length;
    const retry = await subject.fn.handler(cloudEventBuffer(batch), fcContext()).catch((retryError: unknown) => retryError);

    // Assess: still failing for the bad event, and no duplicate group for the good ones.
    expect(retry).toHaveProperty('name', 'AsyncInvocationError');
    expect(await subject.testbed.episodeGroups()).toHaveLength(groupCount);
  });

  it('schedules nothing twice when a whole batch is redelivered', async () => {
    // Prepare
    const batch = [1, 2, 3].map((n) => cloudEvent({ id: `redelivered-${n}`, source: 'acs.test.redelivery', data: samplePlan() }));

    // Act
    const first = (await subject.fn.handler(cloudEventBuffer(batch), fcContext())) as CloudEventsResult;
    const again = (await subject.fn.handler(cloudEventBuffer(batch), fcContext())) as CloudEventsResult;

    // Assess
    const programIds = (result: CloudEventsResult) =>
      result.outcomes.map((outcome) => (outcome.status === 'scheduled' ? outcome.ProgramId : undefined));
    expect(programIds(again)).toEqual(programIds(first));
    const tokens = batch.map((event) => cloudEventClientToken('acs.test.redelivery', String(event['id'])));
    expect((await subject.testbed.episodeGroups()).filter((group) => tokens.includes(group.ClientToken ?? ''))).toHaveLength(3);
  });

  it('fails an event without an id or source on its own, naming it by position', async () => {
    // Prepare
    const batch = [cloudEvent({ id: 'fine-1', data: samplePlan() }), { specversion: '1.0', data: samplePlan() }];

    // Act
    const failure = await subject.fn.handler(cloudEventBuffer(batch), fcContext()).catch((error: unknown) => error as AsyncInvocationError);

    // Assess
    expect((failure as AsyncInvocationError).failures).toEqual([expect.objectContaining({ id: '#1', reason: 'InvalidEvent' })]);
    expect((failure as AsyncInvocationError).outcomes[0]).toMatchObject({ id: 'fine-1', status: 'scheduled' });
  });

  it('throws for a delivery that is not JSON at all', async () => {
    // Act
    const failure = await subject.fn.handler(Buffer.from('not json'), fcContext()).catch((error: unknown) => error);

    // Assess
    expect(failure).toHaveProperty('name', 'AsyncInvocationError');
    expect((failure as AsyncInvocationError).failures[0]).toMatchObject({ reason: 'InvalidEvent', retryable: false });
  });
});

describe('event function when the Live API fails', () => {
  it('throws, naming every event that could not be scheduled', () =>
    withFunction('event', { faults: { error503: 1 } }, async ({ fn }) => {
      // Prepare
      const batch = [cloudEvent({ id: 'down-1', data: samplePlan() }), cloudEvent({ id: 'down-2', data: samplePlan() })];

      // Act
      const failure = await fn.handler(cloudEventBuffer(batch), fcContext({ timeoutSeconds: 4 })).catch((error: unknown) => error);

      // Assess
      expect(failure).toHaveProperty('name', 'AsyncInvocationError');
      expect((failure as Error).message).toMatch(/^2 of 2 triggers failed: down-1: LiveApiUnavailable .*; down-2: LiveApiUnavailable /);
    }));
});

describe('event function logs', () => {
  it('contain no secret', () => {
    // Assess
    const text = logs.lines.join('\n');
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(secretLeaksIn(text)).toEqual([]);
  });
});

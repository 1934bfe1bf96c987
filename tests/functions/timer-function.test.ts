import { afterAll, describe, expect, it } from 'vitest';
import type { AsyncInvocationError } from '../../shared/src/fc/async-invocation-error';
import { deriveClientToken } from '../../shared/src/idempotency/client-token';
import { fcContext, timerEventBuffer } from '../support/fc-events';
import { captureLogLines, parseLogLines, secretLeaksIn, useFunction, withFunction } from '../support/fc-testbed';
import { samplePlan } from '../support/plan-fixtures';

interface TimerResult {
  readonly ProgramId: string;
  readonly ClientToken: string;
  readonly StartTime: string;
}

// Each test file loads fresh function instances (vi.resetModules), so errors are checked by name, not class.
const logs = captureLogLines();
afterAll(() => logs.restore());

/** A plan for a timer payload: StartOffset instead of StartTime. */
function offsetPlan(startOffset: unknown): Record<string, unknown> {
  const { StartTime: _absolute, ...plan } = samplePlan();
  return { ...plan, StartOffset: startOffset };
}

describe('timer function against a healthy Live API', () => {
  const subject = useFunction('timer');

  it('schedules the plan in the payload string with its absolute StartTime', async () => {
    // Prepare
    const plan = samplePlan({ StartTime: '2031-05-01T06:00:00Z' });

    // Act
    const result = (await subject.fn.handler(
      timerEventBuffer({ triggerTime: '2031-04-30T22:00:00Z', payload: plan }),
      fcContext(),
    )) as TimerResult;

    // Assess
    const group = (await subject.testbed.episodeGroups()).find((candidate) => candidate.ProgramId === result.ProgramId);
    expect(group).toMatchObject({ StartTime: '2031-05-01T06:00:00Z', ClientToken: result.ClientToken });
  });

  it('adds a StartOffset to the trigger time, rounded to whole seconds', async () => {
    // Prepare
    const event = timerEventBuffer({ triggerTime: '2031-04-30T23:59:59.600Z', payload: offsetPlan('P1DT2H30M') });

    // Act
    const result = (await subject.fn.handler(event, fcContext())) as TimerResult;

    // Assess
    expect(result.StartTime).toBe('2031-05-02T02:30:00Z');
    const group = (await subject.testbed.episodeGroups()).find((candidate) => candidate.ProgramId === result.ProgramId);
    expect(group?.StartTime).toBe('2031-05-02T02:30:00Z');
  });

  it('schedules a redelivered tick once, under one ClientToken', async () => {
    // Prepare
    const event = timerEventBuffer({ triggerTime: '2031-04-30T22:00:00Z', triggerName: 'nightly', payload: offsetPlan('PT30M') });

    // Act
    const first = (await subject.fn.handler(event, fcContext())) as TimerResult;
    const redelivered = (await subject.fn.handler(event, fcContext())) as TimerResult;

    // Assess
    expect(redelivered.ClientToken).toBe(first.ClientToken);
    expect(redelivered.ProgramId).toBe(first.ProgramId);
    expect((await subject.testbed.episodeGroups()).filter((group) => group.ClientToken === first.ClientToken)).toHaveLength(1);
  });

  it('gives the next tick of the same trigger a ClientToken of its own, even when the payload names one', async () => {
    // Prepare
    const payload = { ...offsetPlan('PT30M'), ClientToken: 'repeated-in-every-tick' };

    // Act
    const monday = (await subject.fn.handler(
      timerEventBuffer({ triggerTime: '2031-05-05T22:00:00Z', triggerName: 'weekday', payload }),
      fcContext(),
    )) as TimerResult;
    const tuesday = (await subject.fn.handler(
      timerEventBuffer({ triggerTime: '2031-05-06T22:00:00Z', triggerName: 'weekday', payload }),
      fcContext(),
    )) as TimerResult;

    // Assess
    expect(tuesday.ClientToken).not.toBe(monday.ClientToken);
    expect(tuesday.ProgramId).not.toBe(monday.ProgramId);
    expect(monday.ClientToken).not.toBe('repeated-in-every-tick');
  });

  it.each([
    ['a month', 'P1M', /years or months/],
    ['a year', 'P1Y', /years or months/],
    ['a fraction', 'PT1.5H', /whole numbers/],
    ['not a duration', '30 minutes', /ISO 8601 duration/],
  ])('throws for a StartOffset with %s, naming the field, and sends nothing', async (_label, offset, reason) => {
    // Prepare
    const requestsBefore = (await subject.testbed.addRequests()).length;

    // Act
    const failure = await subject.fn
      .handler(timerEventBuffer({ triggerTime: '2031-04-30T22:00:00Z', payload: offsetPlan(offset) }), fcContext())
      .catch((error: unknown) => error);

    // Assess
    expect(failure).toHaveProperty('name', 'AsyncInvocationError');
    const error = failure as AsyncInvocationError;
    expect(error.failures[0]).toMatchObject({ reason: 'InvalidPlan', retryable: false });
    expect(error.failures[0]?.fieldErrors?.['StartOffset']?.[0]).toMatch(reason);
    expect(error.message).toMatch(/every-morning@2031-04-30T22:00:00Z: InvalidPlan \(StartOffset: /);
    expect(await subject.testbed.addRequests()).toHaveLength(requestsBefore);
  });

  it('throws when the payload gives both StartTime and StartOffset', async () => {
    // Act
    const failure = await subject.fn
      .handler(timerEventBuffer({ triggerTime: '2031-04-30T22:00:00Z', payload: { ...samplePlan(), StartOffset: 'PT5M' } }), fcContext())
      .catch((error: unknown) => error as AsyncInvocationError);

    // Assess
    expect(failure).toHaveProperty('name', 'AsyncInvocationError');
    expect((failure as AsyncInvocationError).failures[0]?.fieldErrors).toEqual({
      StartOffset: ['give either StartTime or StartOffset, not both'],
    });
  });

  it('throws for a payload that is not JSON, and logs the reason', async () => {
    // Act
    const failure = await subject.fn
      .handler(timerEventBuffer({ triggerTime: '2031-04-30T22:00:00Z', payload: 'not json' }), fcContext())
      .catch((error: unknown) => error);

    // Assess
    expect(failure).toHaveProperty('name', 'AsyncInvocationError');
    expect((failure as Error).message).toContain('payload: is not valid JSON');
    const logged = parseLogLines(logs.lines).find(
      (entry) => entry['level'] === 'error' && JSON.stringify(entry['failures'] ?? null).includes('payload'),
    );
    expect(logged).toBeDefined();
  });

  it('derives the tick’s ClientToken from triggerName, triggerTime and the plan', async () => {
    // Prepare
    const plan = samplePlan();

    // Act
    const result = (await subject.fn.handler(
      timerEventBuffer({ triggerTime: '2031-04-30T22:00:00Z', triggerName: 'derived', payload: plan }),
      fcContext(),
    )) as TimerResult;

    // Assess
    expect(result.ClientToken).toMatch(/^cc1-/);
    expect(result.ClientToken).not.toBe(deriveClientToken('derived'));
  });
});

describe('timer function when the Live API fails', () => {
  it('throws a typed error naming the tick and the reason, so FC retries it', () =>
    // Prepare
    withFunction('timer', { faults: { error503: 1 } }, async ({ fn }) => {
      // Act
      const failure = await fn
        .handler(
          timerEventBuffer({ triggerTime: '2031-04-30T22:00:00Z', triggerName: 'nightly', payload: offsetPlan('PT1H') }),
          fcContext({ timeoutSeconds: 4 }),
        )
        .catch((error: unknown) => error);

      // Assess
      expect(failure).toHaveProperty('name', 'AsyncInvocationError');
      expect((failure as AsyncInvocationError).failures[0]).toMatchObject({
        id: 'nightly@2031-04-30T22:00:00Z',
        reason: 'LiveApiUnavailable',
        retryable: true,
      });
      expect((failure as Error).message).toMatch(
        /^1 of 1 trigger failed: nightly@2031-04-30T22:00:00Z: LiveApiUnavailable ServiceUnavailable/,
      );
    }));
});

describe('timer function logs', () => {
  it('contain no secret', () => {
    // Assess
    const text = logs.lines.join('\n');
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(secretLeaksIn(text)).toEqual([]);
  });
});

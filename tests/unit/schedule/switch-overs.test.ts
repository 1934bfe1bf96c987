import { describe, expect, it } from 'vitest';
import { dueToAir } from '../../../shared/src/schedule/switch-overs';
import { isReconcileTick, readTimerEvent } from '../../../shared/src/triggers/timer/reconcile-order';
import { sampleLedgerRecord } from '../../support/ledger-record-fixtures';
import { samplePlan } from '../../support/plan-fixtures';

const ms = (iso: string): number => Date.parse(iso);

describe('which groups a reconciliation tick asks ListPlaylist about', () => {
  it('the scheduled groups starting in its window, and the successors of switch-overs already due, earliest first', () => {
    // Prepare: a slot whose successor started before the tick (due now), and groups in, before and after the window.
    const onAir = sampleLedgerRecord({ Slot: 'a', StartTime: '2031-03-06T18:00:00Z', RepeatNum: -1 });
    const startedBeforeTick = sampleLedgerRecord({ Slot: 'a', StartTime: '2031-03-06T18:59:30Z', RepeatNum: -1 });
    const inWindow = sampleLedgerRecord({ Slot: 'b', StartTime: '2031-03-06T19:00:40Z' });
    const afterWindow = sampleLedgerRecord({ Slot: 'c', StartTime: '2031-03-06T19:02:00Z' });
    const cancelled = sampleLedgerRecord({ Slot: 'd', StartTime: '2031-03-06T19:00:20Z', State: 'cancelled' });
    const window = { fromMs: ms('2031-03-06T19:00:00Z'), untilMs: ms('2031-03-06T19:01:10Z') };

    // Act
    const chosen = dueToAir([afterWindow, inWindow, onAir, cancelled, startedBeforeTick], window, ms('2031-03-06T19:00:01Z'));

    // Assess
    expect(chosen.map((record) => record.ClientToken)).toEqual([startedBeforeTick.ClientToken, inWindow.ClientToken]);
  });
});

describe('a timer payload', () => {
  it('{"Reconcile": "PT1M"} is a reconciliation tick of the trigger’s interval, from its triggerTime', () => {
    // Act
    const request = readTimerEvent({ triggerName: 'reconcile', triggerTime: '2031-03-06T19:00:00Z', payload: '{"Reconcile":"PT1M"}' });

    // Assess
    expect(isReconcileTick(request)).toBe(true);
    expect(request).toEqual({
      trigger: { kind: 'timer', triggerName: 'reconcile', triggerTime: '2031-03-06T19:00:00Z' },
      reconcile: { fromMs: ms('2031-03-06T19:00:00Z'), intervalMs: 60_000 },
    });
  });

  it('anything else is still a plan, read and validated as before', () => {
    // Prepare
    const plan = samplePlan();

    // Act
    const request = readTimerEvent({ triggerName: 'nightly', triggerTime: '2031-03-01T19:00:00Z', payload: JSON.stringify(plan) });

    // Assess
    expect(isReconcileTick(request)).toBe(false);
    expect(request).toMatchObject({ plan: { StartTime: plan['StartTime'] }, trigger: { triggerName: 'nightly' } });
  });

  it('a plan whose item is named "Reconcile" is not mistaken for a reconciliation order', () => {
    // Prepare
    const plan = samplePlan({ Items: [{ ItemName: '"Reconcile"', VodUrl: 'https://cdn.example.com/r.mp4' }] });

    // Act
    const request = readTimerEvent({ triggerName: 'nightly', triggerTime: '2031-03-01T19:00:00Z', payload: JSON.stringify(plan) });

    // Assess
    expect(isReconcileTick(request)).toBe(false);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FailedTriggerIdentity, failedTriggerKey } from '../../shared/src/ledger/failed-trigger';
import { failedEventInput, failedTimerInput } from '../../shared/src/triggers/failed-trigger-input';

// Names full of the characters the key uses as separators and escapes.
const part = fc.string({ unit: fc.constantFrom('a', 'b', '@', '#', '%', '2', '3', '4', '0', ':', ' '), minLength: 1, maxLength: 8 });
const identity: fc.Arbitrary<FailedTriggerIdentity> = fc.oneof(
  fc.record({ kind: fc.constant('timer' as const), triggerName: part, triggerTime: part }),
  fc.record({ kind: fc.constant('event' as const), source: part, id: part }),
);
const sameIdentity = (a: FailedTriggerIdentity, b: FailedTriggerIdentity): boolean => JSON.stringify(a) === JSON.stringify(b);

describe('the key of a failed trigger', () => {
  it('is the same for the same trigger and differs for any two different triggers, whatever their names hold', () => {
    fc.assert(
      fc.property(identity, identity, (a, b) => {
        // Act
        const keys = [failedTriggerKey(a), failedTriggerKey(b)];

        // Assess
        expect(keys[0] === keys[1]).toBe(sameIdentity(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('is read from the input as it arrived, so a redelivery and a replay of a trigger find its entry', () => {
    fc.assert(
      fc.property(part, part, fc.jsonValue(), (name, time, payload) => {
        // Prepare: the tick as FC delivers it, and as the ledger gives it back (JSON).
        const tick = { triggerName: name, triggerTime: time, payload: JSON.stringify(payload) };
        const stored = JSON.parse(JSON.stringify(tick)) as unknown;

        // Act
        const delivered = failedTimerInput(tick);
        const replayed = failedTimerInput(stored);
        const event = failedEventInput({ id: name, source: time, data: payload });

        // Assess
        expect(replayed.Key).toBe(delivered.Key);
        expect(delivered.Key).toBe(failedTriggerKey({ kind: 'timer', triggerName: name, triggerTime: time }));
        expect(event.Key).toBe(failedTriggerKey({ kind: 'event', source: time, id: name }));
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSlotName } from '../../shared/src/ledger/slot-name';
import { validatePlan } from '../../shared/src/plan/validate-plan';
import { samplePlan } from '../support/plan-fixtures';

const SLOT_CHARACTERS = 'ABCXYZabcxyz0189._:-';

describe('slot names at the input boundary', () => {
  it('accept exactly what the plan schema accepts as Slot, so --slot and a plan file never disagree', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[A-Za-z0-9._:-]{0,70}$/)), (slot) => {
        // Act
        const flagAccepts = isSlotName(slot);
        const validation = validatePlan(samplePlan({ Slot: slot }));

        // Assess
        expect(validation.ok).toBe(flagAccepts);
      }),
    );
  });

  it('refuse a bad Slot in a plan with an error on Slot that never echoes the value', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 9, maxLength: 80 }).filter((slot) => !isSlotName(slot) && slot.trim().length > 8),
        (slot) => {
          // Act
          const validation = validatePlan(samplePlan({ Slot: slot }));

          // Assess
          expect(validation.ok).toBe(false);
          if (validation.ok) return;
          expect(Object.keys(validation.fieldErrors)).toEqual(['Slot']);
          expect(JSON.stringify(validation.fieldErrors)).not.toContain(JSON.stringify(slot).slice(1, -1));
        },
      ),
    );
  });

  it('accept every name of 1 to 64 allowed characters', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...SLOT_CHARACTERS), { minLength: 1, maxLength: 64 }), (characters) => {
        // Assess
        expect(isSlotName(characters.join(''))).toBe(true);
      }),
    );
  });
});

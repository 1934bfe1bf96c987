import { describe, expect, it } from 'vitest';
import planSchema from '../../../shared/src/plan/plan.schema.json';
import { PLAN_LIMITS } from '../../../shared/src/plan/plan-limits';

const planFields = planSchema.definitions.PlanFields.properties;
const itemFields = planSchema.definitions.PlanItemFields.properties;

describe('plan.schema.json agrees with PLAN_LIMITS', () => {
  it.each([
    ['CasterId maxLength', planFields.CasterId.maxLength, PLAN_LIMITS.casterIdMaxChars],
    ['CallbackUrl maxLength', planFields.CallbackUrl.maxLength, PLAN_LIMITS.callbackUrlMaxChars],
    ['DomainName maxLength', planFields.DomainName.maxLength, PLAN_LIMITS.domainNameMaxChars],
    ['SideOutputUrl maxLength', planFields.SideOutputUrl.maxLength, PLAN_LIMITS.sideOutputUrlMaxChars],
    ['StartTime maxLength', planFields.StartTime.maxLength, PLAN_LIMITS.startTimeChars],
    ['RepeatNum minimum', planFields.RepeatNum.minimum, PLAN_LIMITS.repeatNumMin],
    ['RepeatNum maximum', planFields.RepeatNum.maximum, PLAN_LIMITS.repeatNumMax],
    ['Items minItems', planFields.Items.minItems, PLAN_LIMITS.itemsMinCount],
    ['Items maxItems', planFields.Items.maxItems, PLAN_LIMITS.itemsMaxCount],
    ['Items per-item guard', planFields.Items.if.maxItems, PLAN_LIMITS.itemsMaxCount],
    ['ItemName maxLength', itemFields.ItemName.maxLength, PLAN_LIMITS.itemNameMaxChars],
    ['VodUrl maxLength', itemFields.VodUrl.maxLength, PLAN_LIMITS.vodUrlMaxChars],
    ['ClientToken maxLength', planFields.ClientToken.maxLength, PLAN_LIMITS.clientTokenMaxChars],
    ['Slot maxLength', planFields.Slot.maxLength, PLAN_LIMITS.slotMaxChars],
    ['plan maxProperties', planSchema.maxProperties, PLAN_LIMITS.planMaxProperties],
    ['plan per-property guard', planSchema.if.maxProperties, PLAN_LIMITS.planMaxProperties],
    ['item maxProperties', planSchema.definitions.PlanItem.maxProperties, PLAN_LIMITS.itemMaxProperties],
    ['item per-property guard', planSchema.definitions.PlanItem.if.maxProperties, PLAN_LIMITS.itemMaxProperties],
  ])('%s', (_name, schemaValue, limit) => {
    // Assess
    expect(schemaValue).toBe(limit);
  });

  it('keeps the work bounds above the number of known properties', () => {
    // Prepare
    const planPropertyCount = Object.keys(planFields).length;
    const itemPropertyCount = Object.keys(itemFields).length;

    // Assess
    expect(PLAN_LIMITS.planMaxProperties).toBeGreaterThanOrEqual(planPropertyCount);
    expect(PLAN_LIMITS.itemMaxProperties).toBeGreaterThanOrEqual(itemPropertyCount);
  });

  it('bounds every string property', () => {
    // Prepare
    const stringSchemas = [...Object.values(planFields), ...Object.values(itemFields)].filter((schema) => schema.type === 'string');

    // Assess
    for (const schema of stringSchemas) expect('maxLength' in schema && typeof schema.maxLength).toBe('number');
  });

  it('documents every property with a title and a description', () => {
    // Prepare
    const schemas = [planSchema, ...Object.values(planSchema.definitions), ...Object.values(planFields), ...Object.values(itemFields)];

    // Assess
    for (const schema of schemas) {
      expect(schema.title.length).toBeGreaterThan(0);
      expect(schema.description.length).toBeGreaterThan(0);
    }
  });
});

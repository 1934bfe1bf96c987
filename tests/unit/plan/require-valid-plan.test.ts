import { describe, expect, it } from 'vitest';
import { PlanValidationError } from '../../../shared/src/errors';
import { StartTimeInPastError } from '../../../shared/src/plan/plan-errors';
import { parsePlanJson, requireValidPlan } from '../../../shared/src/plan/require-valid-plan';
import { samplePlan } from '../../support/plan-fixtures';

function jsonErrorOf(text: string): string[] | undefined {
  try {
    parsePlanJson(text, '(body)', 'The body is not valid JSON');
  } catch (error) {
    if (error instanceof PlanValidationError) return error.fieldErrors['(body)'];
    throw error;
  }
  throw new Error('expected the text to be refused');
}

describe('parsePlanJson', () => {
  it('accepts plan JSON that starts with a UTF-8 byte order mark', () => {
    // Prepare
    const plan = samplePlan();

    // Act
    const parsed = parsePlanJson(`\uFEFF${JSON.stringify(plan)}`, '(body)', 'The body is not valid JSON');

    // Assess
    expect(parsed).toEqual(plan);
  });

  it.each([
    ['a missing value', '{\n  "StartTime": ,\n}', 2, 16],
    ['a trailing comma', '{"RepeatNum": 0,}', 1, 17],
    ['an unquoted key', '{\n\n   auth_key: "x"}', 3, 4],
    ['a single-quoted string', "{'a': 1}", 1, 2],
    ['text after the value', '{} {}', 1, 4],
    ['an unterminated string', '{"a": "secret', 1, 14],
    ['a raw newline in a string', '{"a": "sec\nret"}', 1, 11],
    ['a bad escape', '{"a": "\\x41"}', 1, 9],
    ['a leading zero', '[01]', 1, 3],
    ['empty text', '', 1, 1],
    ['a second BOM', '\uFEFF\uFEFF{}', 1, 1],
  ])('reports %s with its line and column, never the text', (_name, text, line, column) => {
    // Act
    const messages = jsonErrorOf(text);

    // Assess
    expect(messages).toEqual([`is not valid JSON (line ${line}, column ${column})`]);
  });

  it('survives deeply nested input without overflowing the stack', () => {
    // Act
    const messages = jsonErrorOf(`${'['.repeat(200_000)}x`);

    // Assess
    expect(messages).toEqual(['is not valid JSON (line 1, column 200001)']);
  });
});

describe('requireValidPlan', () => {
  it('throws StartTimeInPastError (not retryable) when StartTime having passed is the only fault', () => {
    // Act
    const attempt = () =>
      requireValidPlan(samplePlan({ StartTime: '2031-03-06T19:00:00Z' }), { nowMs: Date.parse('2031-03-07T00:00:00Z') });

    // Assess
    expect(attempt).toThrow(StartTimeInPastError);
  });

  it('throws PlanValidationError when other faults come with a past StartTime', () => {
    // Act
    const attempt = () => requireValidPlan(samplePlan({ StartTime: '2001-01-01T00:00:00Z', Items: [] }));

    // Assess
    expect(attempt).toThrow(PlanValidationError);
  });

  it('gives the same plan for the same instant written with an offset and in UTC', () => {
    // Act
    const shanghai = requireValidPlan(samplePlan({ StartTime: '2031-03-07T03:00:00+08:00', ClientToken: 'same' }));
    const utc = requireValidPlan({ ...shanghai, StartTime: '2031-03-06T19:00:00Z' });

    // Assess
    expect(shanghai).toEqual(utc);
  });
});

import { describe, expect, it } from 'vitest';
import { readPlanRules } from '../../../shared/src/config/environment';
import { ConfigurationError } from '../../../shared/src/errors';

describe('readPlanRules', () => {
  it('defaults to a 60 s grace and an unknown signing validity', () => {
    // Assess
    expect(readPlanRules({})).toEqual({ startTimeGraceS: 60, authKeyValidityS: undefined });
  });

  it('reads START_TIME_GRACE_S and AUTH_KEY_VALIDITY_S', () => {
    // Assess
    expect(readPlanRules({ START_TIME_GRACE_S: '0', AUTH_KEY_VALIDITY_S: ' 1800 ' })).toEqual({
      startTimeGraceS: 0,
      authKeyValidityS: 1800,
    });
  });

  it.each([
    ['START_TIME_GRACE_S', '-1'],
    ['START_TIME_GRACE_S', '1.5'],
    ['START_TIME_GRACE_S', 'a minute'],
    ['AUTH_KEY_VALIDITY_S', '-30'],
    ['AUTH_KEY_VALIDITY_S', '30m'],
  ])('refuses %s=%s with an error naming the variable', (variable, value) => {
    // Act
    const attempt = () => readPlanRules({ [variable]: value });

    // Assess
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(new RegExp(variable));
  });
});

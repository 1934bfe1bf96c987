import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readEnvironment } from '../../../shared/src/config/environment';
import { ConfigurationError } from '../../../shared/src/errors';

const LEVELS = ['debug', 'info', 'warn', 'error'];

function configurationErrorOf(action: () => unknown): ConfigurationError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('readEnvironment: REDIS_URL', () => {
  it.each(['redis://127.0.0.1:6379', 'rediss://user:pw@cache.example.com:6380/2', ' redis://localhost '])(
    'accepts %s and keeps it for the pacer',
    (value) => {
      // Act
      const environment = readEnvironment({ REDIS_URL: value });

      // Assess
      expect(environment.redisUrl).toBe(value.trim());
    },
  );

  it('leaves shared pacing off when REDIS_URL is unset or empty', () => {
    // Act
    const unset = readEnvironment({});
    const empty = readEnvironment({ REDIS_URL: '  ' });

    // Assess
    expect(unset.redisUrl).toBeUndefined();
    expect(empty.redisUrl).toBeUndefined();
  });

  it.each(['notaurl', 'http://127.0.0.1:6379', '127.0.0.1:6379', 'redis://', 'redis:///0'])(
    'rejects REDIS_URL=%s with a ConfigurationError naming the variable, instead of pacing alone',
    (value) => {
      // Act
      const error = configurationErrorOf(() => readEnvironment({ REDIS_URL: value }));

      // Assess
      expect(error.message).toMatch(/^REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
      expect(error.code).toBe('InvalidConfiguration');
    },
  );

  it('never echoes a rejected REDIS_URL, which may carry a password', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 6 }), (value) => {
        // Prepare
        fc.pre(!/^\s*rediss?:\/\/[^/]/i.test(value) && value.trim() !== '');

        // Act
        const error = configurationErrorOf(() => readEnvironment({ REDIS_URL: `secret${value}` }));

        // Assess
        expect(error.message).not.toContain(`secret${value}`);
      }),
    );
  });
});

describe('readEnvironment: LOG_LEVEL', () => {
  it('reads each level in any case, and unset as info', () => {
    // Act
    const levels = ['DEBUG', 'Info', 'warn', 'ERROR'].map((value) => readEnvironment({ LOG_LEVEL: value }).logLevel);

    // Assess
    expect(levels).toEqual(LEVELS);
    expect(readEnvironment({}).logLevel).toBe('info');
  });

  it('rejects any other LOG_LEVEL with a ConfigurationError naming the variable, instead of silently using info', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), (value) => {
        // Prepare
        fc.pre(value.trim() !== '' && !LEVELS.includes(value.trim().toLowerCase()));

        // Act
        const error = configurationErrorOf(() => readEnvironment({ LOG_LEVEL: value }));

        // Assess
        expect(error.message).toMatch(/^LOG_LEVEL must be one of debug, info, warn, error/);
      }),
    );
  });
});

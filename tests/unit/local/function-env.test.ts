import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localFunctionEnv } from '../../../local/function-env';

const STACK = { liveEndpoint: 'http://127.0.0.1:8787', defaultCasterId: 'LIVEPRODUCER_POST-cn-demo00001' };

describe('the environment npm start gives the local functions', () => {
  it('passes the user’s settings on (LIVE_TIMEOUT_MS, LOG_LEVEL, REDIS_URL, CASTER_ID)', () => {
    // Act
    const env = localFunctionEnv(
      { LIVE_TIMEOUT_MS: '500', LOG_LEVEL: 'debug', REDIS_URL: 'redis://127.0.0.1:6390', CASTER_ID: 'LIVEPRODUCER_POST-cn-mine' },
      STACK,
    );
    // Assess
    expect(env).toMatchObject({
      LIVE_TIMEOUT_MS: '500',
      LOG_LEVEL: 'debug',
      REDIS_URL: 'redis://127.0.0.1:6390',
      CASTER_ID: 'LIVEPRODUCER_POST-cn-mine',
    });
  });

  it('fills in the studio and log level the user leaves unset or empty', () => {
    // Act
    const env = localFunctionEnv({ CASTER_ID: '' }, STACK);
    // Assess
    expect(env).toMatchObject({ CASTER_ID: STACK.defaultCasterId, LOG_LEVEL: 'info' });
  });

  it('always points at the stack’s endpoint with ECS metadata disabled, and never carries the user’s credentials or host variables', () => {
    const names = fc.constantFrom(
      'LIVE_ENDPOINT',
      'ALIBABA_CLOUD_ACCESS_KEY_ID',
      'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
      'ALIBABA_CLOUD_SECURITY_TOKEN',
      'ALIBABA_CLOUD_ROLE_ARN',
      'ALIBABA_CLOUD_CREDENTIALS_URI',
      'ALIBABA_CLOUD_ECS_METADATA_DISABLED',
      'NODE_PATH',
      'FC_FUNCTION_NAME',
      'npm_lifecycle_event',
      'LIVE_REGION_ID',
    );
    fc.assert(
      fc.property(fc.dictionary(names, fc.string()), (userEnv) => {
        // Act
        const env = localFunctionEnv(userEnv, STACK);
        // Assess
        expect(env['LIVE_ENDPOINT']).toBe(STACK.liveEndpoint);
        expect(env['ALIBABA_CLOUD_ECS_METADATA_DISABLED']).toBe('true');
        for (const name of Object.keys(env))
          expect(name).not.toMatch(/^(ALIBABA_CLOUD_(ACCESS|SECURITY|ROLE|CREDENTIALS)|NODE_PATH$|FC_|npm_)/);
        if (userEnv['LIVE_REGION_ID'] !== undefined) expect(env['LIVE_REGION_ID']).toBe(userEnv['LIVE_REGION_ID']);
      }),
    );
  });
});

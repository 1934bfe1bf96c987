import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPolicyEnvironment } from '../../../local/s-yaml-environment';
import { CronExpressionError, parseFcCron, readTimerTriggers } from '../../../local/timer-triggers';

const sYaml = fileURLToPath(new URL('../../../s.yaml', import.meta.url));

describe('FC cron expressions on the local clock', () => {
  it('reads the six fields in UTC without CRON_TZ', () => {
    // Prepare
    const schedule = parseFcCron('0 30 5 * * *');

    // Act
    const next = schedule.nextAfter(new Date('2031-03-06T00:00:00Z'));

    // Assess
    expect(schedule.timeZone).toBe('UTC');
    expect(next.toISOString()).toBe('2031-03-06T05:30:00.000Z');
  });

  it('reads the fields in the CRON_TZ zone: 05:30 in Shanghai is 21:30 UTC the day before', () => {
    // Prepare
    const schedule = parseFcCron('CRON_TZ=Asia/Shanghai 0 30 5 * * *');

    // Act
    const next = schedule.nextAfter(new Date('2031-03-06T00:00:00Z'));

    // Assess
    expect(schedule.timeZone).toBe('Asia/Shanghai');
    expect(next.toISOString()).toBe('2031-03-06T21:30:00.000Z');
  });

  it('follows a zone with daylight saving time across its change (Europe/Berlin, 30 March 2031)', () => {
    // Prepare
    const schedule = parseFcCron('CRON_TZ=Europe/Berlin 0 0 9 * * *');

    // Act
    const before = schedule.nextAfter(new Date('2031-03-29T00:00:00Z'));
    const after = schedule.nextAfter(before);

    // Assess
    expect(before.toISOString()).toBe('2031-03-29T08:00:00.000Z');
    expect(after.toISOString()).toBe('2031-03-30T07:00:00.000Z');
  });

  it('fires strictly after the given instant: a tick at the fire time schedules the next one, not itself', () => {
    // Prepare
    const schedule = parseFcCron('0 * * * * *');

    // Act
    const next = schedule.nextAfter(new Date('2031-03-06T19:00:00.000Z'));

    // Assess
    expect(next.toISOString()).toBe('2031-03-06T19:01:00.000Z');
  });

  it('reads `?` as "any day" and day-of-week names with Sunday as 0', () => {
    // Prepare
    const names = parseFcCron('0 0 12 ? * MON');
    const numbers = parseFcCron('0 0 12 ? * 0');

    // Act
    const monday = names.nextAfter(new Date('2031-03-06T00:00:00Z'));
    const sunday = numbers.nextAfter(new Date('2031-03-06T00:00:00Z'));

    // Assess: 6 March 2031 is a Thursday.
    expect(monday.toISOString()).toBe('2031-03-10T12:00:00.000Z');
    expect(sunday.toISOString()).toBe('2031-03-09T12:00:00.000Z');
  });

  it('counts @every from when the clock started', () => {
    // Prepare
    const startedAtMs = Date.parse('2031-03-06T19:00:10Z');
    const schedule = parseFcCron('@every 1h30m', startedAtMs);

    // Act
    const first = schedule.nextAfter(new Date(startedAtMs));
    const second = schedule.nextAfter(first);

    // Assess
    expect(first.toISOString()).toBe('2031-03-06T20:30:10.000Z');
    expect(second.toISOString()).toBe('2031-03-06T22:00:10.000Z');
  });

  it.each([
    ['five fields', '30 5 * * *', /six fields/],
    ['more than once a minute', '*/10 * * * * *', /at most once a minute/],
    ['two seconds of each minute', '0,30 * * * * *', /at most once a minute/],
    ['@every under a minute', '@every 30s', /at most once a minute/],
    ['an unknown zone', 'CRON_TZ=Mars/Olympus 0 0 0 * * *', /not a time zone/],
    ['a field out of range', '0 61 * * * *', /0 61/],
  ])('refuses %s, naming the expression', (_label, expression, reason) => {
    // Act
    const refusal = (() => {
      try {
        parseFcCron(expression);
        return undefined;
      } catch (error) {
        return error;
      }
    })();

    // Assess
    expect(refusal).toBeInstanceOf(CronExpressionError);
    expect((refusal as Error).message).toContain(expression);
    expect((refusal as Error).message).toMatch(reason);
  });
});

describe('the s.yaml the local stack runs', () => {
  it('has every timer trigger with its cron, payload and enable flag, the reconciliation every minute among them', () => {
    // Act
    const triggers = readTimerTriggers(sYaml);

    // Assess
    expect(triggers.map((trigger) => [trigger.resource, trigger.triggerName, trigger.enabled])).toEqual([
      ['timer', 'every-morning', true],
      ['timer', 'second-studio-morning', false],
      ['timer', 'reconcile', true],
    ]);
    const reconcile = triggers.find((trigger) => trigger.triggerName === 'reconcile');
    expect(JSON.parse(reconcile?.payload ?? '')).toEqual({ Reconcile: 'PT1M' });
    for (const trigger of triggers) expect(() => parseFcCron(trigger.cronExpression)).not.toThrow();
  });

  it('gives each function the allow-lists s deploy would give it: ALLOWED_CASTER_IDS is the studio CASTER_ID names', () => {
    // Act
    const policies = readPolicyEnvironment(sYaml, { CASTER_ID: 'LIVEPRODUCER_POST-cn-demo00001' });

    // Assess
    for (const name of ['http', 'timer', 'event']) {
      expect(policies[name]).toEqual({
        ALLOWED_CASTER_IDS: 'LIVEPRODUCER_POST-cn-demo00001',
        ALLOWED_DOMAINS: '',
        AUTH_KEY_VALIDITY_S: '',
      });
    }
  });

  it('reads ALLOWED_DOMAINS and AUTH_KEY_VALIDITY_S from the environment as s.yaml says', () => {
    // Act
    const policies = readPolicyEnvironment(sYaml, { CASTER_ID: 'X', ALLOWED_DOMAINS: 'live.example.com', AUTH_KEY_VALIDITY_S: '1800' });

    // Assess
    expect(policies['timer']).toMatchObject({ ALLOWED_DOMAINS: 'live.example.com', AUTH_KEY_VALIDITY_S: '1800' });
  });
});

import { describe, expect, it } from 'vitest';
import { type EarlierRecord, migrateEarlierScope } from '../../../cli/earlier-ledger';
import { tokenForGeneration } from '../../../shared/src/idempotency/token-generation';

const AT = '2031-03-01T08:00:00.000Z';

/** A group as the earlier release recorded it. */
function earlier(programId: string, overrides: Partial<EarlierRecord> = {}): EarlierRecord {
  return {
    ProgramId: programId,
    ItemIds: [`${programId}-item`],
    ClientToken: `cc1-${programId}`,
    Generation: 1,
    Slot: 'daily',
    CasterId: 'LIVEPRODUCER_POST-cn-earlier1',
    DomainName: 'demo.example.com',
    StartTime: '2031-03-06T19:00:00Z',
    RepeatNum: -1,
    Items: [{ ItemName: 'Episode', VodUrl: 'https://cdn.example.com/ep.mp4' }],
    Trigger: { kind: 'cli' },
    CreatedAt: AT,
    State: 'scheduled',
    Resolved: { CallbackUrl: 'https://callback.example.com/live', DomainName: 'demo.example.com' },
    ...overrides,
  };
}

describe('migrateEarlierScope: the earlier release’s records in today’s format', () => {
  it('brings a superseded group back as scheduled, for the timeline to retire, and drops its SupersededBy pointer', () => {
    const migrated = migrateEarlierScope({
      records: { A: earlier('A', { State: 'superseded', SupersededBy: 'B', UpdatedAt: '2031-03-02T00:00:00.000Z' }), B: earlier('B') },
    });
    expect(migrated.refused).toEqual([]);
    expect(migrated.supersededNowScheduled).toBe(1);
    const a = migrated.records.find((record) => record.ProgramId === 'A');
    expect(a).toMatchObject({ State: 'scheduled', BaseToken: 'cc1-A', Version: 2, UpdatedAt: '2031-03-02T00:00:00.000Z' });
    expect(a).not.toHaveProperty('SupersededBy');
  });

  it('keeps cancelled and retired groups ended, and finds the trigger of a later generation from the generations it kept', () => {
    // Prepare: a trigger cancelled once (generation 2), kept as a number in the file and as "n|token" in Redis.
    const fileToken = tokenForGeneration('cc1-file-base', 2);
    const redisToken = tokenForGeneration('cc1-redis-base', 2);
    // Act
    const migrated = migrateEarlierScope({
      records: {
        F: earlier('F', { ClientToken: fileToken, Generation: 2 }),
        R: earlier('R', { ClientToken: redisToken, Generation: 2, State: 'retired' }),
        C: earlier('C', { State: 'cancelled' }),
      },
      generations: { 'cc1-file-base': 2, 'cc1-redis-base': `2|${redisToken}` },
    });
    // Assess
    expect(migrated.refused).toEqual([]);
    const byId = new Map(migrated.records.map((record) => [record.ProgramId, record]));
    expect(byId.get('F')).toMatchObject({ BaseToken: 'cc1-file-base', Generation: 2, State: 'scheduled' });
    expect(byId.get('R')).toMatchObject({ BaseToken: 'cc1-redis-base', State: 'retired' });
    expect(byId.get('C')).toMatchObject({ State: 'cancelled' });
  });

  it('brings an unanswered intent over as an intent, and skips an intent whose group was recorded', () => {
    const intent = (token: string) => ({
      ClientToken: token,
      BaseToken: token,
      Generation: 1,
      Slot: 'nightly',
      StartTime: '2031-03-07T19:00:00Z',
      RepeatNum: 0,
      Items: [{ ItemName: 'Late', VodUrl: 'https://cdn.example.com/late.mp4' }],
      Trigger: { kind: 'cli' },
      CreatedAt: AT,
      Resolved: { CallbackUrl: 'https://callback.example.com/live', DomainName: 'demo.example.com' },
    });
    const migrated = migrateEarlierScope({
      records: { A: earlier('A') },
      intents: { 'cc1-A': intent('cc1-A'), 'cc1-late': intent('cc1-late') },
    });
    expect(migrated.refused).toEqual([]);
    expect(migrated.records.map((record) => `${record.ClientToken} ${record.State}`).sort()).toEqual([
      'cc1-A scheduled',
      'cc1-late intent',
    ]);
    expect(migrated.records.find((record) => record.ClientToken === 'cc1-late')).toMatchObject({
      DomainName: 'demo.example.com',
      ItemIds: [],
      Version: 1,
      UpdatedAt: AT,
    });
  });

  it('refuses, with why, what the schedule would misread: an unknown state, a later generation of no known trigger, a bad StartTime', () => {
    const migrated = migrateEarlierScope({
      records: {
        S: earlier('S', { State: 'paused' as EarlierRecord['State'] }),
        G: earlier('G', { Generation: 3 }),
        T: earlier('T', { StartTime: 'tomorrow' }),
      },
      intents: { broken: null as unknown as Record<string, unknown> },
    });
    expect(migrated.records).toEqual([]);
    expect(migrated.refused).toEqual([
      { key: 'S', problem: 'State "paused" is not one the earlier release wrote' },
      { key: 'G', problem: 'generation 3 token whose trigger the earlier ledger does not name' },
      { key: 'T', problem: 'StartTime is not yyyy-MM-ddTHH:mm:ssZ' },
      { key: 'broken', problem: 'not an intent (no Resolved parameters)' },
    ]);
  });
});

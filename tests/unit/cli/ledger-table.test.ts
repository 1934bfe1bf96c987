import { describe, expect, it } from 'vitest';
import { ledgerTable } from '../../../cli/ledger-table';
import type { LedgerRecord } from '../../../shared/src/ledger/ledger-record';

const RECORD: LedgerRecord = {
  ProgramId: 'PROGRAM-1',
  ItemIds: ['item-1'],
  ClientToken: 'cc1-token',
  Generation: 1,
  Slot: 'evening',
  CasterId: 'LIVEPRODUCER_POST-cn-demo00001',
  DomainName: 'demo.example.com',
  StartTime: '2031-03-06T19:00:00Z',
  RepeatNum: -1,
  Items: [{ ItemName: 'Episode', VodUrl: 'https://cdn.example.com/ep.mp4?auth_key=1893456000-0-0-tablesecret' }],
  Trigger: { kind: 'timer', triggerName: 'daily', triggerTime: '2031-03-06T06:00:00Z' },
  CreatedAt: '2026-12-01T09:38:56.123Z',
  State: 'scheduled',
  Resolved: { CallbackUrl: 'http://demo.example.com/cb?auth_key=1893456000-0-0-tablesecret', DomainName: 'demo.example.com' },
};

describe('the ls table', () => {
  it('shows ids, counts and times, one aligned line per group, and never a URL', () => {
    // Act
    const table = ledgerTable([RECORD, { ...RECORD, ProgramId: 'PROGRAM-2', State: 'superseded', SupersededBy: 'PROGRAM-3' }]);

    // Assess
    const lines = table.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(
      'scheduled                PROGRAM-1   evening  LIVEPRODUCER_POST-cn-demo00001  2031-03-06T19:00:00Z  -1      1      timer daily  2026-12-01T09:38:56Z',
    );
    expect(lines[2]).toMatch(/^superseded by PROGRAM-3 {2}PROGRAM-2 /);
    expect(table).not.toContain('tablesecret');
    expect(table).not.toContain('http');
  });

  it('turns control characters from a trigger or event id into ?, so a listing cannot drive the terminal', () => {
    // Prepare
    const hostile: LedgerRecord = { ...RECORD, Trigger: { kind: 'event', source: 'acs.test', id: 'evt\u001b[2J\nrm' } };

    // Act
    const table = ledgerTable([hostile]);

    // Assess
    expect(table.split('\n')).toHaveLength(2);
    expect(table).toContain('event evt?[2J?rm');
  });
});

import { describe, expect, it } from 'vitest';
import { ledgerTable } from '../../../cli/ledger-table';
import { styleFor } from '../../../cli/output';
import type { LedgerRecord } from '../../../shared/src/ledger/ledger-record';

const UTC = styleFor(false, 'utc');

const RECORD: LedgerRecord = {
  ProgramId: 'PROGRAM-1',
  ItemIds: ['item-1'],
  ClientToken: 'cc1-token',
  BaseToken: 'cc1-token',
  Generation: 1,
  Slot: 'evening',
  CasterId: 'LIVEPRODUCER_POST-cn-demo00001',
  DomainName: 'demo.example.com',
  StartTime: '2031-03-06T19:00:00Z',
  RepeatNum: -1,
  Items: [{ ItemName: 'Episode', VodUrl: 'https://cdn.example.com/ep.mp4?auth_key=1893456000-0-0-tablesecret' }],
  Trigger: { kind: 'timer', triggerName: 'daily', triggerTime: '2031-03-06T06:00:00Z' },
  CreatedAt: '2026-12-01T09:38:56.123Z',
  UpdatedAt: '2026-12-01T09:38:57.001Z',
  State: 'scheduled',
  Version: 2,
  Resolved: { CallbackUrl: 'http://demo.example.com/cb?auth_key=1893456000-0-0-tablesecret', DomainName: 'demo.example.com' },
};

describe('the ls table', () => {
  it('shows ids, counts and times in UTC with --utc, one aligned line per group, and never a URL', () => {
    // Act
    const table = ledgerTable([RECORD], UTC);

    // Assess
    const lines = table.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(
      'scheduled  PROGRAM-1   evening  LIVEPRODUCER_POST-cn-demo00001  2031-03-06T19:00:00Z  -1      1      timer daily  2026-12-01T09:38:56Z',
    );
    expect(table).not.toContain('tablesecret');
    expect(table).not.toContain('http');
  });

  it('says until when a scheduled group airs: the StartTime of the next group of its slot, and which group that is', () => {
    // Prepare: the later group was submitted first; the table orders nothing, the slot's air order decides.
    const next: LedgerRecord = { ...RECORD, ProgramId: 'PROGRAM-2', ClientToken: 'cc1-next', StartTime: '2031-03-06T21:30:00Z' };
    const otherSlot: LedgerRecord = { ...RECORD, ProgramId: 'PROGRAM-3', ClientToken: 'cc1-other', Slot: 'night' };

    // Act
    const table = ledgerTable([next, RECORD, otherSlot], UTC);

    // Assess
    const lines = table.split('\n');
    expect(lines[1]).toMatch(/^scheduled {2,}PROGRAM-2 /);
    expect(lines[2]).toMatch(/^scheduled until 2031-03-06T21:30:00Z \(then PROGRAM-2\) {2}PROGRAM-1 /);
    expect(lines[3]).toMatch(/^scheduled {2,}PROGRAM-3 /);
  });

  it('names the groups of other slots a group airs together with, and how many more there are', () => {
    // Prepare
    const overlapping = { ...RECORD, Overlaps: ['PROGRAM-7', 'PROGRAM-8'], OverlapCount: 4 };

    // Act
    const table = ledgerTable([overlapping], UTC);

    // Assess
    expect(table.split('\n')[1]).toMatch(/^scheduled OVERLAPS PROGRAM-7,PROGRAM-8 \+2 more {2}PROGRAM-1 /);
  });

  it('says why a failed group failed and after how many attempts, and shows an unanswered intent without a ProgramId', () => {
    // Prepare
    const failed: LedgerRecord = {
      ...RECORD,
      ProgramId: undefined,
      ClientToken: 'cc1-failed',
      State: 'failed',
      Failure: { Code: 'InvalidParameter.StartTime', Message: 'too early', Attempts: 2 },
    };
    const intent: LedgerRecord = { ...RECORD, ProgramId: undefined, ClientToken: 'cc1-intent', State: 'intent', Version: 1 };

    // Act
    const lines = ledgerTable([failed, intent], UTC).split('\n');

    // Assess
    expect(lines[1]).toMatch(/^failed InvalidParameter\.StartTime after 2 attempt\(s\) {2}- {2,}evening /);
    expect(lines[2]).toMatch(/^intent {2,}- {2,}evening /);
  });

  it('shows times in the display zone with their offset, the off-air time too', () => {
    // Prepare
    const next: LedgerRecord = { ...RECORD, ProgramId: 'PROGRAM-2', ClientToken: 'cc1-next', StartTime: '2031-03-06T21:30:00Z' };

    // Act
    const lines = ledgerTable([next, RECORD], styleFor(false, 'Asia/Shanghai')).split('\n');

    // Assess
    expect(lines[0]).toMatch(/^STATE +PROGRAM ID +SLOT +CASTER +START +REPEAT +ITEMS +TRIGGER +CREATED$/);
    expect(lines[2]).toMatch(
      /^scheduled until 2031-03-07 05:30 \+08:00 \(then PROGRAM-2\) {2}PROGRAM-1 .* 2031-03-07 03:00 \+08:00 .* 2026-12-01 17:38:56 \+08:00$/,
    );
  });

  it('turns control characters from a trigger or event id into ?, so a listing cannot drive the terminal', () => {
    // Prepare
    const hostile: LedgerRecord = { ...RECORD, Trigger: { kind: 'event', source: 'acs.test', id: 'evt\u001b[2J\nrm' } };

    // Act
    const table = ledgerTable([hostile], UTC);

    // Assess
    expect(table.split('\n')).toHaveLength(2);
    expect(table).toContain('event evt?[2J?rm');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../cli/timeline/html-escape';
import { renderTimeline } from '../../../cli/timeline/render-timeline';
import { sampleLedgerRecord } from '../../support/ledger-record-fixtures';
import { SAMPLE_AUTH_KEY } from '../../support/plan-fixtures';

const NOW = new Date('2031-03-06T12:00:00Z');
const HOSTILE_NAME = `</template></script><script>window.pwned=1</script><img src=x onerror="window.pwned=2"> & 'quoted'`;

describe('renderTimeline', () => {
  it('escapes a hostile ItemName so it stays text', () => {
    // Prepare
    const record = sampleLedgerRecord({ Items: [{ ItemName: HOSTILE_NAME, VodUrl: 'https://cdn.example.com/a.mp4' }] });
    // Act
    const html = renderTimeline([record], { now: NOW });
    // Assess
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>window.pwned');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;window.pwned=1&lt;/script&gt;');
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it('never writes a VOD URL, an auth_key value or a callback secret into the page', () => {
    const record = sampleLedgerRecord({
      Items: [{ ItemName: `leak auth_key=${SAMPLE_AUTH_KEY} here`, VodUrl: `https://cdn.example.com/a.mp4?auth_key=${SAMPLE_AUTH_KEY}` }],
    });
    const html = renderTimeline([record], { now: NOW });
    expect(html).not.toContain(SAMPLE_AUTH_KEY);
    expect(html).not.toContain('cdn.example.com');
    expect(html).not.toContain('callbacksecret');
    expect(html).toContain('leak auth_key=&lt;redacted&gt; here');
  });

  it('loads nothing from anywhere: no external reference, and a policy that allows only its own inline style and script', () => {
    const html = renderTimeline([sampleLedgerRecord()], { now: NOW });
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    expect(policy).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; script-src 'sha256-[A-Za-z0-9+/=]+'/);
  });

  it('offers the zone it is drawn for first, then the viewer’s zone and UTC', () => {
    // Act
    const shanghai = renderTimeline([sampleLedgerRecord()], { now: NOW, zone: 'Asia/Shanghai' });
    const viewer = renderTimeline([sampleLedgerRecord()], { now: NOW });

    // Assess
    expect(shanghai).toContain('data-zone="Asia/Shanghai"');
    expect(shanghai).toMatch(
      /<select id="zone"[^>]*><option value="local">this browser’s zone<\/option><option value="Asia\/Shanghai" selected>Asia\/Shanghai<\/option><option value="UTC">UTC<\/option><\/select>/,
    );
    expect(viewer).toMatch(/<option value="local" selected>this browser’s zone<\/option><option value="UTC">UTC<\/option><\/select>/);
    expect(viewer).not.toContain('All times UTC');
  });

  it('warns that groups may be missing when a ledger write failed', () => {
    const html = renderTimeline([sampleLedgerRecord()], { now: NOW, incompleteSince: '2031-03-06T10:00:00.000Z' });
    expect(html).toContain(
      'The ledger may be incomplete: a write failed at <time datetime="2031-03-06T10:00:00.000Z">2031-03-06T10:00:00.000Z</time>',
    );
    expect(renderTimeline([sampleLedgerRecord()], { now: NOW })).not.toContain('may be incomplete');
  });

  it.each([
    [
      { kind: 'timer', triggerName: 'nightly', triggerTime: '2031-03-06T18:00:00Z' } as const,
      'timer nightly at <time datetime="2031-03-06T18:00:00Z">2031-03-06T18:00:00Z</time>',
    ],
    [{ kind: 'event', source: 'acs.custom', id: 'evt-1' } as const, 'event evt-1 from acs.custom'],
    [{ kind: 'http', idempotencyKey: '<key>' } as const, 'http, Idempotency-Key &lt;key&gt;'],
    [{ kind: 'cli' } as const, 'cli'],
  ])('names what made the group in its details: %j', (trigger, shown) => {
    const html = renderTimeline([sampleLedgerRecord({ Trigger: trigger })], { now: NOW });
    expect(html).toContain(`<dd data-field="trigger">${shown}</dd>`);
  });

  it('marks a bar that airs together with a group of another slot of its studio, naming it in an overlaps row', () => {
    // Prepare: a loop in slot "main" from 11:00; slot "extra" starts a group at 14:00, while the loop plays.
    const loop = sampleLedgerRecord({ ProgramId: 'main-loop', Slot: 'main', StartTime: '2031-03-06T11:00:00Z', RepeatNum: -1 });
    const extra = sampleLedgerRecord({ ProgramId: 'extra', Slot: 'extra', StartTime: '2031-03-06T14:00:00Z', RepeatNum: 1 });
    const alone = sampleLedgerRecord({ ProgramId: 'alone', CasterId: 'LIVEPRODUCER_POST-cn-other0002', StartTime: '2031-03-06T14:00:00Z' });
    // Act
    const html = renderTimeline([loop, extra, alone], { now: NOW });
    // Assess
    const barClasses = (programId: string) =>
      new RegExp(`<div class="([^"]*)"[^>]* data-program-id="${programId}"`).exec(html)?.[1]?.split(' ');
    expect(barClasses('main-loop')).toContain('overlap');
    expect(barClasses('extra')).toContain('overlap');
    expect(barClasses('alone')).not.toContain('overlap');
    expect(html).toContain('<dd data-field="overlaps">airs together with extra (other slots of this studio)</dd>');
    expect(html).toContain('<dd data-field="overlaps">airs together with main-loop (other slots of this studio)</dd>');
    expect(html.match(/data-field="overlaps"/g)).toHaveLength(2);
  });

  it('says in a bar’s details when it goes off air: where the next group of its slot starts', () => {
    const first = sampleLedgerRecord({ ProgramId: 'first', Slot: 'main', StartTime: '2031-03-06T11:00:00Z', RepeatNum: -1 });
    const next = sampleLedgerRecord({ ProgramId: 'next', Slot: 'main', StartTime: '2031-03-06T15:30:00Z', RepeatNum: -1 });
    const html = renderTimeline([next, first], { now: NOW });
    expect(html).toContain(
      '<dd data-field="ends"><time datetime="2031-03-06T15:30:00Z">2031-03-06T15:30:00Z</time>, when next starts</dd>',
    );
    expect(html).toContain('<dd data-field="ends">not before something replaces it</dd>');
  });

  it('renders an empty ledger as a page that says so', () => {
    const html = renderTimeline([], { now: NOW });
    expect(html).toContain('No episode groups in the ledger yet.');
    expect(html).not.toContain('class="bar ');
  });

  it('keeps exactly one script element whatever text the records carry', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 64 }), fc.string({ maxLength: 32 }), fc.string({ maxLength: 32 }), (itemName, casterId, slot) => {
        const record = sampleLedgerRecord({
          CasterId: casterId,
          Slot: slot,
          Items: [{ ItemName: itemName, VodUrl: 'https://cdn.example.com/a.mp4' }],
        });
        const html = renderTimeline([record], { now: NOW });
        expect(html.match(/<script/gi)).toHaveLength(1);
        expect(html.match(/<\/script/gi)).toHaveLength(1);
        expect(html.match(/<template>/g)).toHaveLength(1);
      }),
      { numRuns: 300 },
    );
  });

  it('escapes every HTML-special character and nothing else', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const escaped = escapeHtml(text);
        expect(escaped).not.toMatch(/[<>"']/);
        const restored = escaped.replace(
          /&lt;|&gt;|&quot;|&#39;|&amp;/g,
          (entity) => ({ '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' })[entity] ?? entity,
        );
        expect(restored).toBe(text);
      }),
    );
  });
});

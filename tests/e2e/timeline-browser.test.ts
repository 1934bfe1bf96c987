import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTimeline } from '../../cli/timeline/render-timeline';
import type { LedgerRecord } from '../../shared/src/ledger/ledger-record';
import { launchChromium } from '../support/chromium';
import { sampleLedgerRecord, sampleSchedule } from '../support/ledger-record-fixtures';
import { SAMPLE_AUTH_KEY } from '../support/plan-fixtures';

const NOW = new Date('2031-03-06T12:00:00Z');
const HOSTILE_NAME = `<img src=x onerror="window.pwned=1"></template><script>window.pwned=2</script>`;
const ITEM_SECRET = '1893456000-0-0-itemnamesecret77';

/**
 * Two studios: in studio-news, slot "main" plays a finite group until a loop takes over at 11:00, and slot "extra"
 * starts a finite group at 14:00, while that loop plays (an overlap); studio-kids has a hostile name and a cancelled loop.
 */
function studioRecords(): LedgerRecord[] {
  return [
    sampleLedgerRecord({
      ProgramId: 'news-morning',
      CasterId: 'studio-news',
      Slot: 'main',
      StartTime: '2031-03-06T08:00:00Z',
      RepeatNum: 2,
    }),
    sampleLedgerRecord({ ProgramId: 'news-day', CasterId: 'studio-news', Slot: 'main', StartTime: '2031-03-06T11:00:00Z', RepeatNum: -1 }),
    sampleLedgerRecord({
      ProgramId: 'news-extra',
      CasterId: 'studio-news',
      Slot: 'extra',
      StartTime: '2031-03-06T14:00:00Z',
      RepeatNum: 1,
    }),
    sampleLedgerRecord({
      ProgramId: 'kids-hostile',
      CasterId: 'studio-kids',
      Slot: 'afternoon',
      StartTime: '2031-03-06T13:00:00Z',
      RepeatNum: 0,
      Items: [
        { ItemName: HOSTILE_NAME, VodUrl: `https://cdn.example.com/k.mp4?auth_key=${SAMPLE_AUTH_KEY}` },
        { ItemName: `Cartoons auth_key=${ITEM_SECRET}`, VodUrl: 'https://cdn.example.com/c.flv' },
      ],
    }),
    sampleLedgerRecord({
      ProgramId: 'kids-cancelled',
      CasterId: 'studio-kids',
      StartTime: '2031-03-06T09:00:00Z',
      RepeatNum: -1,
      State: 'cancelled',
      UpdatedAt: '2031-03-06T10:00:00.000Z',
    }),
  ];
}

describe('the timeline page in Chromium', () => {
  // Launched by the first test that needs it, so a missing Chromium fails every test with its error, not a skip.
  let browser: Promise<{ context: BrowserContext; close: () => Promise<void> }> | undefined;
  let folder: string;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'caster-carousel-timeline-'));
  });

  afterAll(async () => {
    if (browser) await (await browser.catch(() => undefined))?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  /**
   * Opens a rendered page from a file and records console errors, page errors and any request it makes. Drawn for
   * UTC unless told otherwise, so what it shows does not depend on the machine's zone.
   */
  async function open(
    records: readonly LedgerRecord[],
    name: string,
    zone: string | undefined = 'UTC',
  ): Promise<{ page: Page; problems: string[]; requests: string[] }> {
    const file = join(folder, `${name}.html`);
    writeFileSync(file, renderTimeline(records, { now: NOW, zone }));
    browser ??= launchChromium();
    const page = await (await browser).context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('html[data-timeline-ready="true"]');
    return { page, problems, requests };
  }

  async function visibleBarsPerStudio(page: Page): Promise<Record<string, string[]>> {
    return page.$$eval('.row', (rows) =>
      Object.fromEntries(
        rows.map((row) => [
          row.querySelector('.row-label')?.firstChild?.textContent ?? '',
          [...row.querySelectorAll('.bar')]
            .filter((bar) => bar.getClientRects().length > 0)
            .map((bar) => bar.getAttribute('data-program-id') ?? ''),
        ]),
      ),
    );
  }

  async function box(page: Page, programId: string) {
    const found = await page.locator(`[data-program-id="${programId}"]`).boundingBox();
    if (!found) throw new Error(`bar ${programId} is not visible`);
    return found;
  }

  it('draws one row per studio with a bar per live group, hiding cancelled ones, with no console error and no request', async () => {
    // Act
    const { page, problems, requests } = await open(studioRecords(), 'studios');
    // Assess
    expect(await visibleBarsPerStudio(page)).toEqual({
      'studio-kids': ['kids-hostile'],
      'studio-news': ['news-morning', 'news-day', 'news-extra'],
    });
    expect(problems).toEqual([]);
    expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
    await page.close();
  });

  it('ends a bar where the next group of its slot starts, runs the loop to the edge with a loop mark, and fades the finite one', async () => {
    const { page } = await open(studioRecords(), 'geometry');
    const morning = await box(page, 'news-morning');
    const day = await box(page, 'news-day');
    const extra = await box(page, 'news-extra');
    const track = await page.locator('.row', { hasText: 'studio-news' }).locator('.track').boundingBox();
    expect(Math.abs(morning.x + morning.width - day.x)).toBeLessThan(1.5);
    expect(day.x + day.width).toBeGreaterThanOrEqual((track?.x ?? 0) + (track?.width ?? 0) - 1);
    expect(await page.locator('[data-program-id="news-day"] .bar-mark').textContent()).toBe('↻');
    expect(await page.locator('[data-program-id="news-extra"] .bar-mark').textContent()).toBe('2×');
    expect(await page.locator('[data-program-id="news-extra"]').getAttribute('data-end-kind')).toBe('unknown');
    expect(extra.width).toBeLessThanOrEqual(160 + 4);
    const nowLine = await page.locator('#now-line').boundingBox();
    const nowX =
      (track?.x ?? 0) + ((Date.parse('2031-03-06T12:00:00Z') - Date.parse('2031-03-06T09:00:00Z')) / 86_400_000) * (track?.width ?? 0);
    expect(Math.abs((nowLine?.x ?? 0) + (nowLine?.width ?? 0) / 2 - nowX)).toBeLessThan(2);
    await page.close();
  });

  it('shows a bar’s details when it is reached with the keyboard (Escape hides, Enter shows again), and another’s on hover', async () => {
    const { page } = await open(studioRecords(), 'details');
    let focused = '';
    for (let presses = 0; presses < 40 && focused !== 'kids-hostile'; presses += 1) {
      await page.keyboard.press('Tab');
      focused = (await page.locator(':focus').getAttribute('data-program-id')) ?? '';
    }
    expect(focused).toBe('kids-hostile');
    const details = page.locator('#details');
    await expect.poll(() => details.isVisible()).toBe(true);
    expect(await details.locator('[data-field="ProgramId"]').textContent()).toBe('kids-hostile');
    expect(await details.locator('[data-field="slot"]').textContent()).toBe('afternoon');
    expect(await details.locator('[data-field="state"]').textContent()).toBe('scheduled');
    expect(await details.locator('[data-field="items"] li').allTextContents()).toEqual([HOSTILE_NAME, 'Cartoons auth_key=<redacted>']);
    await page.keyboard.press('Escape');
    await expect.poll(() => details.isVisible()).toBe(false);
    await page.keyboard.press('Enter');
    await expect.poll(() => details.isVisible()).toBe(true);
    await page.hover('[data-program-id="news-morning"]');
    expect(await details.locator('[data-field="ProgramId"]').textContent()).toBe('news-morning');
    expect(await details.locator('[data-field="state"]').textContent()).toBe('scheduled');
    expect(await details.locator('[data-field="ends"]').textContent()).toContain('2031-03-06 11:00 +00:00, when news-day starts');
    await page.close();
  });

  it('marks the bars of two slots of one studio that air at the same time, and names the other one in each one’s details', async () => {
    // Prepare
    const { page, problems } = await open(studioRecords(), 'overlap');
    // Act
    const overlapping = await page.$$eval('.bar.overlap', (bars) =>
      bars.filter((bar) => bar.getClientRects().length > 0).map((bar) => bar.getAttribute('data-program-id')),
    );
    await page.hover('[data-program-id="news-extra"]');
    const details = page.locator('#details');
    await expect.poll(() => details.isVisible()).toBe(true);
    const extraOverlaps = await details.locator('[data-field="overlaps"]').textContent();
    await page.hover('[data-program-id="news-morning"]');
    await expect.poll(() => details.locator('[data-field="ProgramId"]').textContent()).toBe('news-morning');
    const morningOverlaps = await details.locator('[data-field="overlaps"]').count();
    // Assess: the loop of slot "main" plays from 11:00 on; "extra" starts at 14:00; "news-morning" ended at 11:00.
    expect(overlapping).toEqual(['news-day', 'news-extra']);
    expect(extraOverlaps).toBe('airs together with news-day (other slots of this studio)');
    expect(morningOverlaps).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('keeps every secret out of the DOM and runs no script a record smuggled in', async () => {
    const { page } = await open(studioRecords(), 'secrets');
    await page.focus('[data-program-id="kids-hostile"]');
    const dom = await page.content();
    const text = (await page.locator('body').textContent()) ?? '';
    for (const secret of [SAMPLE_AUTH_KEY, ITEM_SECRET, 'callbacksecret', 'cdn.example.com']) {
      expect(dom).not.toContain(secret);
      expect(text).not.toContain(secret);
    }
    expect(await page.evaluate('typeof window.pwned')).toBe('undefined');
    expect(await page.locator('.details img, .row img').count()).toBe(0);
    await page.close();
  });

  it('shows cancelled groups, distinctly, when asked', async () => {
    const { page } = await open(studioRecords(), 'inactive');
    await page.check('#show-inactive');
    expect((await visibleBarsPerStudio(page))['studio-kids']).toEqual(['kids-cancelled', 'kids-hostile']);
    const cancelled = await box(page, 'kids-cancelled');
    const track = await page.locator('.row', { hasText: 'studio-kids' }).locator('.track').boundingBox();
    // The window opens at 09:00, three hours before now; the cancelled loop was deleted at 10:00, an hour later.
    expect(Math.abs(cancelled.x - (track?.x ?? 0))).toBeLessThan(1.5);
    expect(Math.abs(cancelled.width - (track?.width ?? 0) / 24)).toBeLessThan(1.5);
    expect(
      await page
        .locator('[data-program-id="kids-cancelled"]')
        .evaluate((bar) => bar.ownerDocument.defaultView?.getComputedStyle(bar).borderStyle),
    ).toBe('dashed');
    await page.close();
  });

  it('moves the window with the zoom and pan buttons and keeps the bars on their times', async () => {
    // Prepare
    const { page, problems } = await open(studioRecords(), 'zoom');
    const label = page.locator('#window-label');
    expect(await label.textContent()).toBe('2031-03-06 09:00 to 2031-03-07 09:00 UTC');
    // Act + Assess: a week around the same centre, then half a week earlier, then back to now.
    await page.click('button[data-span-ms="604800000"]');
    expect(await label.textContent()).toBe('2031-03-03 09:00 to 2031-03-10 09:00 UTC');
    await page.click('button[data-action="earlier"]');
    expect(await label.textContent()).toMatch(/^2031-02-27 21:00 to 2031-03-06 21:00 UTC/);
    await page.click('button[data-span-ms="21600000"]');
    await page.click('button[data-action="now"]');
    expect(await label.textContent()).toBe('2031-03-06 11:15 to 2031-03-06 17:15 UTC');
    const day = await box(page, 'news-day');
    const track = await page.locator('.row', { hasText: 'studio-news' }).locator('.track').boundingBox();
    // news-day starts at 11:00, before this window: its bar begins at the window's left edge.
    expect(Math.abs(day.x - (track?.x ?? 0))).toBeLessThan(5);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('stays readable with 1,000 groups: a day’s window, rows that scroll under a fixed axis, no two bars of a lane on top of each other', async () => {
    // Prepare
    const records = sampleSchedule(1000, Date.parse('2031-03-06T00:00:00Z'), 40);
    // Act
    const { page, problems } = await open(records, 'thousand');
    const screenshot = join(folder, 'screens');
    mkdirSync(screenshot, { recursive: true });
    await page.screenshot({ path: join(screenshot, 'timeline-1000.png') });
    // Assess
    expect(problems).toEqual([]);
    expect(statSync(join(screenshot, 'timeline-1000.png')).size).toBeGreaterThan(10_000);
    const overlaps = await page.$$eval('.track', (tracks) => {
      const found: string[] = [];
      for (const track of tracks) {
        const byTop = new Map<number, { left: number; right: number }[]>();
        for (const bar of track.querySelectorAll('.bar')) {
          if (bar.getClientRects().length === 0) continue;
          const rect = bar.getBoundingClientRect();
          byTop.set(rect.top, [...(byTop.get(rect.top) ?? []), rect]);
        }
        for (const rects of byTop.values()) {
          rects.sort((a, b) => a.left - b.left);
          for (let i = 1; i < rects.length; i += 1) {
            const previous = rects[i - 1];
            const current = rects[i];
            if (previous && current && previous.right - current.left > 4.5) found.push(`${previous.right} > ${current.left}`);
          }
        }
      }
      return found;
    });
    expect(overlaps).toEqual([]);
    const visibleBars = await page.$$eval('.bar', (bars) => bars.filter((bar) => bar.getClientRects().length > 0).length);
    expect(visibleBars).toBeGreaterThan(20);
    expect(visibleBars).toBeLessThan(1000);
    expect(await page.$$eval('.row', (rows) => rows.length)).toBe(40);
    const pane = page.locator('#rows');
    expect(await pane.evaluate((rows) => rows.scrollHeight > rows.clientHeight)).toBe(true);
    await pane.evaluate((rows) => rows.scrollTo(0, rows.scrollHeight));
    const axisTop = (await page.locator('.axis').boundingBox())?.y ?? -1;
    const paneTop = (await pane.boundingBox())?.y ?? -2;
    expect(Math.abs(axisTop - paneTop)).toBeLessThan(1.5);
    await page.click('button[data-action="fit"]');
    const label = await page.locator('#window-label').textContent();
    expect(label).toMatch(/^2031-03-0\d \d\d:\d\d to 2031-03-\d\d \d\d:\d\d UTC/);
    await page.close();
  });
  it('shows every time in the zone it was drawn for, and in UTC when the switch says so: labels, axis, details', async () => {
    // Prepare
    const { page, problems } = await open(studioRecords(), 'shanghai', 'Asia/Shanghai');
    const label = page.locator('#window-label');
    const ticks = () => page.locator('#axis .tick').allTextContents();

    // Act + Assess: Shanghai first: the day's window from 17:00, ticks on Shanghai's whole 3 hours, details with +08:00.
    expect(await label.textContent()).toBe('2031-03-06 17:00 to 2031-03-07 17:00 Asia/Shanghai (+08:00)');
    expect(await ticks()).toEqual(expect.arrayContaining(['03-07 00:00', '03-07 03:00']));
    for (const tick of await ticks()) expect(tick).toMatch(/ (00|03|06|09|12|15|18|21):00$/);
    await page.hover('[data-program-id="news-morning"]');
    const details = page.locator('#details');
    expect(await details.locator('[data-field="starts"]').textContent()).toBe('2031-03-06 16:00 +08:00');
    expect(await details.locator('[data-field="ends"]').textContent()).toBe('2031-03-06 19:00 +08:00, when news-day starts');
    expect(await page.locator('[data-program-id="news-day"]').getAttribute('aria-label')).toContain('starts 2031-03-06 19:00 +08:00');

    // Act + Assess: UTC
    await page.selectOption('#zone', 'UTC');
    expect(await label.textContent()).toBe('2031-03-06 09:00 to 2031-03-07 09:00 UTC');
    await page.hover('[data-program-id="kids-hostile"]');
    await page.hover('[data-program-id="news-morning"]');
    expect(await details.locator('[data-field="starts"]').textContent()).toBe('2031-03-06 08:00 +00:00');
    expect(await page.locator('.summary time').first().textContent()).toBe('2031-03-06 12:00 +00:00');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('opens in the viewer’s own zone when drawn for none', async () => {
    // Prepare: a viewer in New York.
    const viewer = await launchChromium({ width: 1400, height: 900 }, { timezoneId: 'America/New_York' });
    try {
      const file = join(folder, 'viewer.html');
      writeFileSync(file, renderTimeline(studioRecords(), { now: NOW }));
      const page = await viewer.context.newPage();

      // Act
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('html[data-timeline-ready="true"]');

      // Assess
      expect(await page.locator('#zone').inputValue()).toBe('local');
      expect(await page.locator('#window-label').textContent()).toBe('2031-03-06 04:00 to 2031-03-07 04:00 America/New_York (-05:00)');
      await page.close();
    } finally {
      await viewer.close();
    }
  });
});

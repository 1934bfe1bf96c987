/**
 * The timeline page lists the timer ticks that failed, as the built timer function recorded them in the ledger and the
 * built CLI drew them (`caster-carousel timeline --out`), looked at in Debian's Chromium.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_STUDIO } from '../../emulator/index';
import { type FcFunctionHost, startFcFunction } from '../../local/fc-host';
import { launchChromium } from '../support/chromium';
import { TEST_STS_CREDENTIALS, timerEventBuffer } from '../support/fc-events';
import { ensureBuilt, layOutBuiltFunction } from '../support/fc-layout';
import { type FcTestbed, startFcTestbed } from '../support/fc-testbed';
import { SAMPLE_AUTH_KEY, samplePlan } from '../support/plan-fixtures';
import { runBuiltCli } from '../support/run-built-cli';

const HOSTILE_NAME = `<img src=x onerror="window.pwned=1">`;
const OTHER_STUDIO = 'LIVEPRODUCER_POST-cn-nosuch0001';

/** A tick's time to the second, as FC writes it. */
function isoSecond(offsetSeconds = 0): string {
  return new Date(Math.floor(Date.now() / 1000 + offsetSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

describe('the timeline page lists the failed triggers', () => {
  let folder: string;
  let testbed: FcTestbed;
  let timer: FcFunctionHost;
  let browser: { context: BrowserContext; close: () => Promise<void> } | undefined;
  let page: Page;
  let html: string;
  const problems: string[] = [];
  const requests: string[] = [];
  const triggerTime = isoSecond(-60);

  beforeAll(async () => {
    ensureBuilt();
    folder = mkdtempSync(join(tmpdir(), 'failed-triggers-timeline-'));
    testbed = await startFcTestbed();
    const ledgerFile = join(folder, 'ledger.json');
    timer = startFcFunction({
      name: 'caster-carousel-timer',
      ...layOutBuiltFunction(folder, 'timer'),
      env: { ...testbed.env, LEDGER_FILE: ledgerFile },
      credentials: TEST_STS_CREDENTIALS,
      timeoutSeconds: 60,
      onOutput: () => undefined,
    });
    const payload = (overrides: Record<string, unknown>) =>
      JSON.stringify(samplePlan({ StartTime: undefined, StartOffset: 'PT30M', RepeatNum: -1, ...overrides }));
    const fire = (triggerName: string, text: string) => timer.invoke(timerEventBuffer({ triggerName, triggerTime, payload: text }));
    // A tick that schedules, a tick refused by validation (FC delivered it twice), one the API refused, one with a hostile name.
    await fire('nightly', payload({}));
    for (let delivery = 0; delivery < 2; delivery += 1)
      await fire('empty-lineup', JSON.stringify({ StartOffset: 'PT30M', RepeatNum: -1, Items: [] }));
    await fire('lost-studio', payload({ CasterId: OTHER_STUDIO }));
    await fire(HOSTILE_NAME, payload({ RepeatNum: 'forever' }));
    const out = join(folder, 'timeline.html');
    const drawn = await runBuiltCli(['timeline', '--out', out, '--tz', 'Asia/Shanghai'], {
      ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_CREDENTIALS.accessKeySecret,
      LIVE_ENDPOINT: testbed.emulator.url,
      CASTER_ID: DEMO_STUDIO.CasterId,
      LEDGER_FILE: ledgerFile,
    });
    if (drawn.exitCode !== 0) throw new Error(`timeline failed: ${drawn.stderr}`);
    html = await readFile(out, 'utf8');
    browser = await launchChromium(undefined, { timezoneId: 'Europe/Berlin' });
    page = await browser.context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(out).href);
    await page.waitForSelector('html[data-timeline-ready="true"]');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await timer?.close();
    await testbed?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  /** The failures table as a person reads it: one object per row, by column heading. */
  const failureRows = (): Promise<Record<string, string>[]> =>
    page.$$eval('#failures table', (tables) => {
      const table = tables[0];
      if (!table) return [];
      const headings = [...table.querySelectorAll('thead th')].map((cell) => cell.textContent ?? '');
      return [...table.querySelectorAll('tbody tr')].map((row) =>
        Object.fromEntries([...row.querySelectorAll('td')].map((cell, column) => [headings[column] ?? '', cell.textContent ?? ''])),
      );
    });

  it('shows each failed tick with its reason, its attempts and the KEY replay takes, the most recent first, and no group for them', async () => {
    // Act
    const rows = await failureRows();
    const summary = await page.locator('#failures summary').textContent();

    // Assess
    expect(await page.locator('#failures').isVisible()).toBe(true);
    expect(summary).toContain('3 failed triggers');
    expect(rows).toHaveLength(3);
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          trigger: expect.stringMatching(/^timer empty-lineup at \d{4}-\d{2}-\d{2} \d{2}:\d{2} \+08:00$/),
          studio: DEMO_STUDIO.CasterId,
          error: 'InvalidPlan',
          reason: 'Items: must have at least 1 item',
          attempts: '2',
          KEY: `timer:empty-lineup@${triggerTime}`,
        }),
        expect.objectContaining({
          studio: OTHER_STUDIO,
          error: 'LiveApiError InvalidCaster.NotFound',
          reason: expect.stringMatching(
            /^The Live API answered DescribeCasterConfig with InvalidCaster\.NotFound \(RequestId [0-9A-F-]+\)$/,
          ),
          attempts: '1',
          KEY: `timer:lost-studio@${triggerTime}`,
        }),
        expect.objectContaining({ trigger: expect.stringContaining(HOSTILE_NAME), error: 'InvalidPlan', attempts: '1' }),
      ]),
    );
    expect(rows[0]?.['KEY']).toBe(`timer:${HOSTILE_NAME}@${triggerTime}`);
    expect(await page.locator('.bar[data-state="scheduled"]').count()).toBe(1);
    expect(problems).toEqual([]);
    expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
  });

  it('shows the failure times in the zone the page is switched to', async () => {
    // Act
    await page.selectOption('#zone', 'UTC');
    const inUtc = await failureRows();
    await page.selectOption('#zone', 'Asia/Shanghai');

    // Assess
    const tick = inUtc.find((row) => row['KEY'] === `timer:empty-lineup@${triggerTime}`);
    expect(tick?.['trigger']).toBe(`timer empty-lineup at ${triggerTime.slice(0, 10)} ${triggerTime.slice(11, 16)} +00:00`);
    expect(tick?.['last failed']).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} \+00:00$/);
  });

  it('keeps the inputs’ secrets out of the page and runs no script a trigger name smuggled in', async () => {
    // Act
    const text = (await page.locator('body').textContent()) ?? '';

    // Assess
    expect(html).not.toContain(SAMPLE_AUTH_KEY);
    expect(text).not.toContain(SAMPLE_AUTH_KEY);
    expect(html).not.toContain(HOSTILE_NAME);
    expect(await page.evaluate('typeof window.pwned')).toBe('undefined');
  });
});

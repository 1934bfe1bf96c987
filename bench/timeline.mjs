// How long the timeline page takes to show its bars in headless Chromium: from `page.setContent` with the whole
// page to the frame after the page's script has laid the bars out (two animation frames after its ready mark, so
// the bars are painted). Rows: an empty ledger (the baseline: the page's fixed cost), 10 groups, 1,000 groups, the
// sizes interleaved run by run in one browser, each run in a fresh tab. Also the HTML size and the time the
// renderer takes in Node to write the page.
//
// Run `node bench/timeline.mjs [--runs N]` (default 9). Needs Chromium (`apt-get install chromium`).
import { performance } from 'node:perf_hooks';
import { fixed, kib, numberArgument, printHeader, printTable, summarize } from './lib/report.mjs';
import { launchChromium, loadTimelineKit } from './lib/timeline-kit.mjs';

const RUNS = numberArgument('--runs', 9);
const SIZES = [
  ['empty ledger (baseline)', 0],
  ['10 groups', 10],
  ['1,000 groups', 1000],
];
const NOW = new Date('2031-03-06T12:00:00Z');
const FIRST_START_MS = Date.parse('2031-03-06T00:00:00Z');
const RENDER_REPEATS = 20;

printHeader('Timeline page: from setContent to the bars painted, in headless Chromium', import.meta.url);
const { renderTimeline, sampleSchedule } = await loadTimelineKit();
const pages = SIZES.map(([label, count]) => {
  const records = sampleSchedule(count, FIRST_START_MS, Math.max(1, Math.ceil(count / 25)));
  const renderMs = [];
  let html = '';
  for (let repeat = 0; repeat < RENDER_REPEATS; repeat += 1) {
    const started = performance.now();
    html = renderTimeline(records, { now: NOW });
    renderMs.push(performance.now() - started);
  }
  return { label, count, html, renderMs, paintMs: [], barsDrawn: 0 };
});

const browser = await launchChromium();
try {
  // One discarded round warms the browser's caches and the script compiler the same way for every size.
  for (let run = -1; run < RUNS; run += 1) {
    for (const entry of pages) {
      const page = await browser.context.newPage();
      const started = performance.now();
      await page.setContent(entry.html, { waitUntil: 'load' });
      await page.waitForSelector('html[data-timeline-ready="true"]', { state: 'attached' });
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      const elapsedMs = performance.now() - started;
      if (run >= 0) entry.paintMs.push(elapsedMs);
      entry.barsDrawn = await page.$$eval('.bar', (bars) => bars.filter((bar) => bar.getClientRects().length > 0).length);
      await page.close();
    }
  }
} finally {
  await browser.close();
}

const baseline = summarize(pages[0].paintMs).median;
printTable(
  [
    'page',
    'groups',
    'bars in the opening window',
    'HTML KiB',
    'render in Node ms',
    'setContent to painted ms (median)',
    'min',
    'max',
    'over baseline ms',
  ],
  pages.map((entry) => {
    const paint = summarize(entry.paintMs);
    return [
      entry.label,
      entry.count,
      entry.barsDrawn,
      kib(Buffer.byteLength(entry.html)),
      fixed(summarize(entry.renderMs).median, 2),
      fixed(paint.median),
      fixed(paint.min),
      fixed(paint.max),
      fixed(paint.median - baseline),
    ];
  }),
);
const thousand = summarize(pages[2].paintMs).median;
console.log('');
console.log(
  `${RUNS} runs per row (median, min, max), 1400x900 viewport. Goal for 1,000 groups: at most 1000 ms; measured ${fixed(thousand)} ms: ${thousand <= 1000 ? 'met' : 'NOT met'}.`,
);

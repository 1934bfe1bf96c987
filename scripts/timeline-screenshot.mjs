// Takes docs/timeline.png: the timeline page of a realistic sample schedule (4 studios, 120 groups, the day's
// window, one bar focused to show its details) in headless Chromium. Run `node scripts/timeline-screenshot.mjs [FILE]`.
import { join } from 'node:path';
import { repoRoot } from '../bench/lib/layout.mjs';
import { launchChromium, loadTimelineKit } from '../bench/lib/timeline-kit.mjs';

const outFile = process.argv[2] ?? join(repoRoot, 'docs/timeline.png');
const { renderTimeline, sampleSchedule } = await loadTimelineKit();
const records = sampleSchedule(120, Date.parse('2031-03-06T00:00:00Z'), 4);
const html = renderTimeline(records, { now: new Date('2031-03-06T12:00:00Z'), showInactive: true });
const browser = await launchChromium({ width: 1400, height: 640 });
try {
  const page = await browser.context.newPage();
  await page.setContent(html, { waitUntil: 'load' });
  await page.waitForSelector('html[data-timeline-ready="true"]', { state: 'attached' });
  const bar = page.locator('.bar.end-ended:visible').nth(6);
  await bar.focus();
  await page.screenshot({ path: outFile });
  console.log(`Wrote ${outFile}`);
} finally {
  await browser.close();
}

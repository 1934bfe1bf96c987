// What the timeline bench and the screenshot script share: the page renderer and the sample schedule, bundled from
// their TypeScript sources with esbuild (as the build does) into a temporary CommonJS file, and a headless Chromium
// from the system package with a fresh profile. Nothing is downloaded.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { loadFromSource } from './load-source.mjs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** `{ renderTimeline, sampleSchedule, sampleLedgerRecord }` from the sources, bundled for plain Node. */
export function loadTimelineKit() {
  return loadFromSource([
    "export { renderTimeline } from './cli/timeline/render-timeline';",
    "export { sampleLedgerRecord, sampleSchedule } from './tests/support/ledger-record-fixtures';",
  ]);
}

/** A headless Chromium with a fresh profile; `close()` also removes the profile. */
export async function launchChromium(viewport = { width: 1400, height: 900 }) {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'caster-carousel-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

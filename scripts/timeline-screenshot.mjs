// Takes docs/timeline.png from the README's walkthrough: starts the stack as `npm start` does (the built
// dist/local/start.js, on free ports), runs every walkthrough command exactly as the README gives it, then opens the
// stack's timeline page in headless Chromium (Debian's, through playwright-core), shows the week as the README
// says, and shoots it with the special lineup's details open. Run `node scripts/timeline-screenshot.mjs [FILE]`.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../bench/lib/layout.mjs';
import { loadFromSource } from '../bench/lib/load-source.mjs';
import { launchChromium } from '../bench/lib/timeline-kit.mjs';

const outFile = process.argv[2] ?? join(repoRoot, 'docs/timeline.png');
const startScript = join(repoRoot, 'dist/local/start.js');
if (!existsSync(startScript)) execFileSync(process.execPath, [join(repoRoot, 'scripts/build.mjs')], { cwd: repoRoot, stdio: 'inherit' });

const { readWalkthrough, openWalkthroughShell } = await loadFromSource([
  "export { readWalkthrough, openWalkthroughShell } from './tests/support/readme-walkthrough';",
]);
const walkthrough = readWalkthrough(readFileSync(join(repoRoot, 'README.md'), 'utf8'));
const home = mkdtempSync(join(tmpdir(), 'timeline-screenshot-'));

/** The stack, as `npm start` runs it after its build, with the walkthrough's variables; resolves with its address. */
async function startStack() {
  const child = spawn(process.execPath, [startScript], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: home, PORT: '0', EMULATOR_PORT: '0', LOG_LEVEL: 'warn', ...walkthrough.stackEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout.setEncoding('utf8').on('data', (text) => (printed += text));
  child.stderr.setEncoding('utf8').on('data', (text) => (printed += text));
  await new Promise((resolve, reject) => {
    child.stdout.on('data', () => printed.includes('Ctrl-C stops everything') && resolve());
    child.once('exit', (code) => reject(new Error(`the stack exited with ${code}:\n${printed}`)));
  });
  const baseUrl = /POST (http:\/\/127\.0\.0\.1:\d+)\//.exec(printed)?.[1];
  if (!baseUrl) throw new Error(`the stack printed no address:\n${printed}`);
  return { baseUrl, stop: () => child.kill('SIGTERM') };
}

const stack = await startStack();
const shell = openWalkthroughShell(repoRoot, {
  PATH: process.env.PATH ?? '',
  HOME: home,
  PORT: new URL(stack.baseUrl).port,
  npm_config_cache: join(home, 'npm-cache'),
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
});
let browser;
try {
  for (const command of walkthrough.commands) {
    const run = await shell.run(command);
    console.log(`exit ${run.exitCode}  ${command}`);
  }
  browser = await launchChromium({ width: 1400, height: 640 });
  const page = await browser.context.newPage();
  await page.goto(`${stack.baseUrl}/_local/timeline`);
  await page.waitForSelector('html[data-timeline-ready="true"]', { state: 'attached' });
  // As the README says: the week; the cancelled loop shown too, and the special lineup's details open.
  await page.click('button[data-span-ms="604800000"]');
  await page.check('#show-inactive');
  const special = await page.$$eval('.bar', (bars) =>
    bars
      .map((bar) => bar.getAttribute('data-program-id'))
      .find((id, index, ids) => ids.indexOf(id) === index && id && bars[index]?.textContent?.includes('Special')),
  );
  if (special) await page.locator(`[data-program-id="${special}"]`).focus();
  await page.screenshot({ path: outFile });
  console.log(`Wrote ${outFile}`);
} finally {
  await browser?.close();
  shell.close();
  stack.stop();
  rmSync(home, { recursive: true, force: true });
}

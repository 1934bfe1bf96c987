import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalHost, startLocalHost } from '../support/local-host';
import {
  openWalkthroughShell,
  readWalkthrough,
  type StepRun,
  type Walkthrough,
  type WalkthroughShell,
} from '../support/readme-walkthrough';

const root = fileURLToPath(new URL('../../', import.meta.url));
const STUDIO_1 = 'LIVEPRODUCER_POST-cn-demo00001';
const STUDIO_2 = 'LIVEPRODUCER_POST-cn-demo00002';
const LOCAL_TIME = String.raw`\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})? \+08:00`;

/** Tomorrow's date on Shanghai time, as the walkthrough's `--start "tomorrow 20:00"` reads it. */
function tomorrowInShanghai(): string {
  const shanghai = new Date(Date.now() + 8 * 3_600_000);
  shanghai.setUTCDate(shanghai.getUTCDate() + 1);
  return shanghai.toISOString().slice(0, 10);
}

/** The table rows of `ls` output (the header and the count line left out). */
function rowsOf(run: StepRun): string[] {
  return run.stdout.split('\n').filter((line) => /^(scheduled|cancelled|retired|replaced|intent|failed|missing)\b/.test(line));
}

describe('the README walkthrough, run as written against npm start', () => {
  let readme: string;
  let walkthrough: Walkthrough;
  let host: LocalHost;
  let shell: WalkthroughShell;
  let folder: string;

  beforeAll(async () => {
    readme = await readFile(join(root, 'README.md'), 'utf8');
    walkthrough = readWalkthrough(readme);
    folder = await mkdtemp(join(tmpdir(), 'readme-walkthrough-'));
    host = await startLocalHost({ ...walkthrough.stackEnv, HOME: folder, LOG_LEVEL: 'info' });
    // A second terminal: the repository as working directory, an empty home and npm cache, the stack's port in PORT.
    shell = openWalkthroughShell(root, {
      PATH: process.env['PATH'] ?? '',
      HOME: folder,
      PORT: new URL(host.baseUrl).port,
      npm_config_cache: join(folder, 'npm-cache'),
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    });
  }, 60_000);

  afterAll(async () => {
    shell?.close();
    await host?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('does what the README says at each step: two studios, tomorrow’s lineup replaced, one studio cancelled, a failed tick listed by ls --failed', async () => {
    // Prepare
    expect(walkthrough.stackCommand).toBe(
      'TIMELINE_TZ=Asia/Shanghai ALLOWED_CASTER_IDS=LIVEPRODUCER_POST-cn-demo00001,LIVEPRODUCER_POST-cn-demo00002 npm start',
    );
    const groups = async (): Promise<string[]> =>
      (
        (await (await fetch(`${host.emulatorUrl}/_emulator/episode-groups`)).json()) as { EpisodeGroups: { ProgramId: string }[] }
      ).EpisodeGroups.map((group) => group.ProgramId);
    const runs: StepRun[] = [];
    let pageAfterReplacing = '';

    // Act: every command in order; the timeline page is looked at where the README sends the reader to it.
    for (const command of walkthrough.commands) {
      runs.push(await shell.run(command));
      if (command.startsWith('npx caster-carousel ls --caster')) {
        pageAfterReplacing = await (await fetch(`${host.baseUrl}/_local/timeline`)).text();
      }
    }

    // Assess
    const step = (start: string, nth = 0): StepRun => {
      const found = runs.filter((run) => run.command.startsWith(start))[nth];
      if (!found) throw new Error(`the walkthrough has no command starting ${start} (#${nth + 1})`);
      return found;
    };
    // The settings: the stack's emulator, ledger, address and studio, and Shanghai time.
    const exported = await shell.exported();
    expect(exported).toMatchObject({
      LIVE_ENDPOINT: host.emulatorUrl,
      LOCAL_STACK: host.baseUrl,
      CASTER_ID: STUDIO_1,
      TZ: 'Asia/Shanghai',
    });
    expect(exported['LEDGER_FILE']).toMatch(/ledger\.json$/);

    // The nightly loop in each studio: each tick answers with its group, 30 minutes after the tick, in slot nightly.
    const ticks = [0, 1].map((nth) => step('curl -s -X POST "$LOCAL_STACK/_local/timer?name=nightly" --data-binary @', nth));
    const tickResults = ticks.map((run) => {
      expect(run.exitCode, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as {
        triggerTime: string;
        result: { ProgramId: string; State: string; Slot: string; StartTime: string };
      };
    });
    for (const answer of tickResults) {
      expect(answer.result).toMatchObject({ State: 'scheduled', Slot: 'nightly' });
      expect(Date.parse(answer.result.StartTime) - Date.parse(answer.triggerTime)).toBe(30 * 60_000);
    }
    const [loop1, loop2] = tickResults.map((answer) => answer.result.ProgramId) as [string, string];
    const firstLs = step('npx caster-carousel ls', 0);
    expect(firstLs.exitCode, firstLs.stderr).toBe(0);
    const firstRows = rowsOf(firstLs);
    expect(firstRows).toHaveLength(2);
    expect(firstRows.find((row) => row.includes(loop1))).toMatch(
      new RegExp(`^scheduled +${loop1} +nightly +${STUDIO_1} +${LOCAL_TIME} .*timer nightly`),
    );
    expect(firstRows.find((row) => row.includes(loop2))).toMatch(
      new RegExp(`^scheduled +${loop2} +nightly +${STUDIO_2} +${LOCAL_TIME} .*timer nightly`),
    );
    expect(firstLs.stdout).toContain('(2 groups; times in Asia/Shanghai)');

    // Tomorrow's lineup in studio 2: checked (nothing sent), scheduled, answered from the ledger the second time.
    const tomorrow = tomorrowInShanghai();
    const check = step('npx caster-carousel check');
    expect(check.exitCode, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/^Valid: submit would send this plan; nothing was sent\./);
    expect(check.stdout).toContain(`StartTime    ${tomorrow} 20:00 +08:00 (${tomorrow}T12:00:00Z)`);
    const [first, again] = [step('npx caster-carousel submit', 0), step('npx caster-carousel submit', 1)];
    expect(first.exitCode, first.stderr).toBe(0);
    const special = JSON.parse(first.stdout) as { ProgramId: string; State: string; FromLedger?: boolean };
    expect(special).toMatchObject({ State: 'scheduled' });
    expect(special.FromLedger).toBeUndefined();
    expect(first.stderr).toContain(`scheduled ${special.ProgramId} in studio ${STUDIO_2}, slot nightly, from ${tomorrow} 20:00 +08:00`);
    expect(first.stderr).toContain(`takes the air from ${loop2}`);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ProgramId: special.ProgramId, FromLedger: true, State: 'scheduled' });
    expect(again.stderr).toContain(`answered from the ledger, nothing was sent: already scheduled as ${special.ProgramId}`);
    const studio2 = step('npx caster-carousel ls --caster');
    expect(studio2.exitCode, studio2.stderr).toBe(0);
    expect(rowsOf(studio2)).toEqual([
      expect.stringMatching(new RegExp(`^scheduled until ${tomorrow} 20:00 \\+08:00 \\(then ${special.ProgramId}\\) +${loop2} `)),
      expect.stringMatching(new RegExp(`^scheduled +${special.ProgramId} +nightly +${STUDIO_2} +${tomorrow} 20:00 \\+08:00 `)),
    ]);

    // The week: the page draws both studios and opens on Shanghai time.
    expect(pageAfterReplacing).toContain('data-zone="Asia/Shanghai"');
    for (const studio of [STUDIO_1, STUDIO_2]) expect(pageAfterReplacing).toContain(`aria-label="studio ${studio}"`);
    for (const programId of [loop1, loop2, special.ProgramId]) expect(pageAfterReplacing).toContain(`data-program-id="${programId}"`);

    // Studio 1 off air: the slot alone is refused (two studios), the dry run sends nothing, the cancel takes one group.
    const refused = step('npx caster-carousel cancel --slot nightly --dry-run');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('slot nightly has scheduled groups in 2 studios; nothing was cancelled');
    for (const programId of [loop1, loop2, special.ProgramId]) expect(refused.stderr).toContain(programId);
    const preview = step(`npx caster-carousel cancel --slot nightly --caster ${STUDIO_1} --dry-run`);
    expect(preview.exitCode, preview.stderr).toBe(0);
    expect(preview.stdout).toMatch(new RegExp(`^cancel --dry-run: would delete 1 group; nothing was sent\\.\\n.*\\ndelete +${loop1} `));
    const cancelled = step(`npx caster-carousel cancel --slot nightly --caster ${STUDIO_1}`, 1);
    expect(cancelled.exitCode, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`^Cancelled 1 group:\\n.*\\n${loop1} +nightly +${STUDIO_1} `));
    expect((await groups()).sort()).toEqual([loop2, special.ProgramId].sort());
    const everything = rowsOf(step('npx caster-carousel ls --all'));
    expect(everything.find((row) => row.includes(loop1))).toMatch(/^cancelled /);
    expect(everything.filter((row) => row.startsWith('scheduled'))).toHaveLength(2);

    // The failed tick: its answer names the reason and what FC would do; the stack's log has the error line.
    const failedTick = step('curl -s -X POST "$LOCAL_STACK/_local/timer?name=nightly" --data-binary \'');
    const failure = JSON.parse(failedTick.stdout) as { errorMessage: string; note: string };
    expect(failure.errorMessage).toContain('InvalidPlan (Items: must have at least 1 item)');
    expect(failure.note).toBe('On FC this invocation would be retried, then sent to the onFailure destination');
    expect(host.output()).toMatch(
      /"level":"error","message":"invocation failed; FC retries it, then sends it to the onFailure destination".*"Items":\["must have at least 1 item"\]/,
    );
    // ... and the ledger keeps it, beside the groups: ls --failed shows the tick, its reason and its attempt.
    const failedList = step('npx caster-carousel ls --failed');
    expect(failedList.exitCode, failedList.stderr).toBe(0);
    const failedRows = failedList.stdout.split('\n').filter((line) => line.startsWith('timer:'));
    expect(failedRows).toEqual([
      expect.stringMatching(
        new RegExp(
          `^timer:nightly@\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z +InvalidPlan +1 +${LOCAL_TIME} +${STUDIO_1} +Items: must have at least 1 item$`,
        ),
      ),
    ]);
    expect(failedList.stdout).toContain('(1 failed trigger; times in Asia/Shanghai; caster-carousel replay KEY sends one again');
    expect(readme).toContain("<!-- ls-failed: the CLI's view of failed ticks goes here -->");
  }, 180_000);
});

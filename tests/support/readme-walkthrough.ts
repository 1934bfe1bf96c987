/**
 * The README's walkthrough, as commands to run: the shell blocks between `<!-- walkthrough:start -->` and
 * `<!-- walkthrough:end -->`, one command per line, in order. The line that starts the stack (`npm start`, with
 * any variables before it) is returned apart: the caller starts the stack itself and runs the rest against it.
 * Used by the walkthrough's test and by scripts/timeline-screenshot.mjs (bundled), so both run the very text.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Walkthrough {
  /** The command that starts the stack, e.g. `TIMELINE_TZ=Asia/Shanghai npm start`. */
  readonly stackCommand: string;
  /** The variables the stack command sets before `npm start`. */
  readonly stackEnv: Readonly<Record<string, string>>;
  /** Every other command, in the order the README gives them. */
  readonly commands: readonly string[];
}

const START = '<!-- walkthrough:start -->';
const END = '<!-- walkthrough:end -->';
const STACK = /^((?:[A-Z_][A-Z0-9_]*=\S+\s+)*)npm start\s*$/;

/** The walkthrough of a README's text; throws when the markers, the stack command or the commands are missing. */
export function readWalkthrough(readme: string): Walkthrough {
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error(`README.md has no ${START} ... ${END} section`);
  const section = readme.slice(from + START.length, to);
  const lines = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) =>
    (block[1] ?? '')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
  const stackLines = lines.filter((line) => STACK.test(line));
  if (stackLines.length !== 1) throw new Error(`the walkthrough must start the stack once (npm start), found ${stackLines.length}`);
  const stackCommand = stackLines[0] as string;
  const assignments = STACK.exec(stackCommand)?.[1] ?? '';
  const stackEnv = Object.fromEntries(
    assignments
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  return { stackCommand, stackEnv, commands: lines.filter((line) => !STACK.test(line)) };
}

/** What one command did. */
export interface StepRun {
  readonly command: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A bash session across commands: each runs in a fresh bash that starts from the variables the last one left. */
export interface WalkthroughShell {
  run(command: string): Promise<StepRun>;
  /** The variables exported so far (what `eval` and `export` in the walkthrough set). */
  exported(): Promise<Record<string, string>>;
  close(): void;
}

/**
 * A shell in `cwd` with exactly `env` (plus what the commands export), as a second terminal would be. Each command
 * runs as written, through `bash -c`; its exports are saved for the next one.
 */
export function openWalkthroughShell(cwd: string, env: Readonly<Record<string, string>>): WalkthroughShell {
  const folder = mkdtempSync(join(tmpdir(), 'walkthrough-shell-'));
  const state = join(folder, 'exports.sh');
  writeFileSync(state, '');
  const bash = (script: string, command: string): Promise<StepRun> =>
    new Promise((resolve, reject) => {
      const child = spawn('bash', ['-c', script], { cwd, env: { ...env, WALKTHROUGH_STATE: state } });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      child.on('error', reject);
      child.on('close', (code) => resolve({ command, exitCode: code ?? -1, stdout, stderr }));
      child.stdin.end();
    });
  return {
    // The command's own exit code is kept; the exports are saved whatever it was.
    run: (command) => bash(`. "$WALKTHROUGH_STATE"\n${command}\ncode=$?\nexport -p > "$WALKTHROUGH_STATE"\nexit $code`, command),
    exported: async () => {
      const run = await bash('. "$WALKTHROUGH_STATE"\nenv -0', 'env');
      return Object.fromEntries(
        run.stdout
          .split('\0')
          .filter((entry) => entry.includes('='))
          .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
      );
    },
    close: () => rmSync(folder, { recursive: true, force: true }),
  };
}

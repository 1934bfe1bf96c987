/**
 * A vitest `setupFiles` hook that scans what every test file writes for secrets. It wraps (and passes through)
 * `process.stdout.write`, `process.stderr.write` and `console.*` in the test worker, and once the file is done
 * fails it when the captured output holds:
 *
 * - any secret registered with `registerTestSecret()` (tests/support/secret-scan.ts) or listed below, in any
 *   encoding (raw, JSON-escaped, percent-encoded once or twice, form-encoded);
 * - in the project's own JSON log lines (`{"time":...,"level":...}`), an unredacted `auth_key=` value,
 *   `Signature=` value or secret-named field (SecurityToken, AccessKeySecret, Signature, Authorization), which
 *   the logger's redaction must always have replaced. Other text (a test's own debug output, vitest's diffs) is
 *   only checked against registered secrets, so a test that prints its fixtures does not fail for it.
 *
 * Limits: output of child processes (the CLI, local FC hosts) is seen only if the test forwards it to its own
 * stdout; a test that replaces `process.stdout.write` with a mock (e.g. captureLogLines in fc-testbed.ts) hides
 * what it captured from this hook while the mock is in place.
 *
 * Enable it in vitest.config.mts: `setupFiles: ['tests/support/capture-output-setup.ts'],` under `test`.
 */
import { format } from 'node:util';
import { afterAll } from 'vitest';
import { ROTATED_STS_CREDENTIALS, TEST_STS_CREDENTIALS } from './fc-events';
import { describeFindings, findSecrets, findUnredactedSecrets, registeredTestSecrets, type SecretFinding } from './secret-scan';

// The secrets of the shared fixtures: no test output may show them. (DEMO_CREDENTIALS are absent on purpose:
// the emulator's banner prints the documented demo pair.)
const FIXTURE_SECRETS: Record<string, string> = {
  'TEST_STS_CREDENTIALS secret': TEST_STS_CREDENTIALS.accessKeySecret,
  'TEST_STS_CREDENTIALS token': TEST_STS_CREDENTIALS.securityToken,
  'ROTATED_STS_CREDENTIALS secret': ROTATED_STS_CREDENTIALS.accessKeySecret,
  'ROTATED_STS_CREDENTIALS token': ROTATED_STS_CREDENTIALS.securityToken,
};
/** Keep at most this much output per file; a file that writes more is still scanned up to here. */
const MAX_CAPTURED_CHARS = 20_000_000;
const PROJECT_LOG_LINE = /^\{"time":"[^"]+","level":"(?:debug|info|warn|error)"/;

const captured: { source: string; text: string }[] = [];
let capturedChars = 0;

function keep(source: string, text: string): void {
  if (capturedChars >= MAX_CAPTURED_CHARS || text === '') return;
  captured.push({ source, text });
  capturedChars += text.length;
}

function textOf(chunk: unknown): string {
  if (typeof chunk === 'string') return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk).toString('utf8');
  return String(chunk);
}

for (const stream of ['stdout', 'stderr'] as const) {
  const target = process[stream];
  const original = target.write;
  target.write = function capturingWrite(this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    try {
      keep(stream, textOf(chunk));
    } catch {
      // Capturing must never break a test's output.
    }
    return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof target.write;
}

for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  const original = console[method];
  console[method] = function capturingConsole(...args: unknown[]): void {
    try {
      keep(`console.${method}`, format(...args));
    } catch {
      // As above.
    }
    original.apply(console, args);
  };
}

/** Project log lines in the captured text: the lines redaction must have made safe. */
function projectLogLines(text: string): string {
  return text
    .split('\n')
    .filter((line) => PROJECT_LOG_LINE.test(line))
    .join('\n');
}

afterAll(() => {
  const secrets = [...Object.entries(FIXTURE_SECRETS).map(([label, value]) => ({ label, value })), ...registeredTestSecrets()];
  const findings: SecretFinding[] = [];
  for (const { source, text } of captured) {
    findings.push(...findSecrets(text, secrets, source));
    findings.push(...findUnredactedSecrets(projectLogLines(text), `${source} (project log line)`));
  }
  captured.length = 0;
  capturedChars = 0;
  if (findings.length > 0) {
    throw new Error(`secrets in this test file's output (capture-output-setup.ts):\n${describeFindings(findings).slice(0, 20).join('\n')}`);
  }
});

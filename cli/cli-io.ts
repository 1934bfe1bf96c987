import { redact } from '../shared/src/logging/redact';

/** Where a command reads and writes; process streams in the binary, buffers in tests. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Promise<string>;
  readonly env: NodeJS.ProcessEnv;
}

/** Exit codes: 0 done, 1 the API or the network failed, 2 the input or the command line was invalid and nothing was sent. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_INVALID_INPUT = 2;

/** Writes a value as pretty JSON on stdout, secrets redacted. */
export function printJson(io: Pick<CliIo, 'stdout'>, value: unknown): void {
  io.stdout(`${JSON.stringify(redact(value), null, 2)}\n`);
}

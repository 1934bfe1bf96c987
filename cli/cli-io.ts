import { CasterCarouselError, LiveApiError, LiveTransportError, PlanValidationError } from '../shared/src/errors';
import { redact, redactText } from '../shared/src/logging/redact';
import { describeFieldErrors } from '../shared/src/plan/validate-plan';

/** Where a command reads and writes; process streams in the binary, buffers in tests. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Promise<string>;
  readonly env: NodeJS.ProcessEnv;
}

/** Exit codes: 0 done, 1 the API or the network failed, 2 the input was invalid and nothing was sent. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_INVALID_INPUT = 2;

/** Writes a value as pretty JSON on stdout, secrets redacted. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(redact(value), null, 2)}\n`);
}

/** Reports an error on stderr and returns the exit code it deserves. */
export function reportError(io: CliIo, error: unknown): number {
  if (error instanceof PlanValidationError) {
    io.stderr(`Invalid plan, nothing was sent:\n${describeFieldErrors(error.fieldErrors)}\n`);
    return EXIT_INVALID_INPUT;
  }
  if (error instanceof LiveApiError) {
    io.stderr(
      redactText(
        `${error.action} failed (HTTP ${error.httpStatus})\nCode: ${error.code}\nMessage: ${error.message}\nRequestId: ${error.requestId ?? '-'}\n`,
      ),
    );
    return EXIT_FAILURE;
  }
  if (error instanceof LiveTransportError) {
    io.stderr(redactText(`${error.message}\nCode: ${error.code}\n`));
    return EXIT_FAILURE;
  }
  if (error instanceof CasterCarouselError) {
    io.stderr(redactText(`${error.message}\n`));
    return 'code' in error && error.code === 'InvalidConfiguration' ? EXIT_INVALID_INPUT : EXIT_FAILURE;
  }
  io.stderr(redactText(`Unexpected error: ${error instanceof Error ? error.message : String(error)}\n`));
  return EXIT_FAILURE;
}

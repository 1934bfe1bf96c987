import {
  CasterCarouselError,
  ConfigurationError,
  LiveApiError,
  LiveTransportError,
  PlanValidationError,
  ThrottledError,
  UsageError,
} from '../shared/src/errors';
import { DEFAULT_LIVE_ENDPOINT } from '../shared/src/live/live-client';
import { redactText } from '../shared/src/logging/redact';
import { describeFieldErrors } from '../shared/src/plan/validate-plan';
import { type CliIo, EXIT_FAILURE, EXIT_INVALID_INPUT } from './cli-io';
import type { CommandDeclaration } from './framework/command';
import { usageLine } from './framework/help-text';

/** Reports an error as one block on stderr, secrets redacted, and returns the exit code it deserves. */
export function reportError(io: CliIo, error: unknown, command: CommandDeclaration): number {
  const prefix = `caster-carousel ${command.name}`;
  const write = (text: string): void => io.stderr(redactText(text));
  if (error instanceof UsageError) {
    write(`${prefix}: ${error.message}\nUsage: ${usageLine(command)}\nRun "caster-carousel ${command.name} --help" for details.\n`);
    return EXIT_INVALID_INPUT;
  }
  if (error instanceof PlanValidationError) {
    write(`${prefix}: invalid plan, nothing was sent:\n${describeFieldErrors(error.fieldErrors)}\n`);
    return EXIT_INVALID_INPUT;
  }
  if (error instanceof ConfigurationError) {
    write(`${prefix}: ${error.message}\nNothing was sent.\n`);
    return EXIT_INVALID_INPUT;
  }
  if (error instanceof LiveApiError) {
    write(
      block(`${prefix}: ${error.action} failed`, [
        ['Code', error.code],
        ['Message', error.detail],
        ['RequestId', error.requestId ?? '-'],
        ['Endpoint', `${endpointOf(io.env)} (action ${error.action}, HTTP ${error.httpStatus})`],
      ]),
    );
    return EXIT_FAILURE;
  }
  if (error instanceof LiveTransportError) {
    write(
      block(`${prefix}: ${error.action} got no answer`, [
        ['Code', error.code],
        ['Message', error.detail],
        ['RequestId', '-'],
        ['Endpoint', `${endpointOf(io.env)} (action ${error.action})`],
      ]),
    );
    return EXIT_FAILURE;
  }
  if (error instanceof ThrottledError || error instanceof CasterCarouselError) {
    write(block(`${prefix}: ${error.message}`, [['Code', error.code]]));
    return EXIT_FAILURE;
  }
  write(`${prefix}: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT_FAILURE;
}

function block(title: string, rows: readonly (readonly [string, string])[]): string {
  return `${[title, ...rows.map(([label, value]) => `${label}: ${value}`)].join('\n')}\n`;
}

// The client was built from LIVE_ENDPOINT; showing the origin alone keeps any path or query out of the report.
function endpointOf(env: NodeJS.ProcessEnv): string {
  const text = env['LIVE_ENDPOINT']?.trim() || DEFAULT_LIVE_ENDPOINT;
  try {
    return new URL(text).origin;
  } catch {
    return DEFAULT_LIVE_ENDPOINT;
  }
}

import { StudioAccessError } from '../shared/src/authorization/studio-access';
import {
  CasterCarouselError,
  ConfigurationError,
  LiveApiError,
  LiveTransportError,
  PlanValidationError,
  UsageError,
} from '../shared/src/errors';
import { DEFAULT_LIVE_ENDPOINT } from '../shared/src/live/live-client';
import { redactText } from '../shared/src/logging/redact';
import { StartTimeInPastError } from '../shared/src/plan/plan-errors';
import { describeFieldErrors } from '../shared/src/plan/validate-plan';
import { type CliIo, EXIT_FAILURE, EXIT_INVALID_INPUT } from './cli-io';
import type { CommandDeclaration } from './framework/command';
import { usageLine } from './framework/help-text';
import { displayZoneOf, localizeInstants } from './time-zone';

/**
 * Reports an error as one block on stderr, secrets redacted, times in the zone the command shows them in, and
 * returns the exit code it deserves. Each block says once what happened: what was refused and whether anything was sent.
 */
export function reportError(io: CliIo, error: unknown, command: CommandDeclaration, argv: readonly string[] = []): number {
  const prefix = `caster-carousel ${command.name}`;
  // Times in messages from the core are ISO 8601 UTC; a person reads them in their zone, as the command's output.
  const zone = argv.includes('--utc') ? undefined : displayZoneOf(io.env, false);
  const write = (text: string): void => io.stderr(redactText(zone === undefined ? text : localizeInstants(text, zone)));
  const refused = command.refusal ?? 'nothing was sent';
  if (error instanceof UsageError) {
    write(`${prefix}: ${error.message}\nUsage: ${usageLine(command)}\nRun "caster-carousel ${command.name} --help" for details.\n`);
    return EXIT_INVALID_INPUT;
  }
  if (error instanceof PlanValidationError) {
    write(`${prefix}: invalid plan, ${refused}:\n${describeFieldErrors(error.fieldErrors)}\n`);
    return EXIT_INVALID_INPUT;
  }
  if (error instanceof StartTimeInPastError) {
    write(`${prefix}: the plan starts in the past, ${refused}:\n${describeFieldErrors(error.fieldErrors)}\n`);
    return EXIT_INVALID_INPUT;
  }
  if (error instanceof StudioAccessError) {
    write(
      `${prefix}: the plan names a studio or domain this deployment may not schedule for, ${refused}:\n${describeFieldErrors(error.fieldErrors)}\n`,
    );
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
  if (error instanceof CasterCarouselError) {
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

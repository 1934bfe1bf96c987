import type { FieldErrors } from '../../plan/plan';
import { parseIsoDurationSeconds } from './iso-duration';

/** The input with `StartOffset` replaced by the `StartTime` it means, or the field errors that prevent it. */
export type StartOffsetResolution =
  | { readonly ok: true; readonly input: unknown }
  | { readonly ok: false; readonly fieldErrors: FieldErrors; readonly input: unknown };

/** Formats epoch ms as the API's `yyyy-MM-ddTHH:mm:ssZ`, rounded to the nearest whole second. */
export function formatStartTime(epochMs: number): string {
  return new Date(Math.round(epochMs / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Turns a timer payload's `StartOffset` (an ISO 8601 duration after the tick's triggerTime) into `StartTime`.
 * Exactly one of the two must be given. On failure `input` still has a placeholder StartTime, so the rest of
 * the plan can be validated too and every problem is reported at once.
 */
export function resolveStartOffset(input: unknown, triggerTimeMs: number): StartOffsetResolution {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return { ok: true, input };
  const record = input as Record<string, unknown>;
  const hasStartTime = record['StartTime'] !== undefined;
  if (!('StartOffset' in record)) {
    if (hasStartTime) return { ok: true, input };
    return {
      ok: false,
      fieldErrors: { StartTime: ['is required, or give StartOffset (a duration after the trigger time such as PT30M)'] },
      input: withPlaceholder(record),
    };
  }
  const { StartOffset: offset, ...rest } = record;
  if (hasStartTime) {
    return { ok: false, fieldErrors: { StartOffset: ['give either StartTime or StartOffset, not both'] }, input: rest };
  }
  if (typeof offset !== 'string') {
    return {
      ok: false,
      fieldErrors: { StartOffset: ['must be a string holding an ISO 8601 duration such as PT30M'] },
      input: withPlaceholder(rest),
    };
  }
  const duration = parseIsoDurationSeconds(offset);
  if (!duration.ok) return { ok: false, fieldErrors: { StartOffset: [duration.message] }, input: withPlaceholder(rest) };
  return { ok: true, input: { ...rest, StartTime: formatStartTime(triggerTimeMs + duration.seconds * 1000) } };
}

function withPlaceholder(record: Record<string, unknown>): Record<string, unknown> {
  return { ...record, StartTime: '2000-01-01T00:00:00Z' };
}

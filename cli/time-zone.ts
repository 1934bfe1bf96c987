import { UsageError } from '../shared/src/errors';

/**
 * Times as an operator reads them: in the process's time zone (TZ, else the system's) with the offset, e.g.
 * `2031-03-07 03:00 +08:00`, or in UTC on request. The ledger, the plans and every `--json` keep ISO 8601 UTC;
 * only what a person reads is shown in a zone.
 */

/** The IANA name of the zone times are shown in (`UTC` for `--utc`). */
export type DisplayZone = string;

/** True when `name` is a time zone this Node knows (an IANA name such as `Asia/Shanghai`, or `UTC`). */
export function isTimeZone(name: string): boolean {
  if (name.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone a command shows times in: UTC when asked (`--utc`), else TZ when it names a zone, else the zone the
 * process runs in (Node's own reading of TZ and the system's setting).
 */
export function displayZoneOf(env: NodeJS.ProcessEnv, utc: boolean): DisplayZone {
  if (utc) return 'UTC';
  // POSIX allows a leading colon (TZ=:Asia/Shanghai); a path or a POSIX rule is left to Node's own reading.
  const fromTz = env['TZ']?.trim().replace(/^:/, '');
  if (fromTz && isTimeZone(fromTz)) return fromTz;
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: DisplayZone): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

function wallTimeOf(ms: number, zone: DisplayZone): WallTime {
  if (zone === 'UTC') {
    // No zone rules to apply: Date's own UTC fields, without Intl (a listing formats thousands of times).
    const date = new Date(ms);
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
    };
  }
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts['year'] ?? 0,
    month: parts['month'] ?? 1,
    day: parts['day'] ?? 1,
    hour: parts['hour'] ?? 0,
    minute: parts['minute'] ?? 0,
    second: parts['second'] ?? 0,
  };
}

function wallAsUtcMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/** Minutes east of UTC in `zone` at the instant `ms`. */
export function offsetMinutesAt(ms: number, zone: DisplayZone): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return Math.round((wallAsUtcMs(wallTimeOf(whole, zone)) - whole) / 60_000);
}

/** `+08:00`, `-05:30`, `+00:00`. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
}

/**
 * An instant as `2031-03-07 03:00 +08:00` in `zone` (seconds shown only when not zero). Accepts ISO 8601 text
 * or epoch milliseconds; text that is not a time is returned as it is.
 */
export function formatInstant(instant: string | number, zone: DisplayZone): string {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) return String(instant);
  const key = `${zone} ${ms}`;
  const known = formatted.get(key);
  if (known !== undefined) return known;
  const wall = wallTimeOf(ms, zone);
  const seconds = wall.second === 0 ? '' : `:${pad(wall.second)}`;
  // The offset from the same wall time (offsetMinutesAt would read it again).
  const offset = Math.round((wallAsUtcMs(wall) - Math.floor(ms / 1000) * 1000) / 60_000);
  const text = `${wall.year}-${pad(wall.month)}-${pad(wall.day)} ${pad(wall.hour)}:${pad(wall.minute)}${seconds} ${formatOffset(offset)}`;
  if (formatted.size >= FORMATTED_KEPT) formatted.clear();
  formatted.set(key, text);
  return text;
}

// Instants already formatted: a listing shows the same StartTimes again and again (each group's, and as the end of
// the one before it).
const formatted = new Map<string, string>();
const FORMATTED_KEPT = 20_000;

// ISO 8601 UTC instants as this project writes them: StartTime (`...:ssZ`) and CreatedAt (`...:ss.sssZ`).
const UTC_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z\b/g;

/** Text (a message, an error from the core) with every ISO 8601 UTC instant in it shown in `zone` instead. */
export function localizeInstants(text: string, zone: DisplayZone): string {
  return text.replace(UTC_INSTANT, (instant) => formatInstant(instant, zone));
}

const LOCAL_TIME = /^(?:(today|tomorrow)|(\d{4})-(\d{2})-(\d{2}))[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * `--start TIME` as the ISO 8601 a plan carries: an ISO 8601 time with `Z` or an offset is taken as it is;
 * `YYYY-MM-DD HH:MM[:SS]`, `today HH:MM` and `tomorrow HH:MM` are wall times in `zone`. A wall time the zone
 * skips (a daylight-saving gap) is refused rather than moved; one it repeats takes the earlier instant.
 */
export function parseStartOption(text: string, zone: DisplayZone, nowMs: number): string {
  const trimmed = text.trim();
  if (WITH_OFFSET.test(trimmed)) return trimmed;
  const match = LOCAL_TIME.exec(trimmed);
  if (!match) {
    throw new UsageError(
      '--start must be an ISO 8601 time with Z or an offset (2031-03-07T20:00:00+08:00), or a wall time in the display zone: YYYY-MM-DD HH:MM, today HH:MM or tomorrow HH:MM',
    );
  }
  const [, relative, year, month, day, hour, minute, second] = match;
  let date: { year: number; month: number; day: number };
  if (relative) {
    const today = wallTimeOf(nowMs, zone);
    const shifted = new Date(Date.UTC(today.year, today.month - 1, today.day + (relative === 'tomorrow' ? 1 : 0)));
    date = { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
  } else {
    date = { year: Number(year), month: Number(month), day: Number(day) };
  }
  const wall: WallTime = { ...date, hour: Number(hour), minute: Number(minute), second: Number(second ?? '0') };
  const calendar = new Date(wallAsUtcMs(wall));
  if (wall.month < 1 || wall.month > 12 || calendar.getUTCDate() !== wall.day || wall.hour > 23 || wall.minute > 59 || wall.second > 59) {
    throw new UsageError(`--start ${trimmed} is not a real date and time`);
  }
  const ms = instantOfWallTime(wall, zone);
  if (ms === undefined) throw new UsageError(`--start ${trimmed} is not a time that exists in ${zone}`);
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** The earliest instant whose wall time in `zone` is `wall`, or undefined when the zone skips it. */
function instantOfWallTime(wall: WallTime, zone: DisplayZone): number | undefined {
  const asUtc = wallAsUtcMs(wall);
  // The offset is one of those in force within a day of the wall time; try each, earliest instant first.
  const offsets = new Set([
    offsetMinutesAt(asUtc - 86_400_000, zone),
    offsetMinutesAt(asUtc, zone),
    offsetMinutesAt(asUtc + 86_400_000, zone),
  ]);
  const candidates = [...offsets].map((offset) => asUtc - offset * 60_000).sort((a, b) => a - b);
  return candidates.find((ms) => wallAsUtcMs(wallTimeOf(ms, zone)) === asUtc);
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

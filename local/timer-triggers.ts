/**
 * The timer triggers of s.yaml, run on their cron as Function Compute runs them: six fields (seconds first), UTC
 * unless prefixed with `CRON_TZ=Area/City`, `@every <duration>` too, at most once a minute; each tick invokes the
 * trigger's function with FC's timer event `{triggerTime, triggerName, payload}`.
 *
 * FC's cron syntax (`CRON_TZ=`, `@every`, six fields, `?`) is that of Go's robfig/cron, which is assumed to be
 * what reads it (UNCONFIRMED): day of week 0-6 or SUN-SAT with 0 for Sunday, `?` meaning "any", and a day of
 * month and a day of week that are both restricted matching either. The next fire times come from croner.
 */
import { readFileSync } from 'node:fs';
import { Cron } from 'croner';
import { parse } from 'yaml';
import { fcSecondTime } from './fc-shapes';

/** When a trigger fires: the next fire time strictly after a given instant. */
export interface FcCronSchedule {
  /** The expression as written in s.yaml. */
  readonly expression: string;
  /** The zone the fields are read in: CRON_TZ's, else UTC (`@every` has none). */
  readonly timeZone: string;
  /** The first fire time strictly after `after` (whole seconds). */
  nextAfter(after: Date): Date;
}

/** An s.yaml cron expression FC would refuse, or that the local host cannot run. */
export class CronExpressionError extends Error {
  override name = 'CronExpressionError';
}

const MINUTE_MS = 60_000;
const EVERY = /^@every\s+((?:\d+h)?(?:\d+m)?(?:\d+s)?)$/;

/**
 * Reads an FC timer trigger's cronExpression. `anchorMs` is when an `@every` schedule starts counting (FC: when
 * the trigger was created, UNCONFIRMED; locally: when the stack started). Throws CronExpressionError.
 */
export function parseFcCron(expression: string, anchorMs = Date.now()): FcCronSchedule {
  const text = expression.trim();
  const every = EVERY.exec(text);
  if (every) {
    const [, hours, minutes, seconds] = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(every[1] as string) ?? [];
    const intervalMs = ((Number(hours ?? 0) * 60 + Number(minutes ?? 0)) * 60 + Number(seconds ?? 0)) * 1000;
    if (intervalMs < MINUTE_MS) throw new CronExpressionError(`"${expression}": a timer fires at most once a minute (@every 1m or more)`);
    return {
      expression,
      timeZone: 'UTC',
      nextAfter: (after) => new Date(anchorMs + (Math.floor((after.getTime() - anchorMs) / intervalMs) + 1) * intervalMs),
    };
  }
  const zoned = /^CRON_TZ=(\S+)\s+(.*)$/.exec(text);
  const timeZone = zoned ? (zoned[1] as string) : 'UTC';
  const fields = (zoned ? (zoned[2] as string) : text).trim().split(/\s+/);
  if (!isTimeZone(timeZone)) throw new CronExpressionError(`"${expression}": CRON_TZ=${timeZone} is not a time zone (e.g. Asia/Shanghai)`);
  if (fields.length !== 6) {
    throw new CronExpressionError(`"${expression}": six fields are needed (seconds minutes hours day-of-month month day-of-week)`);
  }
  // One second of the minute at most: FC fires a timer at most once a minute.
  if (!/^\d{1,2}$/.test(fields[0] as string) || Number(fields[0]) > 59) {
    throw new CronExpressionError(`"${expression}": the seconds field must be one second (0-59): a timer fires at most once a minute`);
  }
  let cron: Cron;
  try {
    // croner reads `?` as "the time of creation"; FC (robfig/cron) reads it as "any".
    cron = new Cron(fields.map((field) => (field === '?' ? '*' : field)).join(' '), { timezone: timeZone, mode: '6-part' });
  } catch (error) {
    throw new CronExpressionError(`"${expression}": ${(error as Error).message}`);
  }
  return {
    expression,
    timeZone,
    nextAfter(after) {
      const next = cron.nextRun(after);
      if (!next) throw new CronExpressionError(`"${expression}" never fires again`);
      return next;
    },
  };
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** One timer trigger as s.yaml declares it. */
export interface TimerTriggerSpec {
  /** The s.yaml resource whose function it invokes (`timer`). */
  readonly resource: string;
  readonly triggerName: string;
  readonly cronExpression: string;
  /** `enable` in s.yaml: a disabled trigger never fires by itself (POST /_local/timer?trigger= still fires it). */
  readonly enabled: boolean;
  /** The payload string FC sends, verbatim. */
  readonly payload: string;
}

/** Every timer trigger of every fc3 resource of an s.yaml file, in file order. */
export function readTimerTriggers(sYamlPath: string): TimerTriggerSpec[] {
  const file = parse(readFileSync(sYamlPath, 'utf8')) as {
    resources?: Record<string, { props?: { triggers?: { triggerName?: unknown; triggerType?: unknown; triggerConfig?: unknown }[] } }>;
  };
  const triggers: TimerTriggerSpec[] = [];
  for (const [resource, { props }] of Object.entries(file.resources ?? {})) {
    for (const trigger of props?.triggers ?? []) {
      if (trigger.triggerType !== 'timer') continue;
      const config = (trigger.triggerConfig ?? {}) as { cronExpression?: unknown; enable?: unknown; payload?: unknown };
      const where = `${resource}.triggers.${String(trigger.triggerName)}`;
      if (typeof trigger.triggerName !== 'string' || typeof config.cronExpression !== 'string') {
        throw new CronExpressionError(`${where}: a timer trigger needs a triggerName and a cronExpression`);
      }
      if (String(config.payload ?? '').includes('${')) {
        throw new CronExpressionError(`${where}: the payload must be a literal string for the local host to send it`);
      }
      triggers.push({
        resource,
        triggerName: trigger.triggerName,
        cronExpression: config.cronExpression,
        enabled: config.enable === true,
        payload: typeof config.payload === 'string' ? config.payload : '',
      });
    }
  }
  return triggers;
}

/** A fired tick, as GET /_local/timers shows it. */
export interface TickRecord {
  readonly triggerTime: string;
  /** When the host invoked the function (ISO 8601 UTC, ms). */
  readonly firedAt: string;
  /** `running` until the invocation ends; then `ok`, or the error type FC would report. */
  outcome: string;
}

/** A trigger on the local clock. */
export interface TimerStatus {
  readonly resource: string;
  readonly triggerName: string;
  readonly cronExpression: string;
  readonly timeZone: string;
  readonly enabled: boolean;
  /** The next fire time (UTC), for an enabled trigger. */
  readonly next?: string;
  /** The latest ticks, newest last. */
  readonly ticks: readonly TickRecord[];
}

/** The s.yaml timers, each firing on its cron until stopped. */
export interface TimerClock {
  status(): TimerStatus[];
  /** Notes a tick fired by hand (POST /_local/timer?trigger=), so status() shows it too; update its outcome later. */
  record(triggerName: string, tick: TickRecord): void;
  stop(): void;
}

const KEPT_TICKS = 20;
// setTimeout's longest wait; a longer one is taken in steps.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Starts a clock for the enabled triggers: at each fire time it calls `fire` with the trigger and that fire time
 * (FC's triggerTime is the scheduled time, not the moment the invocation starts). A tick still running when the
 * next is due does not hold it up, as on FC.
 */
export function startTimerClock(
  triggers: readonly TimerTriggerSpec[],
  fire: (trigger: TimerTriggerSpec, triggerTime: Date) => Promise<string>,
  startedAtMs = Date.now(),
): TimerClock {
  const entries = triggers.map((trigger) => ({
    trigger,
    schedule: parseFcCron(trigger.cronExpression, startedAtMs),
    next: undefined as Date | undefined,
    timer: undefined as NodeJS.Timeout | undefined,
    ticks: [] as TickRecord[],
  }));
  let stopped = false;
  const keep = (ticks: TickRecord[], tick: TickRecord): void => {
    ticks.push(tick);
    if (ticks.length > KEPT_TICKS) ticks.shift();
  };
  const arm = (entry: (typeof entries)[number], after: Date): void => {
    if (stopped) return;
    const next = entry.schedule.nextAfter(after);
    entry.next = next;
    const wait = (): void => {
      const remaining = next.getTime() - Date.now();
      if (remaining > 0) {
        entry.timer = setTimeout(wait, Math.min(remaining, MAX_TIMEOUT_MS));
        return;
      }
      arm(entry, next);
      const tick: TickRecord = { triggerTime: fcSecondTime(next), firedAt: new Date().toISOString(), outcome: 'running' };
      keep(entry.ticks, tick);
      void fire(entry.trigger, next).then(
        (outcome) => {
          tick.outcome = outcome;
        },
        (error: unknown) => {
          tick.outcome = (error as Error).message;
        },
      );
    };
    wait();
  };
  for (const entry of entries) if (entry.trigger.enabled) arm(entry, new Date(startedAtMs));
  return {
    status: () =>
      entries.map((entry) => ({
        resource: entry.trigger.resource,
        triggerName: entry.trigger.triggerName,
        cronExpression: entry.trigger.cronExpression,
        timeZone: entry.schedule.timeZone,
        enabled: entry.trigger.enabled,
        ...(entry.trigger.enabled && entry.next ? { next: fcSecondTime(entry.next) } : {}),
        ticks: entry.ticks.map((tick) => ({ ...tick })),
      })),
    record(triggerName, tick) {
      const entry = entries.find((candidate) => candidate.trigger.triggerName === triggerName);
      if (entry) keep(entry.ticks, tick);
    },
    stop() {
      stopped = true;
      for (const entry of entries) clearTimeout(entry.timer);
    },
  };
}

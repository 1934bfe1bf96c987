import { redactText } from '../shared/src/logging/redact';
import { type CliIo, printJson } from './cli-io';
import { type FlagDeclaration, flagGiven, type ParsedCommandLine } from './framework/command';
import { type DisplayZone, displayZoneOf, formatInstant, localizeInstants } from './time-zone';

/**
 * One output style for every command that answers with data: human text by default (tables, sentences, times
 * in the local zone with their offset) and `--json` for machines (ISO 8601 UTC, the same shape in every
 * release). Commands declare OUTPUT_FLAGS, read their style with outputStyleOf and answer through emit.
 */

/** `--json`: the answer as JSON, times in ISO 8601 UTC. */
export const JSON_FLAG: FlagDeclaration = {
  name: 'json',
  takes: 'boolean',
  summary: 'print JSON for machines (times in ISO 8601 UTC; secrets redacted)',
};

/** `--utc`: human text with times in UTC instead of the local zone. */
export const UTC_FLAG: FlagDeclaration = {
  name: 'utc',
  takes: 'boolean',
  summary: 'show times in UTC (ISO 8601) instead of the local time zone (TZ, else the system’s)',
};

/** The flags of every command that prints data. */
export const OUTPUT_FLAGS: readonly FlagDeclaration[] = [JSON_FLAG, UTC_FLAG];

/** How one command invocation prints. */
export interface OutputStyle {
  readonly json: boolean;
  /** The zone human text shows times in (`UTC` with --utc). */
  readonly zone: DisplayZone;
  /** --utc: times as ISO 8601 UTC (`2031-03-06T19:00:00Z`), as the ledger and --json keep them. */
  readonly utc: boolean;
  /** An instant (ISO 8601 or epoch ms) as human text shows it, e.g. `2031-03-07 03:00 +08:00`. */
  time(instant: string | number): string;
  /** A message with every ISO 8601 UTC instant in it shown in the zone (for messages from the core). */
  localize(text: string): string;
}

/** The style the command line and the environment ask for (`--json`, `--utc`, TZ). */
export function outputStyleOf(parsed: ParsedCommandLine, env: NodeJS.ProcessEnv): OutputStyle {
  const utc = flagGiven(parsed, 'utc');
  return styleFor(flagGiven(parsed, 'json'), utc ? 'utc' : displayZoneOf(env, false));
}

/** A style for a zone chosen elsewhere (an error report, a test); `utc` for ISO 8601 UTC. */
export function styleFor(json: boolean, zone: DisplayZone | 'utc'): OutputStyle {
  if (zone === 'utc') {
    return { json, zone: 'UTC', utc: true, time: isoSecond, localize: (text) => text };
  }
  return {
    json,
    zone,
    utc: false,
    time: (instant) => formatInstant(instant, zone),
    localize: (text) => localizeInstants(text, zone),
  };
}

// ISO 8601 UTC to the second, as StartTime is written: milliseconds only add noise to a table.
function isoSecond(instant: string | number): string {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 19)}Z` : String(instant);
}

/** What a command answers: the JSON for machines, and the text for people (built only when printed). */
export interface Answer {
  readonly json: unknown;
  readonly text: () => string;
}

/** Prints an answer in the invocation's style on stdout, secrets redacted. */
export function emit(io: Pick<CliIo, 'stdout'>, style: OutputStyle, answer: Answer): void {
  if (style.json) {
    printJson(io, answer.json);
    return;
  }
  const text = answer.text();
  io.stdout(redactText(text.endsWith('\n') ? text : `${text}\n`));
}

/** Rows under a header, as renderTable aligns them. */
export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** A table as aligned text, one line per row, columns two spaces apart; cells are kept on one line without controls. */
export function renderTable(table: Table): string {
  const rows = table.rows.map((row) => row.map(oneLine));
  const widths = table.header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const format = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [format(table.header), ...rows.map(format)].join('\n');
}

/** `1 group`, `2 groups`. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

// Cells come from the ledger and the API (a trigger name, an event id): keep each on one line, without terminal controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/** Text from outside, made safe for one table cell or one line of a message. */
export function oneLine(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '?');
}

/** A value as one shell word, quoted only when it needs to be (for commands a message suggests). */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9_.:/@%+=,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

import { rename, writeFile } from 'node:fs/promises';
import { ConfigurationError, UsageError } from '../../shared/src/errors';
import { type CliIo, EXIT_OK } from '../cli-io';
import { type CommandDeclaration, flagGiven, flagValue, type ParsedCommandLine } from '../framework/command';
import { isTimeZone } from '../time-zone';
import { type LoadLedgerRecords, loadLedgerRecords } from '../timeline/ledger-source';
import { renderTimeline } from '../timeline/render-timeline';

/**
 * The zone the page offers first: --tz, else TIMELINE_TZ, else none (the viewer's own). A name no browser would
 * know is refused here rather than drawn as a page whose times are silently in another zone.
 */
export function timelineZoneOf(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (flag !== undefined) {
    if (!isTimeZone(flag))
      throw new UsageError(`--tz ${JSON.stringify(flag).slice(0, 60)} is not a time zone (an IANA name such as Asia/Shanghai, or UTC)`);
    return flag;
  }
  const fromEnv = env['TIMELINE_TZ']?.trim();
  if (!fromEnv) return undefined;
  if (!isTimeZone(fromEnv)) throw new ConfigurationError('TIMELINE_TZ must be a time zone (an IANA name such as Asia/Shanghai, or UTC)');
  return fromEnv;
}

/**
 * `timeline [--out FILE] [--all] [--tz ZONE]`: the schedule as one self-contained HTML page, on stdout or in FILE. The records
 * come from `loadRecords` (the ledger by default); `now` places the page's now line.
 */
export function createTimelineCommand(
  loadRecords: LoadLedgerRecords = loadLedgerRecords,
  now: () => Date = () => new Date(),
): CommandDeclaration {
  return {
    name: 'timeline',
    summary: 'the schedule as one HTML page: a row per studio, a bar per episode group',
    positionals: { usage: '', min: 0, max: 0 },
    flags: [
      { name: 'out', takes: 'value', valueName: 'FILE', summary: 'write the page to FILE (default: standard output)' },
      {
        name: 'all',
        takes: 'boolean',
        summary:
          'add the archive (groups that ended longer ago than LEDGER_RETENTION_DAYS) and show gone groups from the start (the page can toggle them)',
      },
      {
        name: 'tz',
        takes: 'value',
        valueName: 'ZONE',
        summary:
          'show times in this zone first, e.g. Asia/Shanghai (default: TIMELINE_TZ, else the viewer’s own); the page switches between it, the viewer’s zone and UTC',
      },
    ],
    sendsRequests: false,
    details: 'The page loads nothing from anywhere; open it in any browser. No VOD URL and no secret is written into it.',
    async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
      const outFile = flagValue(parsed, 'out');
      const zone = timelineZoneOf(flagValue(parsed, 'tz'), io.env);
      const { records, incompleteSince, failures } = await loadRecords(io.env, { history: flagGiven(parsed, 'all') });
      const html = renderTimeline(records, { now: now(), showInactive: flagGiven(parsed, 'all'), incompleteSince, zone, failures });
      if (outFile === undefined) {
        io.stdout(html);
        return EXIT_OK;
      }
      // Written beside the target and renamed, so a browser reloading the file never sees half a page.
      const partialFile = `${outFile}.partial`;
      await writeFile(partialFile, html, 'utf8');
      await rename(partialFile, outFile);
      io.stdout(`Wrote the timeline of ${records.length} episode group${records.length === 1 ? '' : 's'} to ${outFile}\n`);
      return EXIT_OK;
    },
  };
}

/** The `timeline` command over the ledger. */
export const timelineCommand = createTimelineCommand();

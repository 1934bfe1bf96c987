import { rename, writeFile } from 'node:fs/promises';
import { type CliIo, EXIT_OK } from '../cli-io';
import { type CommandDeclaration, flagGiven, flagValue, type ParsedCommandLine } from '../framework/command';
import { type LoadLedgerRecords, loadLedgerRecords } from '../timeline/ledger-source';
import { renderTimeline } from '../timeline/render-timeline';

/**
 * `timeline [--out FILE] [--all]`: the schedule as one self-contained HTML page, on stdout or in FILE. The records
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
      { name: 'all', takes: 'boolean', summary: 'show cancelled and retired groups from the start (the page can toggle them)' },
    ],
    sendsRequests: false,
    details: 'The page loads nothing from anywhere; open it in any browser. No VOD URL and no secret is written into it.',
    async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
      const outFile = flagValue(parsed, 'out');
      const { records, incompleteSince } = await loadRecords(io.env);
      const html = renderTimeline(records, { now: now(), showInactive: flagGiven(parsed, 'all'), incompleteSince });
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

import { rename, writeFile } from 'node:fs/promises';
import { UsageError } from '../../shared/src/errors';
import { type CliIo, EXIT_OK } from '../cli-io';
import { type LoadLedgerRecords, loadLedgerRecords } from '../timeline/ledger-source';
import { renderTimeline } from '../timeline/render-timeline';

/** The flags `timeline` accepts. */
export const TIMELINE_USAGE = 'usage: caster-carousel timeline [--out FILE] [--all]';

interface TimelineArgs {
  readonly outFile: string | undefined;
  readonly showInactive: boolean;
}

function parseTimelineArgs(args: readonly string[]): TimelineArgs {
  let outFile: string | undefined;
  let showInactive = false;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    if (arg === '--all') showInactive = true;
    else if (arg === '--out') {
      const value = args[index + 1];
      if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(`--out needs a file name; ${TIMELINE_USAGE}`);
      outFile = value;
      index += 1;
    } else throw new UsageError(`Unknown argument "${arg}" for timeline; ${TIMELINE_USAGE}`);
  }
  return { outFile, showInactive };
}

/**
 * `timeline [--out FILE] [--all]`: the schedule as one self-contained HTML page, on stdout or in FILE.
 * `--all` shows cancelled and retired groups from the start. The records come from `loadRecords`.
 */
export function createTimelineCommand(loadRecords: LoadLedgerRecords = loadLedgerRecords, now: () => Date = () => new Date()) {
  return async function timelineCommand(args: readonly string[], io: CliIo): Promise<number> {
    const options = parseTimelineArgs(args);
    const records = await loadRecords(io.env);
    const html = renderTimeline(records, { now: now(), showInactive: options.showInactive });
    if (options.outFile === undefined) {
      io.stdout(html);
      return EXIT_OK;
    }
    // Written beside the target and renamed, so a browser reloading the file never sees half a page.
    const partialFile = `${options.outFile}.partial`;
    await writeFile(partialFile, html, 'utf8');
    await rename(partialFile, options.outFile);
    io.stdout(`Wrote the timeline of ${records.length} episode group${records.length === 1 ? '' : 's'} to ${options.outFile}\n`);
    return EXIT_OK;
  };
}

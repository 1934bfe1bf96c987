/**
 * What an interrupted command (Ctrl-C) tells its user: whether a request had left, and how to find out what it
 * did. The CLI's Live client reports each request here just before it is sent; the binary's SIGINT handler
 * prints describeInterruption() and exits 130.
 */

/** Exit code of a command stopped by SIGINT (128 + 2), as shells report it. */
export const EXIT_INTERRUPTED = 130;

interface Progress {
  command: string | undefined;
  /** Actions whose request was sent (admitted by the pacer, then written to the wire), in order. */
  sent: string[];
  /** The ClientToken of the last AddCasterEpisodeGroup under way. */
  clientToken: string | undefined;
}

const progress: Progress = { command: undefined, sent: [], clientToken: undefined };

/** Starts the record of one command's requests. */
export function noteCommand(name: string): void {
  progress.command = name;
  progress.sent = [];
  progress.clientToken = undefined;
}

/** An action is about to be called, with these parameters (the ClientToken is kept to name the group). */
export function noteCalling(action: string, params: Readonly<Record<string, string>>): void {
  if (action === 'AddCasterEpisodeGroup') progress.clientToken = params['ClientToken'];
}

/** A request of `action` is being sent now (each attempt counts). */
export function noteSent(action: string): void {
  progress.sent.push(action);
}

/** What an interrupted command says on stderr, one paragraph ending with a newline. */
export function describeInterruption(): string {
  const prefix = `caster-carousel${progress.command ? ` ${progress.command}` : ''}: interrupted`;
  const sent = [...new Set(progress.sent)];
  const writes = sent.filter((action) => action === 'AddCasterEpisodeGroup' || action === 'DeleteCasterEpisodeGroup');
  if (sent.length === 0) return `${prefix} before any request was sent: nothing changed in any studio.\n`;
  if (writes.length === 0) {
    return `${prefix} after only ${sent.join(', ')} (which change${sent.length === 1 ? 's' : ''} nothing) was sent: nothing changed in any studio.\n`;
  }
  if (writes.includes('AddCasterEpisodeGroup')) {
    return [
      `${prefix} after AddCasterEpisodeGroup was sent${progress.clientToken ? ` (ClientToken ${progress.clientToken})` : ''}, before its answer was recorded: the group may exist.`,
      'To find out: `caster-carousel ls` shows what the ledger recorded (an `intent` row is a request whose answer was not recorded),',
      'and `caster-carousel ls --verify` asks the studio. Submitting the same plan again is safe: it carries the same ClientToken,',
      'so the API answers with the same group instead of creating a second one.',
      '',
    ].join('\n');
  }
  return [
    `${prefix} after DeleteCasterEpisodeGroup was sent, before its answer was recorded: the group may be deleted.`,
    'To find out: `caster-carousel ls --all` shows what the ledger recorded (a `cancelling` or `retiring` row is a delete whose',
    'answer was not recorded; gc or the same cancel again finishes it), and `caster-carousel ls --verify` asks the studio.',
    '',
  ].join('\n');
}

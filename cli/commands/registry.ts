import type { CommandDeclaration } from '../framework/command';
import { cancelCommand } from './cancel';
import { checkCommand } from './check';
import { configCommand } from './config';
import { deleteCommand } from './delete';
import { emulatorCommand } from './emulator';
import { gcCommand } from './gc';
import { ledgerCommand } from './ledger';
import { lsCommand } from './ls';
import { replayCommand } from './replay';
import { submitCommand } from './submit';
import { timelineCommand } from './timeline';
import { whoamiCommand } from './whoami';

/** Every command, in the order `caster-carousel --help` lists them. A new command is a file plus one line here. */
export const COMMANDS: readonly CommandDeclaration[] = [
  submitCommand,
  checkCommand,
  lsCommand,
  replayCommand,
  timelineCommand,
  cancelCommand,
  gcCommand,
  ledgerCommand,
  configCommand,
  deleteCommand,
  whoamiCommand,
  emulatorCommand,
];

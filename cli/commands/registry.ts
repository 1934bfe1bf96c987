import type { CommandDeclaration } from '../framework/command';
import { checkCommand } from './check';
import { configCommand } from './config';
import { deleteCommand } from './delete';
import { emulatorCommand } from './emulator';
import { submitCommand } from './submit';
import { whoamiCommand } from './whoami';

/** Every command, in the order `caster-carousel --help` lists them. A new command is a file plus one line here. */
export const COMMANDS: readonly CommandDeclaration[] = [
  submitCommand,
  checkCommand,
  configCommand,
  deleteCommand,
  whoamiCommand,
  emulatorCommand,
];

/**
 * The emulator's own configuration errors (bad casters file, corrupt data file, bad fault spec, bad
 * credentials). They are the caller's mistake, not the emulated API's answer: the CLI turns them into
 * exit code 2, while anything else (a port already in use) exits 1.
 */
export class EmulatorConfigError extends Error {
  override readonly name = 'EmulatorConfigError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

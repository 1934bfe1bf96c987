import type { CliIo } from '../cli-io';
import type { CommandDeclaration, ParsedCommandLine } from '../framework/command';

/** `emulator [...]`: the local Live API emulator, loaded only when this command runs (the build keeps it in a file of its own). */
export const emulatorCommand: CommandDeclaration = {
  name: 'emulator',
  summary: 'run the local Live API emulator (signatures checked, faults on demand)',
  positionals: { usage: '', min: 0, max: 0 },
  flags: [
    { name: 'host', takes: 'value', valueName: 'HOST', summary: 'interface to listen on (default 127.0.0.1)' },
    { name: 'port', takes: 'value', valueName: 'PORT', summary: 'port, 0 for any free one (default 8787)' },
    { name: 'casters', takes: 'value', valueName: 'FILE', summary: 'JSON array of studios in the DescribeCasterConfig shape' },
    { name: 'data', takes: 'value', valueName: 'FILE', summary: 'keep episode groups and ClientToken records in FILE across restarts' },
    { name: 'faults', takes: 'value', valueName: 'SPEC', summary: 'inject faults, e.g. throttle=0.1,error503=0.05,latency=20-200@0.3' },
    { name: 'seed', takes: 'value', valueName: 'N', summary: 'seed for --faults (0..4294967295), so a run can be replayed' },
  ],
  sendsRequests: false,
  details: [
    'Credentials it accepts: ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET [/ ALIBABA_CLOUD_SECURITY_TOKEN],',
    'else the documented demo pair. Runs until Ctrl-C. Fault syntax and inspection: docs/emulator.md.',
  ].join('\n'),
  async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
    const { runEmulatorCommand } = await import('../../emulator/index');
    const args = Object.entries(parsed.flags).flatMap(([name, value]) => (value === true ? [`--${name}`] : [`--${name}`, value]));
    return runEmulatorCommand(args, { stdout: io.stdout, stderr: io.stderr, env: io.env });
  },
};

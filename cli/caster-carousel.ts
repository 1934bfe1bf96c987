import { describeInterruption, EXIT_INTERRUPTED, noteCommand } from './interruption';
import { runCli } from './run-cli';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const argv = process.argv.slice(2);
noteCommand(argv[0]?.startsWith('-') === false ? argv[0] : '');
// Ctrl-C says what had been sent and how to find out what it did; the emulator command stops on its own.
if (argv[0] !== 'emulator') {
  process.once('SIGINT', () => {
    process.stderr.write(describeInterruption());
    process.exit(EXIT_INTERRUPTED);
  });
}

runCli(argv, {
  stdout: (text: string) => void process.stdout.write(text),
  stderr: (text: string) => void process.stderr.write(text),
  readStdin,
  env: process.env,
}).then((exitCode) => {
  process.exitCode = exitCode;
});

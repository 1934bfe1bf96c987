import { runEmulatorCommand } from '../emulator/index';
import { runCli } from './run-cli';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const io = {
  stdout: (text: string) => void process.stdout.write(text),
  stderr: (text: string) => void process.stderr.write(text),
  readStdin,
  env: process.env,
};

runCli(process.argv.slice(2), io, {
  emulator: (args) => runEmulatorCommand([...args], { stdout: io.stdout, stderr: io.stderr, env: io.env }),
}).then((exitCode) => {
  process.exitCode = exitCode;
});

import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../cli/cli-io';
import { COMMANDS } from '../../../cli/commands/registry';
import type { CommandDeclaration } from '../../../cli/framework/command';
import { runCli } from '../../../cli/run-cli';
import { LiveApiError, LiveTransportError, UsageError } from '../../../shared/src/errors';

function bufferIo(env: NodeJS.ProcessEnv = {}): CliIo & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    readStdin: async () => '',
    env,
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

function probeCommand(run: CommandDeclaration['run']): CommandDeclaration & { runs: number } {
  const probe = {
    name: 'probe',
    summary: 'a probe',
    positionals: { usage: '<thing>', min: 1, max: 1 },
    flags: [{ name: 'fast', takes: 'boolean' as const, summary: 'go fast' }],
    sendsRequests: true,
    runs: 0,
    run: async (...args: Parameters<CommandDeclaration['run']>) => {
      probe.runs += 1;
      return run(...args);
    },
  };
  return probe;
}

describe('caster-carousel --help and <command> --help', () => {
  it('lists every registered command with its summary', async () => {
    // Prepare
    const io = bufferIo();

    // Act
    const exitCode = await runCli(['--help'], io);

    // Assess
    expect(exitCode).toBe(0);
    const listed = io.out().split('\n');
    for (const command of COMMANDS) expect(listed).toContainEqual(expect.stringMatching(new RegExp(`^  ${command.name} +\\S`)));
    for (const command of COMMANDS) expect(listed.some((line) => line.endsWith(`  ${command.summary}`))).toBe(true);
  });

  it.each(COMMANDS.map((command) => [command.name, command] as const))(
    '%s --help prints its usage with every flag and exits 0',
    async (name, command) => {
      // Prepare
      const io = bufferIo();

      // Act
      const exitCode = await runCli([name, '--help'], io);

      // Assess
      expect(exitCode).toBe(0);
      expect(io.out()).toMatch(new RegExp(`^Usage: caster-carousel ${name}`));
      for (const flag of command.flags) expect(io.out()).toContain(`--${flag.name}`);
      if (command.sendsRequests) expect(io.out()).toContain('--profile NAME');
      expect(io.err()).toBe('');
    },
  );

  it('prints help instead of running, even when the other arguments are wrong', async () => {
    // Prepare
    const probe = probeCommand(async () => 0);
    const io = bufferIo();

    // Act
    const exitCode = await runCli(['probe', 'a', 'b', '--nonsense', '-h'], io, [probe]);

    // Assess
    expect(exitCode).toBe(0);
    expect(probe.runs).toBe(0);
    expect(io.out()).toContain('Usage: caster-carousel probe <thing> [--fast] [--profile NAME]');
  });
});

describe('caster-carousel usage mistakes', () => {
  it('exits 2 on an unknown command, listing the commands', async () => {
    // Prepare
    const io = bufferIo();

    // Act
    const exitCode = await runCli(['sumbit', 'plan.json'], io);

    // Assess
    expect(exitCode).toBe(2);
    expect(io.err()).toContain('unknown command "sumbit"');
    expect(io.err()).toContain('Commands:');
  });

  it('exits 2 with the command usage on a parse mistake, and never runs the command', async () => {
    // Prepare
    const probe = probeCommand(async () => 0);
    const io = bufferIo();

    // Act
    const exitCode = await runCli(['probe', 'a', '--fast=1'], io, [probe]);

    // Assess
    expect(exitCode).toBe(2);
    expect(probe.runs).toBe(0);
    expect(io.err()).toBe(
      'caster-carousel probe: --fast takes no value\nUsage: caster-carousel probe <thing> [--fast] [--profile NAME]\nRun "caster-carousel probe --help" for details.\n',
    );
  });

  it('reports a UsageError thrown by a command the same way', async () => {
    // Prepare
    const probe = probeCommand(async () => {
      throw new UsageError('missing CasterId (give it, or set CASTER_ID)');
    });
    const io = bufferIo();

    // Act
    const exitCode = await runCli(['probe', 'a'], io, [probe]);

    // Assess
    expect(exitCode).toBe(2);
    expect(io.err()).toMatch(/^caster-carousel probe: missing CasterId .*\nUsage: caster-carousel probe/);
  });
});

describe('caster-carousel API and network failures', () => {
  it('prints one block: Code, Message, RequestId, endpoint and action, each once, and exits 1', async () => {
    // Prepare
    const probe = probeCommand(async () => {
      throw new LiveApiError({
        action: 'AddCasterEpisodeGroup',
        code: 'InvalidParameter',
        message: 'The StartTime is invalid.',
        requestId: 'ABCDEF0123456789ABCDEF0123456789',
        httpStatus: 400,
        retryable: false,
      });
    });
    const io = bufferIo({ LIVE_ENDPOINT: 'http://127.0.0.1:8787/some/path?x=1' });

    // Act
    const exitCode = await runCli(['probe', 'a'], io, [probe]);

    // Assess
    expect(exitCode).toBe(1);
    expect(io.err()).toBe(
      [
        'caster-carousel probe: AddCasterEpisodeGroup failed',
        'Code: InvalidParameter',
        'Message: The StartTime is invalid.',
        'RequestId: ABCDEF0123456789ABCDEF0123456789',
        'Endpoint: http://127.0.0.1:8787 (action AddCasterEpisodeGroup, HTTP 400)',
        '',
      ].join('\n'),
    );
  });

  it('reports no answer at all as ConnectionFailed with the endpoint, exit 1', async () => {
    // Prepare
    const probe = probeCommand(async () => {
      throw new LiveTransportError('DescribeCasterConfig', 'ConnectionFailed', 'connect ECONNREFUSED 127.0.0.1:9');
    });
    const io = bufferIo({ LIVE_ENDPOINT: 'http://127.0.0.1:9' });

    // Act
    const exitCode = await runCli(['probe', 'a'], io, [probe]);

    // Assess
    expect(exitCode).toBe(1);
    expect(io.err()).toContain('Code: ConnectionFailed\nMessage: connect ECONNREFUSED 127.0.0.1:9\n');
    expect(io.err()).toContain('Endpoint: http://127.0.0.1:9 (action DescribeCasterConfig)');
    expect(io.err().match(/DescribeCasterConfig failed: ConnectionFailed/g)).toBeNull();
  });

  it('redacts auth_key values and signatures inside an API message', async () => {
    // Prepare
    const probe = probeCommand(async () => {
      throw new LiveApiError({
        action: 'AddCasterEpisodeGroup',
        code: 'SignatureDoesNotMatch',
        message:
          'string to sign: POST&%2F&Item.1.VodUrl%3Dhttps%253A%252F%252Fcdn%252Fa.mp4%253Fauth_key%253D1700-0-0-vodsecret99 Signature=abc123',
        httpStatus: 400,
        retryable: false,
      });
    });
    const io = bufferIo();

    // Act
    await runCli(['probe', 'a'], io, [probe]);

    // Assess
    expect(io.err()).not.toContain('vodsecret99');
    expect(io.err()).not.toContain('abc123');
  });
});

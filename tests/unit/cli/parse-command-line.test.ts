import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CommandDeclaration } from '../../../cli/framework/command';
import { asksForHelp, parseCommandLine } from '../../../cli/framework/parse-command-line';
import { UsageError } from '../../../shared/src/errors';

const command: CommandDeclaration = {
  name: 'probe',
  summary: 'a command for parser tests',
  positionals: { usage: '<one> [two]', min: 1, max: 2 },
  flags: [
    { name: 'dry-run', takes: 'boolean', summary: 'a boolean flag' },
    { name: 'port', takes: 'value', valueName: 'PORT', summary: 'a value flag' },
  ],
  sendsRequests: true,
  run: async () => 0,
};

function usageErrorOf(args: string[]): UsageError {
  try {
    parseCommandLine(command, args);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`expected a UsageError for ${JSON.stringify(args)}`);
}

describe('parseCommandLine: what a command receives', () => {
  it('separates positionals, value flags (both spellings), boolean flags and the global --profile', () => {
    // Act
    const parsed = parseCommandLine(command, ['a', '--port', '80', '--dry-run', 'b', '--profile=dev']);

    // Assess
    expect(parsed).toEqual({ positionals: ['a', 'b'], flags: { port: '80', 'dry-run': true, profile: 'dev' } });
  });

  it('reads - as a positional (standard input) and everything after -- as positionals', () => {
    // Act
    const parsed = parseCommandLine(command, ['-', '--', '--port']);

    // Assess
    expect(parsed.positionals).toEqual(['-', '--port']);
    expect(parsed.flags).toEqual({});
  });

  it('keeps a value that starts with a dash when given with =', () => {
    // Act
    const parsed = parseCommandLine(command, ['a', '--port=--1']);

    // Assess
    expect(parsed.flags['port']).toBe('--1');
  });
});

describe('parseCommandLine: usage mistakes are UsageErrors worded for the user', () => {
  it.each([
    [['a', '--colour', 'red'], 'unknown option "--colour"'],
    [['a', '--colour=red'], 'unknown option "--colour"'],
    [['a', '-x'], 'unknown option "-x"'],
    [['a', '--port'], '--port needs a value (PORT)'],
    [['a', '--port', '--dry-run'], '--port needs a value (PORT)'],
    [['a', '--port='], '--port must not be empty'],
    [['a', '--dry-run=yes'], '--dry-run takes no value'],
    [['a', '--dry-run', '--dry-run'], '--dry-run is given twice'],
    [[], 'missing <one> [two]'],
    [['a', 'b', 'c'], 'too many arguments: "c"'],
  ])('%j: %s', (args, message) => {
    // Act
    const error = usageErrorOf(args);

    // Assess
    expect(error.message).toBe(message);
    expect(error.code).toBe('InvalidUsage');
  });

  it('offers no --profile to a command that sends nothing', () => {
    // Act
    const error = (() => {
      try {
        parseCommandLine({ ...command, sendsRequests: false }, ['a', '--profile', 'dev']);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();

    // Assess
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('unknown option "--profile"');
  });

  it('either parses or throws a UsageError, for any command line at all', () => {
    const token = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('--port', '--dry-run', '--profile', '-', '--', '--port=', '-h', '--x=1'),
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), (args) => {
        // Act
        let outcome: unknown;
        try {
          outcome = parseCommandLine(command, args);
        } catch (error) {
          outcome = error;
        }

        // Assess
        if (outcome instanceof Error) expect(outcome).toBeInstanceOf(UsageError);
        else expect((outcome as { positionals: string[] }).positionals.length).toBeGreaterThanOrEqual(1);
      }),
    );
  });

  it('echoes a long or multi-line argument on one short line', () => {
    // Act
    const error = usageErrorOf(['a', `--${'x'.repeat(200)}\nsecond line`]);

    // Assess
    expect(error.message).not.toContain('\n');
    expect(error.message.length).toBeLessThan(90);
  });
});

describe('asksForHelp', () => {
  it.each([
    [['--help'], true],
    [['plan.json', '-h'], true],
    [['--bogus', '--help'], true],
    [['--', '--help'], false],
    [['plan.json'], false],
  ])('%j -> %s', (args, expected) => {
    // Act
    const asked = asksForHelp(args);

    // Assess
    expect(asked).toBe(expected);
  });
});

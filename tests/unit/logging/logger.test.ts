import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../shared/src/errors';
import { createLogger, parseLogLevel, silentLogger } from '../../../shared/src/logging/logger';
import { REDACTED } from '../../../shared/src/logging/redact';

const FIXED_TIME = new Date('2031-03-06T19:00:00.000Z');

function capture(level?: 'debug' | 'info' | 'warn' | 'error') {
  const lines: string[] = [];
  const logger = createLogger({ ...(level ? { level } : {}), write: (line) => lines.push(line), now: () => FIXED_TIME });
  return { logger, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes one JSON object per line with time, level, message and fields', () => {
    // Prepare
    const { logger, parsed } = capture();

    // Act
    logger.info('episode group scheduled', { ProgramId: 'P-1', items: 2 });

    // Assess
    expect(parsed()).toEqual([
      { time: '2031-03-06T19:00:00.000Z', level: 'info', message: 'episode group scheduled', ProgramId: 'P-1', items: 2 },
    ]);
  });

  it('drops lines below the chosen level (info by default)', () => {
    // Prepare
    const { logger, parsed } = capture();

    // Act
    logger.debug('noise');
    logger.info('kept');
    logger.warn('kept too');

    // Assess
    expect(parsed().map((line) => line['message'])).toEqual(['kept', 'kept too']);
  });

  it("adds a child logger's fields to each of its lines without changing the parent", () => {
    // Prepare
    const { logger, parsed } = capture('debug');
    const child = logger.child({ caster: 'c-1', ClientToken: 'cc1-x' });

    // Act
    child.error('failed', { attempt: 2 });
    logger.info('parent');

    // Assess
    expect(parsed()).toEqual([
      { time: FIXED_TIME.toISOString(), level: 'error', message: 'failed', caster: 'c-1', ClientToken: 'cc1-x', attempt: 2 },
      { time: FIXED_TIME.toISOString(), level: 'info', message: 'parent' },
    ]);
  });

  it('redacts every line before writing it', () => {
    // Prepare
    const { logger, lines } = capture();

    // Act
    logger.info('signed', { SecurityToken: 'tok-123456', url: 'http://x/?auth_key=1-0-0-ff' });

    // Assess
    expect(lines[0]).not.toContain('tok-123456');
    expect(lines[0]).not.toContain('1-0-0-ff');
    expect(JSON.parse(lines[0]!)).toMatchObject({ SecurityToken: REDACTED, url: `http://x/?auth_key=${REDACTED}` });
  });

  it('silentLogger accepts every call and writes nothing', () => {
    // Prepare
    const logger = silentLogger.child({ any: 'thing' });

    // Act
    const results = [logger.debug('a'), logger.info('b'), logger.warn('c'), logger.error('d')];

    // Assess
    expect(results).toEqual([undefined, undefined, undefined, undefined]);
    expect(logger).toBe(silentLogger);
  });
});

describe('parseLogLevel', () => {
  it.each([
    ['debug', 'debug'],
    ['WARN', 'warn'],
    ['Error', 'error'],
    [undefined, 'info'],
    ['', 'info'],
  ])('reads %s as %s', (text, expected) => {
    // Prepare
    const input = text;

    // Act
    const level = parseLogLevel(input);

    // Assess
    expect(level).toBe(expected);
  });
});

describe('parseLogLevel on a value that is no level', () => {
  it.each(['verbose', 'loud', 'warning', '0'])('rejects LOG_LEVEL=%s with a ConfigurationError naming the variable', (text) => {
    // Act
    const parse = () => parseLogLevel(text);

    // Assess
    expect(parse).toThrow(ConfigurationError);
    expect(parse).toThrow(/^LOG_LEVEL must be one of debug, info, warn, error/);
  });
});

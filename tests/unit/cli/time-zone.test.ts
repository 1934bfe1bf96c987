import { describe, expect, it } from 'vitest';
import { renderTable, styleFor } from '../../../cli/output';
import { displayZoneOf, formatInstant, localizeInstants, parseStartOption } from '../../../cli/time-zone';
import { UsageError } from '../../../shared/src/errors';

describe('times as the CLI shows them', () => {
  it('shows an instant in the zone with its offset, seconds only when there are any', () => {
    // Assess
    expect(formatInstant('2031-03-06T19:00:00Z', 'Asia/Shanghai')).toBe('2031-03-07 03:00 +08:00');
    expect(formatInstant('2026-12-07T01:30:28.123Z', 'Asia/Shanghai')).toBe('2026-12-07 09:30:28 +08:00');
    expect(formatInstant('2031-03-06T19:00:00Z', 'UTC')).toBe('2031-03-06 19:00 +00:00');
    expect(formatInstant('2031-01-15T12:00:00Z', 'America/New_York')).toBe('2031-01-15 07:00 -05:00');
    expect(formatInstant('2031-07-15T12:00:00Z', 'America/New_York')).toBe('2031-07-15 08:00 -04:00');
    expect(formatInstant('2031-03-06T19:00:00Z', 'Asia/Kolkata')).toBe('2031-03-07 00:30 +05:30');
    expect(formatInstant('not a time', 'Asia/Shanghai')).toBe('not a time');
  });

  it('takes the zone from TZ, falls back to the process’s zone for a TZ that names none, and uses UTC for --utc', () => {
    // Prepare
    const processZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

    // Assess
    expect(displayZoneOf({ TZ: 'Asia/Shanghai' }, false)).toBe('Asia/Shanghai');
    expect(displayZoneOf({ TZ: ':Asia/Shanghai' }, false)).toBe('Asia/Shanghai');
    expect(displayZoneOf({ TZ: 'Not/AZone' }, false)).toBe(processZone);
    expect(displayZoneOf({}, false)).toBe(processZone);
    expect(displayZoneOf({ TZ: 'Asia/Shanghai' }, true)).toBe('UTC');
  });

  it('rewrites the ISO 8601 UTC instants of a message from the core, and --utc shows ISO 8601 UTC as the ledger keeps it', () => {
    // Assess
    expect(localizeInstants('expires at 2031-03-06T18:30:00Z, before StartTime; lost at 2031-03-06T10:00:00.000Z', 'Asia/Shanghai')).toBe(
      'expires at 2031-03-07 02:30 +08:00, before StartTime; lost at 2031-03-06 18:00 +08:00',
    );
    expect(styleFor(false, 'utc').time('2031-03-06T19:00:00.000Z')).toBe('2031-03-06T19:00:00Z');
    expect(styleFor(false, 'utc').localize('at 2031-03-06T19:00:00Z')).toBe('at 2031-03-06T19:00:00Z');
  });
});

describe('--start', () => {
  const NOW = Date.parse('2031-03-06T17:30:00Z'); // 01:30 on 7 March in Shanghai, still 6 March in UTC

  it('reads today and tomorrow in the display zone, not in UTC', () => {
    // Assess
    expect(parseStartOption('tomorrow 20:00', 'Asia/Shanghai', NOW)).toBe('2031-03-08T12:00:00Z');
    expect(parseStartOption('today 20:00', 'Asia/Shanghai', NOW)).toBe('2031-03-07T12:00:00Z');
    expect(parseStartOption('today 20:00', 'UTC', NOW)).toBe('2031-03-06T20:00:00Z');
  });

  it('reads a date and time in the display zone, and takes an ISO 8601 time with Z or an offset as it is', () => {
    // Assess
    expect(parseStartOption('2031-03-07 20:00', 'Asia/Shanghai', NOW)).toBe('2031-03-07T12:00:00Z');
    expect(parseStartOption('2031-03-07T20:00:30', 'Asia/Shanghai', NOW)).toBe('2031-03-07T12:00:30Z');
    expect(parseStartOption('2031-03-07T20:00:00+08:00', 'America/New_York', NOW)).toBe('2031-03-07T20:00:00+08:00');
  });

  it('refuses a wall time a daylight-saving change skips, and takes the earlier of one it repeats', () => {
    // Assess: in New York, 02:30 on 9 March 2031 does not exist; 01:30 on 2 November 2031 happens twice.
    expect(() => parseStartOption('2031-03-09 02:30', 'America/New_York', NOW)).toThrow(/is not a time that exists in America\/New_York/);
    expect(parseStartOption('2031-11-02 01:30', 'America/New_York', NOW)).toBe('2031-11-02T05:30:00Z');
  });

  it.each(['tomorrow', '20:00', '2031-02-30 20:00', '2031-13-01 20:00', '2031-03-07 24:00', 'next friday 20:00'])(
    'refuses %j as a usage error',
    (text) => {
      // Assess
      expect(() => parseStartOption(text, 'Asia/Shanghai', NOW)).toThrow(UsageError);
    },
  );
});

describe('renderTable', () => {
  it('aligns columns two spaces apart and keeps each cell on one line, without terminal controls', () => {
    // Act
    const table = renderTable({
      header: ['A', 'LONGER'],
      rows: [
        ['one\u001b[2J', 'x'],
        ['two\nlines', 'y'],
      ],
    });

    // Assess
    expect(table.split('\n')).toEqual(['A          LONGER', 'one?[2J    x', 'two?lines  y']);
  });
});

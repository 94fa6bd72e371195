import { describe, expect, it } from 'vitest';
import { dayToInstant, formatLocal, formatUtc, formatUtcDay } from './times.js';

describe('times', () => {
  it('prints UTC to the second, and leaves text that is not a time alone', () => {
    expect(formatUtc('2026-10-01T10:00:00.123Z')).toBe('2026-10-01 10:00:00 UTC');
    expect(formatUtc('2026-10-01T12:00:00+02:00')).toBe('2026-10-01 10:00:00 UTC');
    expect(formatUtc('yesterday')).toBe('yesterday');
  });

  it('prints local time in the given zone and locale', () => {
    const iso = '2026-10-01T22:30:05Z';
    const paris = formatLocal(iso, { locale: 'en-GB', timeZone: 'Europe/Paris' });
    expect(paris).toContain('2 Oct 2026');
    expect(paris).toContain('00:30:05');
    const montreal = formatLocal(iso, { locale: 'en-GB', timeZone: 'America/Montreal' });
    expect(montreal).toContain('1 Oct 2026');
    expect(montreal).toContain('18:30:05');
    expect(formatLocal('nope')).toBe('nope');
  });

  it('turns a date into the start of its UTC day, or of the next one for an exclusive end', () => {
    expect(dayToInstant('2026-10-01')).toBe('2026-10-01T00:00:00Z');
    expect(dayToInstant('2026-10-01', true)).toBe('2026-10-02T00:00:00Z');
    expect(dayToInstant('2026-12-31', true)).toBe('2027-01-01T00:00:00Z');
    expect(dayToInstant('')).toBeUndefined();
    expect(dayToInstant('2026-02-31')).toBeUndefined();
    expect(dayToInstant('2026-02-31', true)).toBeUndefined();
    expect(dayToInstant('1/10/2026')).toBeUndefined();
  });
});

describe('a deadline as its UTC day', () => {
  it('keeps the day of the instant in UTC, whatever the viewer\'s zone', () => {
    const iso = '2027-01-07T23:59:59.999Z';
    expect(formatUtcDay(iso, 'en-GB')).toBe(new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(2027, 0, 7)));
    expect(formatUtcDay(iso, 'en-GB')).toContain('7');
    expect(formatUtcDay('soon')).toBe('soon');
  });
});

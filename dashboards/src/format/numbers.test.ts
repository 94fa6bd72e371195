import { describe, expect, it } from 'vitest';
import { countOf, formatBytes, formatCount, formatDuration, formatRate, progressPercent } from './numbers.js';

describe('numbers', () => {
  it('groups counts by locale', () => {
    expect(formatCount(1234567, 'en-US')).toBe('1,234,567');
    expect(formatCount(1234567, 'fr-FR').replace(/\s/g, ' ')).toBe('1 234 567');
    expect(formatCount(0, 'en-US')).toBe('0');
  });

  it('prints sizes in decimal units with one decimal above bytes', () => {
    expect(formatBytes(999, 'en-US')).toBe('999 B');
    expect(formatBytes(1000, 'en-US')).toBe('1.0 kB');
    expect(formatBytes(1_536_000, 'en-US')).toBe('1.5 MB');
    expect(formatBytes(2.5e12, 'en-US')).toBe('2.5 TB');
    expect(formatBytes(7e15, 'en-US')).toBe('7,000.0 TB');
  });

  it('never says 100 % before the end, and says nothing while the total is unknown', () => {
    expect(progressPercent(0, 0)).toBeNull();
    expect(progressPercent(5, 10)).toBe(50);
    expect(progressPercent(999, 1000)).toBe(99);
    expect(progressPercent(9999, 10000)).toBe(99);
    expect(progressPercent(10, 10)).toBe(100);
    expect(progressPercent(12, 10)).toBe(100);
  });

  it('prints durations and rates, with a dash when unknown', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
    expect(formatDuration(12.4)).toBe('12 s');
    expect(formatDuration(240)).toBe('4 min');
    expect(formatDuration(250)).toBe('4 min 10 s');
    expect(formatDuration(7500)).toBe('2 h 5 min');
    expect(formatDuration(7200)).toBe('2 h');
    expect(formatRate(null)).toBe('—');
    expect(formatRate(1234.4, 'en-US')).toBe('1,234/s');
    expect(formatRate(2.25, 'en-US')).toBe('2.3/s');
  });

  it('says a count with its noun, singular for one', () => {
    expect(countOf(1, 'job', 'jobs', 'en-US')).toBe('1 job');
    expect(countOf(0, 'job', 'jobs', 'en-US')).toBe('0 jobs');
    expect(countOf(1234, 'entry', 'entries', 'en-US')).toBe('1,234 entries');
  });
});

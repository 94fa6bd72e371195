import { describe, expect, it } from 'vitest';
import { cellKey, formatFigure, groupLabel, hiddenCells, hiddenText, unitOfFigure } from './engagement.js';

describe('engagement figures', () => {
  it('formats by unit', () => {
    expect(formatFigure(0.256, 'ratio', 'en')).toBe('25.6 %');
    expect(formatFigure(125, 'seconds')).toBe('2 min 5 s');
    expect(formatFigure(12345, 'count', 'en')).toBe('12,345');
    expect(formatFigure(3.14159, 'people', 'en')).toBe('3.1');
    expect(formatFigure(null, 'count')).toBe('—');
  });

  it('finds the unit of a summary figure from its name', () => {
    expect(['dm_share', 'stickiness', 'thread_reply_p90', 'call_seconds', 'dau', 'messages'].map(unitOfFigure)).toEqual(['ratio', 'ratio', 'seconds', 'seconds', 'count', 'count']);
  });

  it('says why a figure is hidden, with the floor k', () => {
    expect(hiddenText('fewer_than_k_people', 5)).toBe('hidden: group under 5 people');
    expect(hiddenText('difference_with_shown_groups', 7)).toContain('under 7 people');
    expect(hiddenText('conversation_under_k_members', 5, 1)).toBe('1 conversation under 5 members not shown');
  });

  it('maps hidden cells by group and period, the ungrouped series apart from a group named like it', () => {
    const m = hiddenCells([{ period: '2026-10-05', group: null, reason: 'fewer_than_k_people' }, { period: '2026-10-05', group: 'Sales', reason: 'difference_with_shown_groups' }, { period: '2026-10-05', group: null, reason: 'conversation_under_k_members' }]);
    expect(m.get(cellKey(null, '2026-10-05'))).toBe('fewer_than_k_people');
    expect(m.get(cellKey('Sales', '2026-10-05'))).toBe('difference_with_shown_groups');
    expect(m.get(cellKey('', '2026-10-05'))).toBeUndefined();
    expect(m.size).toBe(2);
    expect(hiddenCells([{ period: '2026-10-05', group: '', reason: 'fewer_than_k_people' }], true).get(cellKey(null, '2026-10-05'))).toBe('fewer_than_k_people');
    expect(groupLabel(null)).toBe('Everyone in scope');
    expect(groupLabel('')).toBe('(none)');
  });
});

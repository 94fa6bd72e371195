import { describe, expect, it } from 'vitest';
import { applyPrivacyFloor, type Cell } from './privacy-floor.js';

const cell = (group: string, people: string[] | number, value = 1, period = 'p'): Cell => ({
  period, group, value, people: typeof people === 'number' ? people : people.length, few: typeof people === 'number' ? [] : people,
});
const five = ['a', 'b', 'c', 'd', 'e'];

describe('privacy floor', () => {
  it('refuses a k below 5', () => {
    expect(() => applyPrivacyFloor([], 4)).toThrow(/at least 5/);
    expect(() => applyPrivacyFloor([], 5.5)).toThrow(/at least 5/);
  });

  it('hides a cell of fewer than k people and says why', () => {
    const r = applyPrivacyFloor([cell('small', ['a', 'b']), cell('big', 9), cell('other', 8)], 5);
    expect(r.suppressed).toContainEqual({ period: 'p', group: 'small', reason: 'fewer_than_k_people' });
    expect(r.shown.map((c) => c.group)).not.toContain('small');
  });

  it('hides the smallest shown group while total minus the shown ones would be about fewer than k people', () => {
    const r = applyPrivacyFloor([cell('small', ['a', 'b']), cell('mid', 6), cell('big', 9)], 5);
    expect(r.shown.map((c) => c.group)).toEqual(['big']);
    expect(r.suppressed).toContainEqual({ period: 'p', group: 'mid', reason: 'difference_with_shown_groups' });
  });

  it('counts people hidden in several small cells once, and stops once they are k', () => {
    // Two small cells of the same two people: still 2 hidden -> one more group goes.
    const overlap = applyPrivacyFloor([cell('x', ['a', 'b']), cell('y', ['a', 'b']), cell('big', 9), cell('mid', 7)], 5);
    expect(overlap.shown.map((c) => c.group)).toEqual(['big']);
    // Small cells of 5 different people together: the remainder covers k, nothing more is hidden.
    const enough = applyPrivacyFloor([cell('x', ['a', 'b', 'c']), cell('y', ['d', 'e']), cell('big', 9), cell('mid', 7)], 5);
    expect(enough.shown.map((c) => c.group).sort()).toEqual(['big', 'mid']);
  });

  it('neither shows nor names a group that may not be named, and counts it as hidden people', () => {
    const r = applyPrivacyFloor([cell('D-1', ['a', 'b']), cell('C-1', 6), cell('C-2', 7)], 5, { unnamed: (g) => g.startsWith('D-') });
    expect(r.suppressed).toEqual([
      { period: 'p', group: null, reason: 'conversation_under_k_members', count: 1 },
      { period: 'p', group: 'C-1', reason: 'difference_with_shown_groups' },
    ]);
    expect(JSON.stringify(r)).not.toContain('D-1');
  });

  it('treats each period on its own and shows a group of exactly k', () => {
    const r = applyPrivacyFloor([cell('g', five, 3, 'p1'), cell('g', ['a'], 1, 'p2')], 5);
    expect(r.shown).toEqual([cell('g', five, 3, 'p1')]);
    expect(r.suppressed).toEqual([{ period: 'p2', group: 'g', reason: 'fewer_than_k_people' }]);
  });
});

import { describe, expect, it } from 'vitest';
import { parsePolicy, PolicyError } from './policy.js';
import { resolveRetention, type RetentionInput } from './resolve.js';
import { parseDuration, shift } from './duration.js';

const now = new Date('2026-12-01T00:00:00.000Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
const decide = (policy: unknown, o: Partial<RetentionInput> = {}) =>
  resolveRetention({ policy: parsePolicy(policy), family: 'messages', conversation: { id: 'C1', type: 'dm' }, now, recordTime: daysAgo(60), ...o });

describe('one principle decides each case (the same record, 60 days old, with and without the rule that conflicts)', () => {
  it('a legal hold beats everything', () => {
    const policy = { default: { messages: { delete_after: 'P30D' } } };
    expect(decide(policy).removable).toBe(true);
    const held = decide(policy, { holds: [{ id: 'hold_1', caseName: 'Acme v. Doe' }] });
    expect(held.removable).toBe(false);
    expect(held.expired).toBe(true);
    expect(held.principles[0]).toBe('hold');
  });

  it('keep beats delete (keep_at_least longer than the deletion)', () => {
    const del = { default: { messages: { delete_after: 'P30D' } } };
    expect(decide(del).removable).toBe(true);
    const withKeep = decide({ ...del, rules: [{ match: { conversation_type: 'dm' }, messages: { keep_at_least: 'P1Y' } }] });
    expect(withKeep.removable).toBe(false);
    expect(withKeep.principles).toEqual(['keep_beats_delete']);
    expect(withKeep.decidedBy?.path).toBe('rules[0].messages');
    expect(withKeep.removableAt?.toISOString()).toBe(shift(daysAgo(60), parseDuration('P1Y'), 1).toISOString());
  });

  it('keep forever beats any deletion, even an explicit one', () => {
    const d = decide({ default: { messages: { keep: 'forever' } }, rules: [{ match: { conversation_id: 'C1' }, messages: { delete_after: 'P1D' } }] });
    expect(d.removable).toBe(false);
    expect(d.cutoff).toBeNull();
    expect(d.removableAt).toBeNull();
    expect(d.principles).toEqual(['keep_beats_delete']);
  });

  it('the longest keep wins', () => {
    const base = { default: { messages: { delete_after: 'P30D' } }, rules: [{ match: { conversation_type: 'dm' }, messages: { keep_at_least: 'P40D' } }] };
    const old = daysAgo(50);
    expect(decide(base, { recordTime: old }).removable).toBe(true);
    const longer = decide({ ...base, rules: [...base.rules, { match: { conversation_id: 'C1' }, messages: { keep_at_least: 'P90D' } }] }, { recordTime: old });
    expect(longer.removable).toBe(false);
    expect(longer.principles).toEqual(['keep_beats_delete', 'longest_keep']);
    expect(longer.decidedBy?.path).toBe('rules[1].messages');
  });

  it('an explicit rule (conversation) beats an implicit one (type, default) among deletions', () => {
    const implicit = { default: { messages: { delete_after: 'P30D' } } };
    expect(decide(implicit).removable).toBe(true);
    const d = decide({ ...implicit, rules: [{ match: { conversation_id: 'C1' }, messages: { delete_after: 'P1Y' } }] });
    expect(d.removable).toBe(false);
    expect(d.principles).toEqual(['explicit_beats_implicit']);
    expect(d.deleteRule?.scope).toBe('conversation_id');
  });

  it('among deletions the shortest wins', () => {
    const long = { default: { messages: { delete_after: 'P1Y' } } };
    expect(decide(long).removable).toBe(false);
    const d = decide({ ...long, rules: [{ match: { conversation_type: 'dm' }, messages: { delete_after: 'P30D' } }] });
    expect(d.removable).toBe(true);
    expect(d.principles).toEqual(['shortest_delete']);
    expect(d.deleteRule?.path).toBe('rules[0].messages');
  });

  it('a family with no rule is kept; rules of other conversations and families do not apply', () => {
    const d = decide({ default: { calls: { delete_after: 'P1D' } }, rules: [{ match: { conversation_id: 'C2' }, messages: { delete_after: 'P1D' } }] });
    expect(d.applicable).toEqual([]);
    expect(d.removable).toBe(false);
    expect(d.cutoff).toBeNull();
  });

  it('the class cut-off (no record time) is now minus the deciding duration, on the calendar', () => {
    const d = resolveRetention({ policy: parsePolicy({ default: { audit: { delete_after: 'P1M' } } }), family: 'audit', now: new Date('2026-03-31T00:00:00Z') });
    expect(d.cutoff?.toISOString()).toBe('2026-02-28T00:00:00.000Z');
  });
});

describe('policy validation names the field', () => {
  const refused = (p: unknown) => {
    try {
      parsePolicy(p);
    } catch (err) {
      expect(err).toBeInstanceOf(PolicyError);
      return (err as PolicyError).field;
    }
    throw new Error('accepted');
  };
  it('refuses what is not the contract', () => {
    expect(refused({ default: { mesages: { delete_after: 'P1D' } } })).toBe('default.mesages');
    expect(refused({ default: { messages: { delete_after: '90 days' } } })).toBe('default.messages.delete_after');
    expect(refused({ default: { messages: { keep: 'always' } } })).toBe('default.messages.keep');
    expect(refused({ rules: [{ match: { conversation_type: 'room' }, calls: { keep: 'forever' } }] })).toBe('rules[0].match.conversation_type');
    expect(refused({ rules: [{ messages: { keep: 'forever' } }] })).toBe('rules[0].match');
    expect(refused({ rules: [{ match: { conversation_id: 'C1' }, audit: { keep: 'forever' } }] })).toBe('rules[0].audit');
    expect(refused({ default: {}, extra: 1 })).toBe('extra');
    expect(refused({ default: { calls: { delete_after: 'P1D', keep: 'forever' } } })).toBe('default.calls');
  });
});

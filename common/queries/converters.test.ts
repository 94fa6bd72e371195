/** Pure logic of the query modules: tokenizer, phrase pattern, cursor codec and row converters. */
import { describe, expect, it } from 'vitest';
import { phrasePattern, tokenize } from './tokens.js';
import { CursorError, createCursorCodec, queryFingerprint } from './cursor.js';
import { foldReactions, orderVersions, toMessageItem, type VersionRow } from './message-rows.js';
import { toConversation, toUser } from './directory.js';
import { toAdminEvent } from './admin-events.js';

describe('tokenize (mirror of splitByNonAlpha + lowerUTF8)', () => {
  it('splits at ASCII non-alphanumerics, keeps non-ASCII letters inside tokens, lowercases', () => {
    expect(tokenize("Réunion: l'ÉTÉ 2026, c'est-à-dire_demain!")).toEqual(['réunion', 'l', 'été', '2026', 'c', 'est', 'à', 'dire', 'demain']);
    expect(tokenize('  ')).toEqual([]);
    expect(tokenize("' OR 1=1 --")).toEqual(['or', '1', '1']);
  });
  it('phrase pattern needs the words consecutively, on word edges', () => {
    const re = new RegExp(phrasePattern(['release', 'plan']));
    expect(re.test('the release plan, now')).toBe(true);
    expect(re.test('release   plan')).toBe(true);
    expect(re.test('prerelease plan')).toBe(false);
    expect(re.test('release planning')).toBe(false);
    expect(re.test('plan release')).toBe(false);
  });
});

describe('cursor codec', () => {
  const codec = createCursorCodec('k1');
  const q = { operation: 'messages.search', tenant: 'acme', author: 'U1' };
  const pos = { t: '2026-10-01 10:00:00.000', k: ['C1', 'm1'] };
  it('round-trips and is bound to the filters, not to their order', () => {
    const c = codec.encode(pos, q);
    expect(codec.decode(c, { author: 'U1', tenant: 'acme', operation: 'messages.search' })).toEqual(pos);
    expect(() => codec.decode(c, { ...q, author: 'U2' })).toThrow(CursorError);
    expect(() => codec.decode(c, { ...q, tenant: 'globex' })).toThrow(CursorError);
  });
  it('refuses another key, a changed byte, a forged payload and junk', () => {
    const c = codec.encode(pos, q);
    expect(() => createCursorCodec('k2').decode(c, q)).toThrow(CursorError);
    const [p, s] = c.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ v: 1, f: queryFingerprint(q), t: '2030-01-01 00:00:00.000', k: ['C9', 'm9'] })).toString('base64url');
    for (const bad of [`${forged}.${s}`, `${p}x.${s}`, `${p}.${s.slice(1)}A`, '', '.', 'a.b', `${p}`, '{"v":1}']) {
      expect(() => codec.decode(bad, q), bad).toThrow(CursorError);
    }
  });
});

const v = (o: Partial<VersionRow>): VersionRow => ({
  event_id: 'e', time: '2026-10-01 10:00:00.000', kind: 'created', conversation_id: 'C1', message_id: 'm1', conversation_type: 'channel',
  thread_id: '', author_id: 'U1', text: 'a', mentions: [], attachments: [], ...o,
});

describe('message converters', () => {
  it('takes the text from the latest version and the rest from the created one; duplicates count once', () => {
    const rows = [
      v({ event_id: 'e2', time: '2026-10-01 11:00:00.000', kind: 'edited', author_id: 'U9', text: 'b', conversation_type: '' }),
      v({ event_id: 'e1', attachments: [{ name: 'f', mime: 'x/y', size: '12', sha256: 'ab' }], mentions: ['U2'], thread_id: 'm0' }),
      v({ event_id: 'e1' }),
    ];
    expect(orderVersions(rows).map((r) => r.event_id)).toEqual(['e1', 'e2']);
    expect(toMessageItem(rows, { event_id: 'd', time: '2026-10-02 00:00:00.000', conversation_id: 'C1', message_id: 'm1', deleted_by: 'U3' })).toEqual({
      conversation_id: 'C1', message_id: 'm1', time: '2026-10-01T10:00:00.000Z', conversation_type: 'channel', thread_id: 'm0', author_id: 'U1',
      text: 'b', edited: true, edited_at: '2026-10-01T11:00:00.000Z', version_count: 2, mentions: ['U2'],
      attachments: [{ name: 'f', mime: 'x/y', size: 12, sha256: 'ab' }], deleted: { time: '2026-10-02T00:00:00.000Z', deleted_by: 'U3' },
    });
  });
  it('is undefined without a created version', () => {
    expect(toMessageItem([v({ kind: 'edited' })], undefined)).toBeUndefined();
  });
  it('folds reactions: the last event per user and emoji wins', () => {
    const r = foldReactions([
      { event_id: 'r2', time: '2026-10-01 10:00:01.000', action: 'removed', user_id: 'U1', emoji: 'x' },
      { event_id: 'r1', time: '2026-10-01 10:00:00.000', action: 'added', user_id: 'U1', emoji: 'x' },
      { event_id: 'r3', time: '2026-10-01 10:00:02.000', action: 'added', user_id: 'U2', emoji: 'x' },
    ]);
    expect(r.history.map((e) => e.event_id)).toEqual(['r1', 'r2', 'r3']);
    expect(r.current).toEqual([{ emoji: 'x', user_id: 'U2', since: '2026-10-01T10:00:02.000Z' }]);
  });
});

describe('directory and admin event converters', () => {
  it('turn empty strings and the epoch into null and booleans into booleans', () => {
    expect(toConversation({ conversation_id: 'C', name: 'n', conversation_type: '', created_by: '', created_at: '1970-01-01 00:00:00.000', archived: 1, updated_at: '2026-10-01 10:00:00.000', member_count: '3' }))
      .toEqual({ conversation_id: 'C', name: 'n', conversation_type: null, created_by: null, created_at: null, archived: true, updated_at: '2026-10-01T10:00:00.000Z', member_count: 3 });
    expect(toUser({ user_id: 'U', email: 'e', display_name: 'd', department: '', manager_id: '', title: 't', active: false, role: '', created_at: '2026-10-01 10:00:00.000', updated_at: '2026-10-01 10:00:00.000' }))
      .toMatchObject({ department: null, title: 't', active: false, role: null, created_at: '2026-10-01T10:00:00.000Z' });
  });
  it('parse admin event data, and keep going on data that is not an object', () => {
    const row = { event_id: 'a', time: '2026-10-01 10:00:00.000', source: 's', type: 'auth.login', user_id: 'U1', conversation_id: '', app_id: '', actor_id: '', data: '{"ip":"192.0.2.1"}' };
    expect(toAdminEvent(row)).toMatchObject({ user_id: 'U1', conversation_id: null, data: { ip: '192.0.2.1' } });
    expect(toAdminEvent({ ...row, data: 'not json' }).data).toEqual({});
    expect(toAdminEvent({ ...row, data: '[1]' }).data).toEqual({});
  });
});

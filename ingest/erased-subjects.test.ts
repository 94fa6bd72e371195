/**
 * The rules of ingest/erased-subjects.ts on rows built from events, with a fixed key:
 * what is dropped, what is pseudonymized and how, and that rows of other people and of
 * other tenants pass untouched.
 */
import { describe, expect, it } from 'vitest';
import { TABLE_COLUMNS, toCompactLine, toRow, type RoutedRow } from '../common/events/rows.js';
import { validateEvent } from '../common/events/validate.js';
import { subjectHasher } from '../common/subjects/subject-hash.js';
import { erasedPseudonym, messageKey, type TenantErased } from '../common/subjects/erased-subjects.js';
import { judgeRow, scrubText } from './erased-subjects.js';

const hasher = subjectHasher(Buffer.alloc(32, 7));
const ada = { userIds: ['U-ada'], emails: ['Ada@Example.org'], displayNames: ['Ada Lovelace', 'Ada King'] };
const pseudo = erasedPseudonym(hasher.subjectHashOf(ada));
const all = [
  ...ada.userIds.map((x) => hasher.hashOf('user', x)), ...ada.emails.map((x) => hasher.hashOf('email', x)), ...ada.displayNames.map((x) => hasher.hashOf('name', x)),
  hasher.hashOf('message', messageKey('C1', 'M-ada')),
];
const erased: TenantErased = {
  hasher, users: new Set([hasher.hashOf('user', 'U-ada')]), messages: new Set([hasher.hashOf('message', messageKey('C1', 'M-ada'))]),
  texts: new Set(all.slice(1, 4)), nameWords: [2], pseudonymOf: (h) => (all.includes(h) ? pseudo : 'erased'),
};

let n = 0;
function row(type: string, data: Record<string, unknown>, asLine = false): RoutedRow {
  n += 1;
  const v = validateEvent({ specversion: '1.0', id: `e${n}`, source: 'test://x', type, time: '2026-10-01T00:00:00Z', tenant: 't', data });
  if (!v.ok) throw new Error(JSON.stringify(v));
  const r = toRow(v, 'test');
  return asLine ? { table: r.table, row: { tenant: r.row.tenant, event_id: r.row.event_id, source: '', time: r.row.time, extra: '', origin: '' }, line: toCompactLine(r.table, r.row) } : r;
}
const cell = (r: RoutedRow, c: string) => (JSON.parse(r.line!) as unknown[])[TABLE_COLUMNS[r.table].indexOf(c)];

describe('rows of erased people at ingest', () => {
  it('drops what they did and what points at their messages', () => {
    expect(judgeRow(row('message.created', { message_id: 'M2', conversation_id: 'C1', conversation_type: 'channel', author_id: 'U-ada', text: 'hi' }), erased).row).toBeNull();
    expect(judgeRow(row('reaction.added', { message_id: 'M9', conversation_id: 'C1', user_id: 'U-ada', emoji: 'x' }, true), erased).row).toBeNull();
    expect(judgeRow(row('reaction.added', { message_id: 'M-ada', conversation_id: 'C1', user_id: 'U-bob', emoji: 'x' }), erased).row).toBeNull();
    expect(judgeRow(row('user.updated', { user_id: 'U-ada', email: 'x@y', display_name: 'A' }), erased).row).toBeNull();
    // The same message id in another conversation is another message.
    expect(judgeRow(row('reaction.added', { message_id: 'M-ada', conversation_id: 'C2', user_id: 'U-bob', emoji: 'x' }), erased).pseudonymized).toBe(false);
  });

  it('pseudonymizes them where they are only named, in rows and in lines', () => {
    const m = judgeRow(row('message.created', { message_id: 'M3', conversation_id: 'C1', conversation_type: 'channel', author_id: 'U-bob', text: 'ask ADA  LOVELACE (ada@example.org), or <@U-ada>; Ada King!', mentions: ['U-ada', 'U-cy'] }, true), erased);
    expect(m.pseudonymized).toBe(true);
    expect(cell(m.row!, 'text')).toBe(`ask ${pseudo} (${pseudo}), or <@${pseudo}>; ${pseudo}!`);
    expect(cell(m.row!, 'mentions')).toEqual([pseudo, 'U-cy']);
    const call = judgeRow(row('call.ended', { call_id: 'K', conversation_id: 'C1', participants: ['U-bob', 'U-ada'], duration_s: 3 }), erased);
    expect(call.row!.row.participants).toEqual(['U-bob', pseudo]);
    const joined = judgeRow(row('member.joined', { conversation_id: 'C1', user_id: 'U-bob', by: 'U-ada' }), erased);
    expect(JSON.parse(joined.row!.row.data as string)).toEqual({ conversation_id: 'C1', user_id: 'U-bob', by: pseudo });
  });

  it('leaves everything else as it is, including names that only share a word', () => {
    const r = row('message.created', { message_id: 'M4', conversation_id: 'C1', conversation_type: 'channel', author_id: 'U-bob', text: 'Ada wrote; Lovelace too; U-adam' });
    const v = judgeRow(r, erased);
    expect(v).toEqual({ row: r, pseudonymized: false });
    expect(scrubText('', erased)).toBe('');
  });
});

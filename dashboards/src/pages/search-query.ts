/** The message search page's URL query to the API's: pure, so it is unit-tested. */
import type { MessageSearchQuery } from '../api/types.js';
import { dayToInstant } from '../format/times.js';
import { serverOrder } from '../format/sort.js';

export const FIELDS = ['q', 'match', 'author', 'conversation', 'conversation_type', 'from', 'to', 'include_deleted', 'has_attachments'] as const;
const PAGE_SIZE = '25';
/** In the `prev` stack (cursors of the pages before this one), the first page, which has no cursor; never a cursor (those hold a dot). */
export const FIRST = '-';
export const fromStack = (c: string | undefined) => (c === undefined || c === FIRST ? undefined : c);

/** The API query from the page's URL: dates are whole UTC days, `to` inclusive of its day. */
export function searchQuery(s: URLSearchParams): MessageSearchQuery {
  const get = (k: string) => s.get(k) ?? undefined;
  const from = dayToInstant(s.get('from') ?? '');
  const to = dayToInstant(s.get('to') ?? '', true);
  const limit = s.get('limit');
  const q: MessageSearchQuery = { limit: limit && /^[1-9][0-9]{0,2}$/.test(limit) ? limit : PAGE_SIZE };
  if (get('q')) q.q = get('q');
  const match = get('match');
  if (match === 'any' || match === 'phrase') q.match = match;
  if (get('author')) q.author = get('author');
  if (get('conversation')) q.conversation = get('conversation');
  const type = get('conversation_type');
  if (type === 'channel' || type === 'private' || type === 'dm' || type === 'group_dm') q.conversation_type = type;
  if (from) q.from = from;
  if (to) q.to = to;
  if (get('include_deleted') === 'false') q.include_deleted = 'false';
  const att = get('has_attachments');
  if (att === 'true' || att === 'false') q.has_attachments = att;
  if (serverOrder(s, 'posted') === 'oldest') q.order = 'oldest';
  if (get('cursor')) q.cursor = get('cursor');
  return q;
}


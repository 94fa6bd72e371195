/**
 * The summary's figures of the person-day rows, taken in the server from one row per
 * person instead of by the engine. The engine sums each person's rows in the range
 * (the query below, a single-table GROUP BY) and returns them as one array; every
 * figure of this source is a sum of those counts, a ratio of two sums or a number of
 * people with a count above 0 (catalogue.ts), so summing the ~2,000 people here gives
 * the same exact numbers. Measured (docs/analytics.md): the engine's analysis of
 * ~35 aggregates over these rows cost more than the rows themselves (about 35 ms of
 * CPU against 17 ms for the array and its parsing, at 1M messages).
 *
 * A person is their sipHash64, as in the privacy floor's `few` lists (fewPeopleSql):
 * ids stay in the engine.
 */
/** The person-day counts, in the order of the array's tuples (after the person's hash). */
const COUNTS = ['events', 'messages', 'thread_replies', 'mentions', 'after_hours_messages', 'reactions', 'calls', 'app_invocations',
  'channel_messages', 'private_messages', 'dm_messages', 'group_dm_messages', 'active_days', 'active_weeks', 'active_months'] as const;
type Count = (typeof COUNTS)[number];

export const CONVERSATION_TYPES = ['channel', 'private', 'dm', 'group_dm'] as const;

/** SQL: one row, `people`, the array of each person's (hash, counts...) over `rows` (person-day rows, any scope). */
export function peopleArraySql(rows: string): string {
  const sums = COUNTS.slice(0, 12).map((c) => `sum(${c}) AS ${c}`).join(', ');
  return `SELECT groupArray((toString(sipHash64(user_id)), ${COUNTS.join(', ')})) AS people FROM (
    SELECT user_id, ${sums}, uniqExact(day) AS active_days, uniqExact(toMonday(day)) AS active_weeks, uniqExact(toStartOfMonth(day)) AS active_months
    FROM (${rows}) GROUP BY user_id)`;
}

interface Person {
  hash: string;
  n: Record<Count, number>;
}

function parse(people: unknown): Person[] {
  if (!Array.isArray(people)) return [];
  return people.map((t: unknown[]) => ({
    hash: String(t[0]),
    n: Object.fromEntries(COUNTS.map((c, i) => [c, Number(t[i + 1])])) as Record<Count, number>,
  }));
}

/** A figure of the person-day rows: its value and the people it covers (as catalogue.ts defines it in SQL). */
interface PersonFigure {
  value(people: readonly Person[]): number | null;
  covers(p: Person): boolean;
}

const sumOf = (people: readonly Person[], c: Count) => people.reduce((s, p) => s + p.n[c], 0);
const counted = (c: Count): PersonFigure => ({ value: (ps) => sumOf(ps, c), covers: (p) => p.n[c] > 0 });

/** The summary's figures whose source is person_days (catalogue.ts: same values and covers). */
export const PERSON_FIGURES: Record<string, PersonFigure> = {
  active_people: { value: (ps) => ps.length, covers: () => true },
  messages: counted('messages'),
  thread_replies: counted('thread_replies'),
  reactions: counted('reactions'),
  mentions: counted('mentions'),
  after_hours_share: {
    value: (ps) => {
      const messages = sumOf(ps, 'messages');
      return messages === 0 ? null : sumOf(ps, 'after_hours_messages') / messages;
    },
    covers: (p) => p.n.messages > 0,
  },
};

/**
 * The columns the summary's row used to get from the engine for this source:
 * `${figure}_value` / `_people`, `dau|wau|mau_value`, and per conversation type
 * `type_${t}_value` / `_people` / `_few` (hashes only under k, as fewPeopleSql).
 */
export function personColumns(peopleArray: unknown, k: number, spans: { days: number; weeks: number; months: number }): Record<string, unknown> {
  const people = parse(peopleArray);
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(PERSON_FIGURES)) {
    out[`${name}_value`] = f.value(people);
    out[`${name}_people`] = people.filter(f.covers).length;
  }
  out.dau_value = sumOf(people, 'active_days') / spans.days;
  out.wau_value = sumOf(people, 'active_weeks') / spans.weeks;
  out.mau_value = sumOf(people, 'active_months') / spans.months;
  for (const t of CONVERSATION_TYPES) {
    const column = `${t}_messages` as Count;
    const posters = people.filter((p) => p.n[column] > 0);
    out[`type_${t}_value`] = sumOf(posters, column);
    out[`type_${t}_people`] = posters.length;
    out[`type_${t}_few`] = posters.length < k ? posters.map((p) => p.hash) : [];
  }
  return out;
}

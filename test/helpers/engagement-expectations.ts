/**
 * Engagement figures computed straight from generated events, in plain TypeScript
 * with the platform's time zone database: what the analytics API must answer. It
 * shares no code with analytics/ (only the rules of docs/analytics.md, restated).
 */
import type { CloudEvent } from './events.js';

export type PeriodKind = 'day' | 'week' | 'month';

export interface Fact {
  day: string;
  user: string;
  kind: 'message' | 'reaction' | 'call' | 'app';
  conversation?: string;
  conversationType?: string;
  reply?: boolean;
  mentions?: number;
  afterHours?: boolean;
  app?: string;
}

export interface Ctx {
  zone: string;
  workStart: number;
  workEnd: number;
  weekend: number[];
  k: number;
}

export function localDate(zone: string, ms: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

function localClock(zone: string, ms: number): { minutes: number; isoWeekday: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' }).formatToParts(ms);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1;
  return { minutes: Number(get('hour')) * 60 + Number(get('minute')), isoWeekday: weekday };
}

export function periodOf(day: string, p: PeriodKind): string {
  if (p === 'day') return day;
  if (p === 'month') return `${day.slice(0, 7)}-01`;
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

export function periodsOf(days: string[], p: PeriodKind): string[] {
  return [...new Set(days.map((d) => periodOf(d, p)))];
}

/** PERCENTILE.INC: linear between the two nearest ranks of (n - 1) * q. */
export function percentileInc(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

const time = (e: CloudEvent) => Date.parse(e.time);
const d = (e: CloudEvent) => e.data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function activityFacts(events: CloudEvent[], c: Ctx): Fact[] {
  const facts: Fact[] = [];
  for (const e of events) {
    const x = d(e);
    if (e.type === 'message.created') {
      const clock = localClock(c.zone, time(e));
      const after = c.weekend.includes(clock.isoWeekday) || clock.minutes < c.workStart || clock.minutes >= c.workEnd;
      facts.push({ day: localDate(c.zone, time(e)), user: x.author_id, kind: 'message', conversation: x.conversation_id, conversationType: x.conversation_type, reply: !!x.thread_id && x.thread_id !== x.message_id, mentions: (x.mentions ?? []).length, afterHours: after });
    } else if (e.type === 'reaction.added') facts.push({ day: localDate(c.zone, time(e)), user: x.user_id, kind: 'reaction' });
    else if (e.type === 'call.started') facts.push({ day: localDate(c.zone, time(e)), user: x.initiator_id, kind: 'call' });
    else if (e.type === 'call.ended') for (const u of x.participants) facts.push({ day: localDate(c.zone, time(e) - x.duration_s * 1000), user: u, kind: 'call' });
    else if (e.type === 'app.invoked') facts.push({ day: localDate(c.zone, time(e)), user: x.user_id, kind: 'app', app: x.app_id });
  }
  return facts;
}

/** The department a person had at the end of a local day: the last directory change dated that day or before. */
export function departmentOn(admin: CloudEvent[], zone: string): (user: string, day: string) => string {
  const changes = admin.filter((e) => e.type === 'user.created' || e.type === 'user.updated').sort((a, b) => time(a) - time(b));
  return (user, day) => {
    let dep = '';
    for (const e of changes) if (d(e).user_id === user && localDate(zone, time(e)) <= day) dep = d(e).department ?? '';
    return dep;
  };
}

export interface Row {
  day: string;
  user: string;
  group: string;
  /** The person counts for the cell's floor. */
  covers: boolean;
  [k: string]: unknown;
}

export interface ExpectedSeries {
  periods: string[];
  series: Array<{ group: string | null; values: (number | null)[] }>;
  suppressed: Array<{ period: string; group: string | null; reason: string; count?: number }>;
}

/**
 * The answer for rows: cells per (period, group), then the floor as docs/analytics.md
 * states it (under k hidden; unnamed groups counted; while the hidden cells cover some
 * but fewer than k people, the smallest shown group is hidden too).
 */
export function expectSeries(rows: Row[], o: {
  days: string[]; period: PeriodKind; grouped: boolean; k: number; emptyValue: number | null;
  value: (rows: Row[]) => number | null; unnamed?: (g: string) => boolean;
}): ExpectedSeries {
  const periods = periodsOf(o.days, o.period);
  const cells = new Map<string, Row[]>();
  const inRange = new Set(o.days);
  for (const r of rows.filter((x) => inRange.has(x.day))) {
    const key = `${periodOf(r.day, o.period)}\u0000${o.grouped ? r.group : ''}`;
    cells.set(key, [...(cells.get(key) ?? []), r]);
  }
  const groups = new Map<string, (number | null)[]>();
  const seriesOf = (g: string) => {
    if (!groups.has(g)) groups.set(g, periods.map(() => o.emptyValue));
    return groups.get(g)!;
  };
  if (!o.grouped) seriesOf('');
  const suppressed: ExpectedSeries['suppressed'] = [];
  for (const [pi, period] of periods.entries()) {
    const here = [...cells].filter(([k]) => k.startsWith(`${period}\u0000`)).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, rs]) => ({ group: k.split('\u0000')[1]!, rows: rs, people: new Set(rs.filter((r) => r.covers).map((r) => r.user)) }));
    const hidden = new Set<string>();
    let saturated = false;
    const shown: typeof here = [];
    let unnamed = 0;
    for (const c of here) {
      if (o.unnamed?.(c.group)) {
        unnamed += 1;
        c.people.forEach((p) => hidden.add(p));
        if (c.people.size >= o.k) saturated = true;
      } else if (c.people.size < o.k) {
        suppressed.push({ period, group: c.group, reason: 'fewer_than_k_people' });
        c.people.forEach((p) => hidden.add(p));
        seriesOf(c.group)[pi] = null;
      } else shown.push(c);
    }
    if (unnamed) suppressed.push({ period, group: null, reason: 'conversation_under_k_members', count: unnamed });
    shown.sort((a, b) => a.people.size - b.people.size || (a.group < b.group ? -1 : 1));
    while (!saturated && hidden.size > 0 && hidden.size < o.k && shown.length) {
      const c = shown.shift()!;
      suppressed.push({ period, group: c.group, reason: 'difference_with_shown_groups' });
      seriesOf(c.group)[pi] = null;
      saturated = true;
    }
    for (const c of shown) seriesOf(c.group)[pi] = o.value(c.rows);
  }
  return { periods, series: [...groups.keys()].sort().map((g) => ({ group: o.grouped ? g : null, values: groups.get(g)! })), suppressed };
}

/**
 * The chatlog importer on real #ubuntu IRC logs (../shared/data/irc-ubuntu/dev, three
 * of its files) and on an XMPP-style fixture with full dates and a time zone, into a
 * real chDB store. Expected counts are computed here from the log files.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { getArchiveStats } from '../../common/queries/archive-stats.js';
import { createEventWriter } from '../event-writer.js';
import { collectingReport } from './report.js';
import { runImport, type ImportOptions } from './run-import.js';
import { createStoreSink } from './sinks.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const ircDir = resolve(repoRoot, '..', 'shared', 'data', 'irc-ubuntu', 'dev');
const FILES = ['2004-11-15_03.raw.txt', '2011-11-13_02.raw.txt', '2016-12-19_20.raw.txt'];
const fixture = join(repoRoot, 'test', 'fixtures', 'chatlog', 'xmpp-room@conference.example.org.log');

let ts: TestStore;
let sample: string;
beforeAll(async () => {
  ts = await openTestStore('importers-chatlog');
  sample = mkdtempSync(join(tmpdir(), 'custos-irc-'));
  for (const f of FILES) symlinkSync(join(ircDir, f), join(sample, f));
});
afterAll(async () => {
  rmSync(sample, { recursive: true, force: true });
  await ts?.close();
});

async function importInto(o: Omit<ImportOptions, 'format'>) {
  const report = collectingReport();
  const summary = await runImport({ format: 'chatlog', ...o }, { sink: createStoreSink(createEventWriter(ts.store), 2000), report });
  return { summary, report };
}
const rows = <T = Record<string, any>>(sql: string, params: Record<string, unknown>) => ts.store.query<T>('test', sql, params);
const asMap = (list: Array<{ k: string; n: string }>) => Object.fromEntries(list.map((r) => [r.k, Number(r.n)]));
const inc = (o: Record<string, number>, k: string) => (o[k] = (o[k] ?? 0) + 1);

/** Counts read from the raw logs with the format's own rules, line by line. */
function expectedFromLogs() {
  const perUser: Record<string, number> = {};
  const perFile: Record<string, number> = {};
  const joins: Record<string, number> = {};
  const parts: Record<string, number> = {};
  const kinds: Record<string, number> = {};
  let addressed = 0;
  const seen = new Set<string>();
  const see = (n: string) => seen.add(n.toLowerCase());
  for (const file of FILES) {
    for (const line of readFileSync(join(ircDir, file), 'utf8').split('\n').filter((l) => l.trim() !== '')) {
      let m: RegExpMatchArray | null;
      const msg = (kind: string, nick: string) => { inc(perUser, nick); inc(perFile, file.slice(0, file.indexOf('.'))); inc(kinds, kind); see(nick); };
      if ((m = line.match(/^\[\d\d:\d\d\] <\s*([^>]+?)\s*>(?: (.*))?$/))) {
        const target = /^([^\s:,]+)[:,](\s|$)/.exec(m[2] ?? '');
        if (target && seen.has(target[1]!.toLowerCase())) addressed++;
        msg('message', m[1]!);
      } else if ((m = line.match(/^\[\d\d:\d\d\]\s+\* (\S+)/))) msg('action', m[1]!);
      else if ((m = line.match(/^=== (\S+) is now known as (\S+)/))) { msg('nick', m[1]!); see(m[2]!); }
      else if ((m = line.match(/^=== (\S+) .*has joined #/))) { inc(joins, m[1]!); see(m[1]!); }
      else if ((m = line.match(/^=== (\S+) .*has (left|quit)/))) { inc(parts, m[1]!); see(m[1]!); }
      else if ((m = line.match(/^=== mode\/\S+ \[.*\]\s+by (\S+)$/))) msg('mode', m[1]!);
      else if ((m = line.match(/^=== (\S+) /))) msg('action', m[1]!);
      else throw new Error(`test parser does not know: ${line}`);
    }
  }
  return { perUser, perFile, joins, parts, kinds, addressed };
}

describe('chatlog importer on real #ubuntu IRC logs', () => {
  const exp = expectedFromLogs();

  it('stores every line as a message or a membership change, per user and per kind', async () => {
    const { summary, report } = await importInto({ path: sample, tenant: 'irc', channel: '#ubuntu' });
    expect(report.problems).toEqual([]);
    expect(report.assumptions.join(' ')).toMatch(/local times in UTC/);
    expect(summary.records).toBe(Object.values(exp.perUser).reduce((a, b) => a + b, 0) + Object.values(exp.joins).reduce((a, b) => a + b, 0) + Object.values(exp.parts).reduce((a, b) => a + b, 0));
    const perUser = asMap(await rows(`SELECT author_id AS k, count() AS n FROM message_versions WHERE tenant = 'irc' GROUP BY k`, {}));
    expect(perUser).toEqual(exp.perUser);
    const joins = asMap(await rows(`SELECT user_id AS k, count() AS n FROM admin_events WHERE tenant = 'irc' AND type = 'member.joined' GROUP BY k`, {}));
    expect(joins).toEqual(exp.joins);
    const parts = asMap(await rows(`SELECT user_id AS k, count() AS n FROM admin_events WHERE tenant = 'irc' AND type = 'member.left' GROUP BY k`, {}));
    expect(parts).toEqual(exp.parts);
    const kinds = asMap(await rows(`SELECT if(JSONExtractString(extra, 'data', 'subtype') = '', 'message', JSONExtractString(extra, 'data', 'subtype')) AS k, count() AS n FROM message_versions WHERE tenant = 'irc' GROUP BY k`, {}));
    expect(kinds).toEqual(exp.kinds);
    const [mentioned] = await rows(`SELECT count() AS n FROM message_versions WHERE tenant = 'irc' AND notEmpty(mentions)`, {});
    expect(Number(mentioned!.n)).toBe(exp.addressed);
    const stats = await getArchiveStats(ts.store, 'irc');
    expect(stats.conversations).toBe(1);
    expect(stats.messages).toBe(Object.values(exp.perUser).reduce((a, b) => a + b, 0));
  });

  it('a second import of the same logs adds nothing', async () => {
    const before = await getArchiveStats(ts.store, 'irc');
    const { summary } = await importInto({ path: sample, tenant: 'irc', channel: '#ubuntu' });
    expect(summary.written).toBe(0);
    expect(summary.duplicates).toBe(summary.events);
    expect(await getArchiveStats(ts.store, 'irc')).toEqual(before);
  });

  it('an overlapping import stores only what is new; one conversation per file without --channel', async () => {
    const first = await importInto({ path: join(ircDir, FILES[1]!), tenant: 'irc-files' });
    const all = await importInto({ path: sample, tenant: 'irc-files' });
    expect(all.summary.duplicates).toBe(first.summary.events);
    expect(all.summary.written).toBe(all.summary.events - first.summary.events);
    const perConv = asMap(await rows(`SELECT conversation_id AS k, count() AS n FROM message_versions WHERE tenant = 'irc-files' GROUP BY k`, {}));
    expect(perConv).toEqual(exp.perFile);
  });

  it('spot checks: text, author, time to the second across midnight, mentions', async () => {
    const lines = readFileSync(join(ircDir, FILES[1]!), 'utf8').split('\n');
    const wrap = lines.findIndex((l, i) => i > 0 && l.startsWith('[00:') && lines[i - 1]!.startsWith('[23:'));
    const m = /^\[(\d\d):(\d\d)\] <([^>]+)> (.*)$/.exec(lines[wrap]!)!;
    const [after] = await rows(`SELECT toString(time) AS time, author_id, text, origin FROM message_versions WHERE tenant = 'irc' AND origin = {o:String}`, { o: `import:chatlog:${sample.split('/').pop()}/${FILES[1]}#${wrap + 1}` });
    expect(after).toEqual({ time: `2011-11-14 ${m[1]}:${m[2]}:00.000`, author_id: m[3], text: m[4], origin: expect.any(String) });
    const [hrd] = await rows(`SELECT toString(time) AS time, mentions, text FROM message_versions WHERE tenant = 'irc' AND author_id = 'HrdwrBoB' AND text = 'tweaked: just one?'`, {});
    expect(hrd).toEqual({ time: '2004-11-15 12:22:00.000', mentions: ['tweaked'], text: 'tweaked: just one?' });
  });
});

describe('chatlog importer on an XMPP room log with dates and a time zone', () => {
  it('reads local times in --timezone across both DST changes', async () => {
    const { summary, report } = await importInto({ path: fixture, tenant: 'xmpp', timezone: 'Europe/Paris' });
    expect(report.problems.map((p) => [p.at, p.reason])).toEqual([['#1', 'unrecognized_line']]);
    expect(report.assumptions.join(' ')).toMatch(/Europe\/Paris/);
    expect(summary.events).toBe(8);
    const msgs = await rows(`SELECT toString(time) AS time, author_id, text, mentions, JSONExtractString(extra, 'data', 'subtype') AS sub, conversation_id FROM message_versions WHERE tenant = 'xmpp' ORDER BY time, author_id`, {});
    expect(msgs).toEqual([
      { time: '2024-03-31 00:59:30.000', author_id: 'anna', text: 'before the DST change in Paris', mentions: [], sub: '', conversation_id: 'xmpp-room@conference' },
      { time: '2024-03-31 01:00:05.000', author_id: 'björn', text: 'after it: 02:00 became 03:00 — grüß dich', mentions: [], sub: '', conversation_id: 'xmpp-room@conference' },
      { time: '2024-03-31 01:00:05.000', author_id: 'björn', text: 'after it: 02:00 became 03:00 — grüß dich', mentions: [], sub: '', conversation_id: 'xmpp-room@conference' },
      { time: '2024-03-31 01:01:00.000', author_id: 'anna', text: 'waves 👋', mentions: [], sub: 'action', conversation_id: 'xmpp-room@conference' },
      { time: '2024-03-31 01:02:00.000', author_id: 'anna', text: 'björn: did you see the log?', mentions: ['björn'], sub: '', conversation_id: 'xmpp-room@conference' },
      { time: '2024-03-31 01:03:00.000', author_id: 'carl', text: 'carl is now known as carl_away', mentions: [], sub: 'nick', conversation_id: 'xmpp-room@conference' },
      { time: '2024-10-27 00:30:00.000', author_id: 'anna', text: 'ambiguous hour on the way back', mentions: [], sub: '', conversation_id: 'xmpp-room@conference' },
    ]);
    const [joined] = await rows(`SELECT toString(time) AS time, user_id FROM admin_events WHERE tenant = 'xmpp' AND type = 'member.joined'`, {});
    expect(joined).toEqual({ time: '2024-03-31 01:02:00.000', user_id: 'carl' });
  });
});

describe('chatlog importer on multi-line messages (pasted logs and code)', () => {
  const dir = join(repoRoot, 'test', 'fixtures', 'chatlog-multiline');

  it('joins continuation lines to the message they continue, in every line form; reports those that continue nothing', async () => {
    const { summary, report } = await importInto({ path: dir, tenant: 'multi' });
    expect(report.problems.map((p) => [p.file, p.at, p.reason])).toEqual([
      ['#dev.2024-05-06.log', '#14', 'unrecognized_line'],
      ['#dev.2024-05-06.log', '#19', 'unrecognized_line'],
      ['room.log', '#1', 'unrecognized_line'],
    ]);
    expect(summary.records).toBe(24);
    const msgs = await rows(`SELECT conversation_id AS c, toString(time) AS time, author_id AS nick, JSONExtractString(extra, 'data', 'subtype') AS sub, text, origin FROM message_versions WHERE tenant = 'multi' ORDER BY c, time, origin`, {});
    expect(msgs.map(({ origin, ...m }) => ({ ...m, at: origin.slice(origin.lastIndexOf('#')) }))).toEqual([
      { c: '#dev', time: '2024-05-06 09:00:00.000', nick: 'ana', sub: '', at: '#1', text: 'here is the trace:\nTraceback (most recent call last):\n  File "app.py", line 3, in <module>\nZeroDivisionError: division by zero' },
      { c: '#dev', time: '2024-05-06 09:01:00.000', nick: 'bo', sub: '', at: '#5', text: 'ana: looks like a zero' },
      { c: '#dev', time: '2024-05-06 09:02:30.000', nick: 'ana', sub: '', at: '#6', text: 'fixed:\n\n    def f(x):\n        return 1 / x if x else 0' },
      { c: '#dev', time: '2024-05-06 09:03:00.000', nick: 'bo', sub: 'action', at: '#11', text: 'applauds\nand cheers again' },
      { c: '#dev', time: '2024-05-06 09:04:00.000', nick: 'bot', sub: 'notice', at: '#15', text: 'build passed\n  all 42 tests green' },
      { c: '#dev', time: '2024-05-06 09:04:00.000', nick: 'ops', sub: 'notice', at: '#17', text: 'maintenance tonight\n  from 22:00 to 23:00' },
      { c: '#dev', time: '2024-05-06 09:04:00.000', nick: 'bo', sub: '', at: '#20', text: 'no stamp, two lines\nsecond line' },
      { c: 'room', time: '2024-05-06 10:00:00.000', nick: 'ana', sub: '', at: '#2', text: 'SELECT *\n  FROM t\n  WHERE x = 1;' },
      { c: 'room', time: '2024-05-06 10:00:05.000', nick: 'bo', sub: '', at: '#5', text: 'ok' },
    ]);
    const [joined] = await rows(`SELECT user_id, toString(time) AS time FROM admin_events WHERE tenant = 'multi' AND type = 'member.joined'`, {});
    expect(joined).toEqual({ user_id: 'cy', time: '2024-05-06 09:03:00.000' });
    const again = await importInto({ path: dir, tenant: 'multi' });
    expect(again.summary.written).toBe(0);
  });
});

/** Pure parsing pieces of the importers: time zones, chat-log lines, HTML bodies, Slack stamps, ids. */
import { describe, expect, it } from 'vitest';
import { addressedNick, dateFromFileName, parseChatLine } from './chatlog-lines.js';
import { conversationOfFile } from './chatlog.js';
import { contentId, deriveEventId, EventFactory } from './event-ids.js';
import { htmlToText } from './html-text.js';
import { jsonArrayElements } from './json-array-stream.js';
import { Readable } from 'node:stream';
import { slackMentions, slackTsToMs } from './slack-time.js';
import { durationSeconds, mapTeamsMessage } from './teams.js';
import { checkTimeZone, zonedToUtc } from './timezone.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('zonedToUtc', () => {
  it('uses the offset in force on that date', () => {
    expect(iso(zonedToUtc('Europe/Paris', 2024, 1, 15, 12, 0, 0))).toBe('2024-01-15T11:00:00.000Z');
    expect(iso(zonedToUtc('Europe/Paris', 2024, 7, 15, 12, 0, 0))).toBe('2024-07-15T10:00:00.000Z');
    expect(iso(zonedToUtc('America/Chicago', 2015, 7, 23, 21, 32, 7))).toBe('2015-07-24T02:32:07.000Z');
    expect(iso(zonedToUtc('Asia/Kolkata', 2024, 3, 1, 0, 0, 0))).toBe('2024-02-29T18:30:00.000Z');
    expect(iso(zonedToUtc('UTC', 2024, 12, 32, 0, 0, 0))).toBe('2025-01-01T00:00:00.000Z');
  });
  it('reads a skipped wall time with the earlier offset and a repeated one as its first occurrence', () => {
    expect(iso(zonedToUtc('Europe/Paris', 2024, 3, 31, 2, 30, 0))).toBe('2024-03-31T01:30:00.000Z');
    expect(iso(zonedToUtc('Europe/Paris', 2024, 10, 27, 2, 30, 0))).toBe('2024-10-27T00:30:00.000Z');
    expect(iso(zonedToUtc('America/New_York', 2024, 11, 3, 1, 30, 0))).toBe('2024-11-03T05:30:00.000Z');
  });
  it('refuses a name that is not an IANA zone', () => {
    expect(checkTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(() => checkTimeZone('CEST+2')).toThrow(/--timezone: "CEST\+2" is not an IANA time zone/);
  });
});

describe('parseChatLine', () => {
  it('reads messages, actions and the system lines of IRC and XMPP loggers', () => {
    expect(parseChatLine('[12:18] <|trey|> usual, quite stable though  :)')).toEqual({ stamp: { h: 12, mi: 18, s: 0 }, line: { kind: 'message', nick: '|trey|', text: 'usual, quite stable though  :)' } });
    expect(parseChatLine('[2024-03-01 09:05:07] <@op> hi')).toEqual({ stamp: { date: { y: 2024, mo: 3, d: 1 }, h: 9, mi: 5, s: 7 }, line: { kind: 'message', nick: 'op', text: 'hi' } });
    expect(parseChatLine('[12:15] <opteron>')?.line).toEqual({ kind: 'message', nick: 'opteron', text: '' });
    expect(parseChatLine('[10:00]  * mrglinux prefer go on debian..')?.line).toEqual({ kind: 'action', nick: 'mrglinux', text: 'prefer go on debian..' });
    expect(parseChatLine('=== tuxx [~tuxx@0x50a5a424.kd4nxx17.adsl-dhcp.tele.dk]  has joined #ubuntu')).toEqual({ line: { kind: 'join', nick: 'tuxx', channel: '#ubuntu' } });
    expect(parseChatLine('=== topyli [~juha@dsl.inet.fi]  has left #ubuntu ["Leaving"]')?.line).toEqual({ kind: 'part', nick: 'topyli', channel: '#ubuntu', reason: '"Leaving"' });
    expect(parseChatLine('-!- bob [b@h] has quit [Ping timeout]')?.line).toEqual({ kind: 'part', nick: 'bob', channel: '', reason: 'Ping timeout' });
    expect(parseChatLine('=== usual is now known as ubuntor')?.line).toEqual({ kind: 'nick', nick: 'usual', newNick: 'ubuntor' });
    expect(parseChatLine('=== mode/#ubuntu [+o Amaranth]  by ChanServ')?.line).toEqual({ kind: 'mode', nick: 'ChanServ', text: 'mode/#ubuntu [+o Amaranth]' });
    expect(parseChatLine('=== Matt| scrolls up')?.line).toEqual({ kind: 'action', nick: 'Matt|', text: 'scrolls up' });
    expect(parseChatLine('*** Joins: carol (c@h)')?.line).toEqual({ kind: 'join', nick: 'carol', channel: '' });
    expect(parseChatLine('[05:12] -gfxt:#ubuntu- happy hannukah')?.line).toEqual({ kind: 'notice', nick: 'gfxt', text: 'happy hannukah' });
    expect(parseChatLine('[01:09] (soundray/#ubuntu) thomas: have you seen')?.line).toEqual({ kind: 'notice', nick: 'soundray', text: 'thomas: have you seen' });
    expect(parseChatLine('just some words')).toBeUndefined();
  });
  it('finds dates in file names, conversations in file names, and addressed nicks', () => {
    expect(dateFromFileName('dev/2004-11-15_03.raw.txt')).toEqual({ y: 2004, mo: 11, d: 15 });
    expect(dateFromFileName('logs/#ubuntu.log')).toBeUndefined();
    expect(conversationOfFile('logs/#ubuntu.2009-03-03.log')).toBe('#ubuntu');
    const known = new Map([['hrdwrbob', 'HrdwrBoB']]);
    expect(addressedNick('hrdwrbob: how many?', known)).toBe('HrdwrBoB');
    expect(addressedNick('HrdwrBoB, ok', known)).toBe('HrdwrBoB');
    expect(addressedNick('note: nobody', known)).toBeUndefined();
  });
});

describe('htmlToText', () => {
  it('keeps the words, mentions and emoji; decodes entities once', () => {
    expect(htmlToText('<div>Hi <at id="0">Zoë Ñ</at>,<br/>a &lt;b&gt; &amp;amp; b&nbsp;c <emoji id="x" alt="👍"></emoji></div><p>next</p>')).toBe('Hi @Zoë Ñ,\na <b> &amp; b c 👍\nnext');
    expect(htmlToText('<p>x</p><script>alert(1)</script>')).toBe('x');
    expect(htmlToText('')).toBe('');
  });
});

describe('slack stamps, mentions, durations and ids', () => {
  it('converts ts strings without float error', () => {
    expect(slackTsToMs('1437705127.000003')).toBe(1437705127000);
    expect(slackTsToMs('1437705127.999999')).toBe(1437705127999);
    expect(slackTsToMs('1469998418')).toBe(1469998418000);
    expect(slackTsToMs('yesterday')).toBeNaN();
    expect(slackMentions('<@U1AB|x> and <@W2CD> and <@U1AB>, not <#C123> or <!here>')).toEqual(['U1AB', 'W2CD']);
  });
  it('reads ISO 8601 durations', () => {
    expect(durationSeconds('PT1H2M3S')).toBe(3723);
    expect(durationSeconds('PT0.6S')).toBe(1);
    expect(durationSeconds('P1DT1S')).toBe(86401);
    expect(durationSeconds('1 hour')).toBeUndefined();
  });
  it('derives the same id from the same key, a different one from any other', () => {
    const a = deriveEventId('slack', 'slack://T1', ['message.created', 'C1', '1.2']);
    expect(a).toMatch(/^slack-[0-9a-f]{32}$/);
    // Pinned: an id that changes between versions would store a re-imported export twice.
    expect(a).toBe('slack-944599a7b1633fdabb972939dbea0073');
    expect(contentId(['#c', 1700000000000, 'message', 'nick', 'grüße 👋', 0])).toBe('2e7f7f5ae35a6406b5a9a3d6');
    expect(deriveEventId('slack', 'slack://T1', ['message.created', 'C1', '1.2'])).toBe(a);
    expect(deriveEventId('slack', 'slack://T2', ['message.created', 'C1', '1.2'])).not.toBe(a);
    expect(deriveEventId('slack', 'slack://T1', ['message.created', 'C1', '1.20'])).not.toBe(a);
    expect(deriveEventId('slack', 'slack://T1', ['message.created', 'C1\u00001.2'])).not.toBe(a);
    expect(deriveEventId('slack', 'slack://T1', ['message.created', 'C1', '1.2', ''])).not.toBe(a);
  });
});

describe('jsonArrayElements', () => {
  const all = async (chunks: Array<string | Buffer>) => {
    const out = [];
    for await (const el of jsonArrayElements(Readable.from(chunks.map((c) => Buffer.from(c))))) out.push(el);
    return out;
  };
  it('yields each element, across chunk boundaries, strings with brackets and escapes included', async () => {
    const values = [{ a: 'x]}\\"y[{', b: [1, { c: null }] }, 42, 's,t', { d: 'é 👋' }];
    const text = '\ufeff[ ' + values.map((v) => JSON.stringify(v)).join(' ,\n') + ' ]\n';
    for (const size of [1, 2, 3, 7, 1000]) {
      // Byte chunks: multi-byte characters (é, 👋) are split across chunks too.
      const bytes = Buffer.from(text);
      const chunks = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect(await all(chunks)).toEqual(values.map((value, index) => ({ index, value })));
    }
  });
  it('gives the same elements whether the file is parsed whole or scanned', async () => {
    const values = [{ a: 'x]}\\"y[{', b: [1, { c: null }] }, 42, 's,t', { d: 'é 👋' }];
    const text = '[' + values.map((v) => JSON.stringify(v)).join(',\n') + ']';
    const read = async (wholeBytes: number) => {
      const out = [];
      for await (const el of jsonArrayElements(Readable.from([Buffer.from(text.slice(0, 5)), Buffer.from(text.slice(5))]), wholeBytes)) out.push(el);
      return out;
    };
    const expected = values.map((value, index) => ({ index, value }));
    expect(await read(1 << 20)).toEqual(expected);
    expect(await read(1)).toEqual(expected);
  });
  it('reports a broken element and goes on; refuses what is not an array', async () => {
    const out = await all(['[{"a": 1}, {"b": tru}, {"c": 3}]']);
    expect(out.map((e) => ('error' in e ? `${e.index}:error` : `${e.index}:ok`))).toEqual(['0:ok', '1:error', '2:ok']);
    expect(await all(['[]'])).toEqual([]);
    await expect(all(['{"value": []}'])).rejects.toThrow(/not a JSON array/);
    await expect(all(['[{"a": 1}'])).rejects.toThrow(/ends before the closing/);
  });
});

describe('teams system messages outside the documented list', () => {
  const f = new EventFactory('teams', 't', 'msteams://graph');
  const system = (detail: Record<string, unknown>) => ({
    id: '1', messageType: 'systemEventMessage', createdDateTime: '2024-01-01T00:00:00Z', chatId: '19:x@thread.v2',
    body: { contentType: 'html', content: '<systemEventMessage/>' }, eventDetail: detail,
  });
  const initiator = { user: { id: 'u1' } };
  it('chatCreatedEventMessageDetail (sent, not documented) creates the chat', () => {
    const [out] = mapTeamsMessage(f, system({ '@odata.type': '#microsoft.graph.chatCreatedEventMessageDetail', chatDisplayName: 'Plan', initiator }), '#1');
    expect(out).toMatchObject({ kind: 'event', event: { type: 'conversation.created', data: { conversation_id: '19:x@thread.v2', name: 'Plan', conversation_type: 'group_dm', created_by: 'u1' } } });
  });
  it('a type Graph adds later is kept as a record of its subtype, with its detail', () => {
    const detail = { '@odata.type': '#microsoft.graph.somethingNewEventMessageDetail', initiator, x: 1 };
    const [out] = mapTeamsMessage(f, system(detail), '#1');
    expect(out).toMatchObject({ kind: 'event', event: { type: 'message.created', data: { author_id: 'u1', subtype: 'somethingNewEventMessageDetail', event_detail: detail } } });
  });
  it('members added without members is reported, not dropped', () => {
    expect(mapTeamsMessage(f, system({ '@odata.type': '#microsoft.graph.membersAddedEventMessageDetail', members: [], initiator }), '#1'))
      .toEqual([{ kind: 'problem', at: '#1.eventDetail.members', reason: 'no_members', detail: 'membersAddedEventMessageDetail names no members' }]);
  });
});

/**
 * A record that makes a step throw is reported with the error as its reason and
 * the records around it are imported, in every format, through the real store.
 * The inputs are ones real exports can hold: a value nested 40,000 levels deep
 * (JSON.parse reads it, JSON.stringify overflows the stack on it) and `null`
 * where the mapper expects an object.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { createEventWriter } from '../event-writer.js';
import { collectingReport } from './report.js';
import { runImport, type ImportOptions } from './run-import.js';
import { createStoreSink } from './sinks.js';

let ts: TestStore;
let work: string;
beforeAll(async () => {
  ts = await openTestStore('importers-record-errors');
  work = mkdtempSync(join(tmpdir(), 'custos-record-errors-'));
});
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await ts?.close();
});

async function importInto(o: ImportOptions) {
  const report = collectingReport();
  const summary = await runImport(o, { sink: createStoreSink(createEventWriter(ts.store), 100), report });
  return { summary, report };
}
const count = async (sql: string) => Number((await ts.store.query<{ n: string }>('test', sql, {}))[0]!.n);

const message = (id: string, text: string) => JSON.stringify({
  specversion: '1.0', id, source: 'test://deep', type: 'message.created', time: '2026-11-24T10:00:00Z', tenant: 'deep',
  data: { message_id: id, conversation_id: 'c1', conversation_type: 'channel', author_id: 'u1', text },
});

describe('a record that cannot be read is reported, the rest is imported', () => {
  it('events: a message.created whose unknown field is nested 40,000 levels deep, among valid lines', async () => {
    // Written as text: JSON.stringify itself cannot write a value this deep.
    const deepLine = `${message('m2', 'deep').slice(0, -2)},"nested":${'['.repeat(40_000)}${']'.repeat(40_000)}}}`;
    expect(() => JSON.parse(deepLine)).not.toThrow();
    const path = join(work, 'deep.jsonl');
    writeFileSync(path, [message('m1', 'before'), deepLine, message('m3', 'after')].join('\n') + '\n');
    const { summary, report } = await importInto({ format: 'events', path, tenant: 'deep' });
    expect(report.problems).toEqual([{ file: 'deep.jsonl', at: '#2', reason: expect.any(String), detail: expect.stringMatching(/./) }]);
    expect(summary).toMatchObject({ records: 3, written: 2, problems: 1 });
    expect(summary.problemsByReason[report.problems[0]!.reason]).toBe(1);
    expect(await count(`SELECT count() AS n FROM message_versions WHERE tenant = 'deep' AND text IN ('before', 'after')`)).toBe(2);
  });

  it('slack: a message whose reactions hold null (the mapper throws) among valid messages', async () => {
    const root = join(work, 'slack');
    mkdirSync(join(root, 'general'), { recursive: true });
    writeFileSync(join(root, 'channels.json'), JSON.stringify([{ id: 'C1', name: 'general', created: 1709251200, creator: 'U1', members: ['U1'] }]));
    writeFileSync(join(root, 'general', '2024-03-01.json'), JSON.stringify([
      { type: 'message', user: 'U1', text: 'first', ts: '1709287200.000100' },
      { type: 'message', user: 'U1', text: 'broken', ts: '1709287260.000200', reactions: [null] },
      { type: 'message', user: 'U1', text: 'third', ts: '1709287320.000300' },
    ]));
    const { summary, report } = await importInto({ format: 'slack', path: root, tenant: 'slack-err' });
    expect(report.problems.map((p) => [p.file, p.at, p.reason])).toEqual([['general/2024-03-01.json', '#[1]', 'record_error']]);
    expect(report.problems[0]!.detail).toMatch(/^map: TypeError: /);
    expect(summary.problems).toBe(1);
    // Nothing of the half-mapped message is stored, everything around it is.
    expect(await count(`SELECT count() AS n FROM message_versions WHERE tenant = 'slack-err'`)).toBe(2);
  });

  it('teams: a message whose mentions hold null among valid messages', async () => {
    const path = join(work, 'teams.jsonl');
    const chat = (id: string, extra: Record<string, unknown> = {}) => JSON.stringify({
      id, messageType: 'message', createdDateTime: '2021-02-02T18:19:52.105Z', chatId: '19:a_b@unq.gbl.spaces',
      from: { user: { id: 'u1' } }, body: { contentType: 'text', content: `text ${id}` }, ...extra,
    });
    writeFileSync(path, [chat('1'), chat('2', { mentions: [null] }), chat('3')].join('\n') + '\n');
    const { summary, report } = await importInto({ format: 'teams', path, tenant: 'teams-err' });
    expect(report.problems.map((p) => [p.at, p.reason])).toEqual([['#2', 'record_error']]);
    expect(summary).toMatchObject({ records: 3, written: 2 });
  });
});

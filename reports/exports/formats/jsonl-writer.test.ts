import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExportContext } from '../export-record.js';
import { fixtureMessages, flatFixture, type FlatFixtureOptions } from '../testing/flat-fixture.js';
import type { FormatWriterFactory, WrittenFile } from './format-writer.js';
import { createJsonlWriter, JSONL_FILE } from './jsonl-writer.js';
import { WriterClosedError } from './flat-chunks.js';

const FIXTURE: FlatFixtureOptions = { conversations: 5, days: 3, messagesPerDay: 30 };
const CTX: ExportContext = { packageId: 'job-1', tenant: 'acme', asOf: '2026-12-01T00:00:00.000Z', generator: 'custos test' };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function run(factory: FormatWriterFactory, options: FlatFixtureOptions = FIXTURE): Promise<{ dir: string; files: WrittenFile[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'custos-jsonl-'));
  dirs.push(dir);
  const w = factory(dir, CTX);
  for (const g of flatFixture(options)) await w.write(g);
  return { dir, files: await w.close() };
}

describe('JSON Lines writer', () => {
  it('writes one line per message, each with every field of the message and its conversation', async () => {
    const { dir } = await run(createJsonlWriter);
    const text = readFileSync(join(dir, JSONL_FILE), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.includes('\r\n')).toBe(false);
    const lines = text.slice(0, -1).split('\n');
    const expected = fixtureMessages(FIXTURE);
    expect(lines).toHaveLength(expected.length);
    lines.forEach((line, i) => {
      const { conversation, message } = expected[i]!;
      expect(JSON.parse(line)).toEqual({ ...message, conversation_name: conversation.name, conversation_type: conversation.conversation_type });
    });
  });

  it('carries every message and every version exactly once', async () => {
    const { dir } = await run(createJsonlWriter);
    const records = readFileSync(join(dir, JSONL_FILE), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { message_id: string; versions: Array<{ event_id: string }> });
    const expected = fixtureMessages(FIXTURE);
    expect(new Set(records.map((r) => r.message_id)).size).toBe(records.length);
    expect(records.map((r) => r.message_id).sort()).toEqual(expected.map((e) => e.message.message_id).sort());
    const versions = records.flatMap((r) => r.versions.map((v) => v.event_id));
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions.sort()).toEqual(expected.flatMap((e) => e.message.versions.map((v) => v.event_id)).sort());
  });

  it('the fixture covers edits, deletions, shared milliseconds, threads, removed reactions, attachments and tricky text', () => {
    const all = fixtureMessages(FIXTURE).map((e) => e.message);
    expect(all.some((m) => m.versions.length === 3)).toBe(true);
    expect(all.some((m) => m.deletion !== null)).toBe(true);
    expect(all.some((m, i) => i > 0 && all[i - 1]!.time === m.time)).toBe(true);
    expect(all.some((m) => m.thread_position > 1)).toBe(true);
    expect(all.some((m) => m.reactions.history.some((r) => r.action === 'removed'))).toBe(true);
    expect(all.some((m) => m.attachments.length === 2)).toBe(true);
    const texts = all.flatMap((m) => m.versions.map((v) => v.text)).join('');
    for (const s of [',', '"', '\r\n', '\n', 'é', 'ç', '👍🏽', '\t']) expect(texts).toContain(s);
    expect(all.some((m) => m.versions.some((v) => /\r(?!\n)/.test(v.text)))).toBe(true);
  });

  it('writes keys in one fixed order whatever order the input objects were built in', async () => {
    const dirA = mkdtempSync(join(tmpdir(), 'custos-jsonl-'));
    const dirB = mkdtempSync(join(tmpdir(), 'custos-jsonl-'));
    dirs.push(dirA, dirB);
    const a = createJsonlWriter(dirA, CTX);
    const b = createJsonlWriter(dirB, CTX);
    const reverse = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).reverse()) as T;
    for (const g of flatFixture(FIXTURE)) {
      await a.write(g);
      await b.write({ ...g, messages: g.messages.map((m) => reverse({ ...m, versions: m.versions.map(reverse), deletion: m.deletion && reverse(m.deletion) })) });
    }
    const [fa] = await a.close();
    const [fb] = await b.close();
    expect(fb!.sha256).toBe(fa!.sha256);
    const first = JSON.parse(readFileSync(join(dirA, JSONL_FILE), 'utf8').split('\n')[0]!) as object;
    expect(Object.keys(first).slice(0, 5)).toEqual(['tenant', 'conversation_id', 'conversation_name', 'conversation_type', 'message_id']);
  });

  it('two runs over the same input give byte-identical files, and the digests are those of the bytes', async () => {
    const one = await run(createJsonlWriter);
    const two = await run(createJsonlWriter);
    const bytes = readFileSync(join(one.dir, JSONL_FILE));
    expect(readFileSync(join(two.dir, JSONL_FILE)).equals(bytes)).toBe(true);
    expect(one.files).toEqual([{ path: JSONL_FILE, messages: fixtureMessages(FIXTURE).length, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), sha512: createHash('sha512').update(bytes).digest('hex') }]);
    expect(two.files).toEqual(one.files);
  });

  it('writes an empty file for an empty set, and refuses a write after close', async () => {
    const { dir, files } = await run(createJsonlWriter, { conversations: 0, days: 0, messagesPerDay: 0 });
    expect(readFileSync(join(dir, JSONL_FILE)).length).toBe(0);
    expect(files[0]).toMatchObject({ path: JSONL_FILE, messages: 0, bytes: 0 });
    const w = createJsonlWriter(dir, CTX);
    await w.close();
    const [group] = flatFixture({ conversations: 1, days: 1, messagesPerDay: 1 });
    await expect(w.write(group!)).rejects.toBeInstanceOf(WriterClosedError);
  });

  it('splits output larger than one chunk without losing or repeating a line', async () => {
    const big: FlatFixtureOptions = { conversations: 2, days: 2, messagesPerDay: 2_500 };
    const { dir, files } = await run(createJsonlWriter, big);
    const text = readFileSync(join(dir, JSONL_FILE), 'utf8');
    expect(files[0]!.bytes).toBeGreaterThan(2 << 20);
    const ids = text.trimEnd().split('\n').map((l) => (JSON.parse(l) as { message_id: string }).message_id);
    expect(ids).toEqual(fixtureMessages(big).map((e) => e.message.message_id));
  });
});

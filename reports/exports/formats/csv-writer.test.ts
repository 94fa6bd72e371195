import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExportContext } from '../export-record.js';
import { fixtureMessages, flatFixture, type FlatFixtureOptions } from '../testing/flat-fixture.js';
import type { WrittenFile } from './format-writer.js';
import { createCsvWriter, CSV_FILE } from './csv-writer.js';
import { csvField } from './csv-row.js';

const FIXTURE: FlatFixtureOptions = { conversations: 5, days: 3, messagesPerDay: 30 };
const CTX: ExportContext = { packageId: 'job-1', tenant: 'acme', asOf: '2026-12-01T00:00:00.000Z', generator: 'custos test' };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function run(options: FlatFixtureOptions = FIXTURE): Promise<{ bytes: Buffer; files: WrittenFile[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'custos-csv-'));
  dirs.push(dir);
  const w = createCsvWriter(dir, CTX);
  for (const g of flatFixture(options)) await w.write(g);
  const files = await w.close();
  return { bytes: readFileSync(join(dir, CSV_FILE)), files };
}

/** What each version row must say, from the generator's own objects. */
const JSON_COLUMNS = ['mentions', 'attachments', 'reactions_current', 'reactions_history'];

/** List cells are JSON: compare their values, not their key order (the writer fixes its own order). */
function decodeLists(row: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, JSON_COLUMNS.includes(k) ? JSON.parse(v) : v]));
}

function expectedRows(options: FlatFixtureOptions): Array<Record<string, unknown>> {
  return fixtureMessages(options).flatMap(({ conversation: c, message: m }) =>
    m.versions.map((v) => ({
      tenant: m.tenant,
      conversation_id: m.conversation_id,
      conversation_name: c.name,
      conversation_type: c.conversation_type,
      message_id: m.message_id,
      version_index: String(v.index),
      version_kind: v.kind,
      is_current_version: String(v.current),
      version_time: v.time,
      version_by: v.by,
      text: v.text,
      author_id: m.author_id,
      message_time: m.time,
      thread_id: m.thread_id,
      thread_position: String(m.thread_position),
      deleted: String(m.deletion !== null),
      deleted_at: m.deletion?.time ?? '',
      deleted_by: m.deletion?.deleted_by ?? '',
      deletion_event_id: m.deletion?.event_id ?? '',
      mentions: m.mentions,
      attachments: m.attachments,
      reactions_current: m.reactions.current,
      reactions_history: m.reactions.history,
      context: String(m.context),
      source: m.source,
      event_id: v.event_id,
      origin: v.origin,
    })),
  );
}

describe('CSV writer', () => {
  it('parsed back by an RFC 4180 parser, has one row per version equal to the versions, in order', async () => {
    const { bytes } = await run();
    const rows = parse(bytes, { bom: true, columns: true, record_delimiter: '\r\n', relax_quotes: false }) as Array<Record<string, string>>;
    expect(rows.map(decodeLists)).toEqual(expectedRows(FIXTURE));
  });

  it('carries every message and every version exactly once', async () => {
    const { bytes, files } = await run();
    const rows = parse(bytes, { bom: true, columns: true }) as Array<Record<string, string>>;
    const expected = fixtureMessages(FIXTURE);
    const keys = rows.map((r) => `${r.message_id}/${r.version_index}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(expected.flatMap((e) => e.message.versions.map((v) => `${e.message.message_id}/${v.index}`)).sort());
    expect(new Set(rows.map((r) => r.message_id)).size).toBe(expected.length);
    expect(files[0]!.messages).toBe(expected.length);
  });

  it('starts with a UTF-8 BOM and the header, ends every record with CRLF and has no bare CR or LF outside quotes', async () => {
    const { bytes } = await run();
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.startsWith('tenant,conversation_id,conversation_name,conversation_type,message_id,version_index,')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    const outsideQuotes = text.replace(/"(?:[^"]|"")*"/g, 'Q');
    expect(outsideQuotes).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
    expect(outsideQuotes.split('\r\n').length - 1).toBe(1 + expectedRows(FIXTURE).length);
  });

  it('quotes exactly the fields RFC 4180 requires and doubles their quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('=SUM(A1)')).toBe('=SUM(A1)');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('a\rb')).toBe('"a\rb"');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField('')).toBe('');
  });

  it('keeps formula-like and non-ASCII text byte-exact', async () => {
    const { bytes } = await run();
    const text = bytes.toString('utf8');
    expect(text).toContain(',=SUM(A1:A3) #');
    expect(text).toContain(',+33 1 23 45 67 89 #');
    expect(text).toContain('"Réunion à 10h, déjà prévue — ça va ? Noël, garçon, œuvre #');
    expect(text).toContain('thumbs 👍🏽 and family 👨‍👩‍👧 and flag 🇫🇷');
  });

  it('two runs over the same input give byte-identical files', async () => {
    const one = await run();
    const two = await run();
    expect(two.bytes.equals(one.bytes)).toBe(true);
    expect(two.files).toEqual(one.files);
  });

  it('gives a message without any version one row with empty version cells, so no message is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-csv-'));
    dirs.push(dir);
    const [group] = flatFixture({ conversations: 1, days: 1, messagesPerDay: 2 });
    const w = createCsvWriter(dir, CTX);
    await w.write({ ...group!, messages: [{ ...group!.messages[0]!, versions: [] }, group!.messages[1]!] });
    await w.close();
    const rows = parse(readFileSync(join(dir, CSV_FILE)), { bom: true, columns: true, record_delimiter: '\r\n' }) as Array<Record<string, string>>;
    const bare = expectedRows({ conversations: 1, days: 1, messagesPerDay: 1 })[0]!;
    const empty = { version_index: '', version_kind: '', is_current_version: '', version_time: '', version_by: '', text: '', event_id: '', origin: '' };
    expect(rows.map(decodeLists)).toEqual([{ ...bare, ...empty }, ...expectedRows({ conversations: 1, days: 1, messagesPerDay: 2 }).slice(group!.messages[0]!.versions.length)]);
  });

  it('an empty set gives the BOM and the header alone', async () => {
    const { bytes, files } = await run({ conversations: 0, days: 0, messagesPerDay: 0 });
    expect(bytes.toString('utf8')).toBe('\uFEFF' + Object.keys(expectedRows({ conversations: 1, days: 1, messagesPerDay: 1 })[0]!).join(',') + '\r\n');
    expect(files[0]).toMatchObject({ messages: 0, bytes: bytes.length });
  });
});

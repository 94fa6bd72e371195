import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode as decodeEntities } from 'html-entities';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDay, ExportMessage } from '../export-record.js';
import { generateConversationDays, type GeneratedExport } from '../testing/conversation-day-generator.js';
import { countOccurrences, decodeEncodedWords, normaliseNewlines, parseWithPython, pyAddresses, pyHeader, rawLines, type PythonParse, removeTempDirs, tempDir } from '../testing/mail-checks.js';
import { createEmlWriter } from './eml.js';
import type { WrittenFile } from './format-writer.js';
import { pathSafeName } from './path-safe-name.js';

interface Output {
  dir: string;
  files: WrittenFile[];
}

async function writeAll(set: GeneratedExport): Promise<Output> {
  const dir = tempDir('custos-eml-');
  const writer = createEmlWriter(dir, set.ctx);
  for (const group of set.groups) await writer.write(group);
  return { dir, files: await writer.close() };
}

const set = generateConversationDays();
const allMessages = set.groups.flatMap((g) => g.messages);
let out: Output;
let python: Map<string, PythonParse>;
const mailparser = new Map<ConversationDay, ParsedMail>();

const pathOf = (g: ConversationDay): string => `eml/${pathSafeName(g.conversation.conversation_id)}/${g.day}.eml`;
const absolute = (g: ConversationDay): string => join(out.dir, ...pathOf(g).split('/'));
const py = (g: ConversationDay): PythonParse => python.get(absolute(g))!;
const pyText = (g: ConversationDay, type: string): string =>
  normaliseNewlines(py(g).parts.find((p) => p.content_type === type)!.content);
const headingCount = (text: string, id: string): number => text.split('\n').filter((l) => l.endsWith(`  #${id}`)).length;
const personName = (id: string): string => set.people.get(id)?.display_name || id;

beforeAll(async () => {
  out = await writeAll(set);
  python = parseWithPython(set.groups.map(absolute));
  for (const g of set.groups) mailparser.set(g, await simpleParser(readFileSync(absolute(g))));
});

afterAll(removeTempDirs);

describe('EML writer', () => {
  it('writes one file per conversation and UTC day, with digests of the bytes on disk', () => {
    expect(out.files.map((f) => f.path)).toEqual(set.groups.map(pathOf));
    for (const [i, f] of out.files.entries()) {
      const bytes = readFileSync(join(out.dir, f.path));
      expect(f.bytes).toBe(bytes.length);
      expect(f.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(f.sha512).toBe(createHash('sha512').update(bytes).digest('hex'));
      expect(f.messages).toBe(set.groups[i]!.messages.length);
    }
  });

  it("parses with no defect in Python's email package (policy.default), message, parts and header fields", () => {
    for (const g of set.groups) {
      const p = py(g);
      expect(p.defects, p.path).toEqual([]);
      expect(p.part_defects, p.path).toEqual([]);
      expect(p.header_defects, p.path).toEqual([]);
      expect(p.content_type).toBe('multipart/alternative');
      expect(p.parts.map((part) => part.content_type)).toEqual(['text/plain', 'text/html']);
    }
  });

  it('keeps every line within 998 octets (header lines within 78, 76 with encoded-words), 7-bit, and ends every line with CRLF', () => {
    for (const g of set.groups) {
      const data = readFileSync(absolute(g));
      const { lines, bareLineFeeds } = rawLines(data);
      expect(bareLineFeeds).toBe(0);
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(998);
      const headerEnd = lines.findIndex((l) => l.length === 0);
      const header = lines.slice(0, headerEnd);
      expect(Math.max(...header.map((l) => l.length))).toBeLessThanOrEqual(78);
      // RFC 2047 section 2: a line holding an encoded-word is at most 76 characters.
      expect(header.filter((l) => l.includes('=?') && l.length > 76).map(String)).toEqual([]);
      expect(data.every((b) => b < 0x80)).toBe(true);
    }
  });

  it('puts every message heading in exactly the file of its conversation and day, once', () => {
    for (const g of set.groups) {
      const text = pyText(g, 'text/plain');
      for (const m of allMessages) {
        const mine = g.messages.includes(m);
        expect(headingCount(text, m.message_id), `${m.message_id} in ${pathOf(g)}`).toBe(mine ? 1 : 0);
      }
    }
  });

  it('shows every version text exactly once, in the text and in the HTML transcript', () => {
    for (const g of set.groups) {
      const text = pyText(g, 'text/plain');
      const htmlTexts = [...pyText(g, 'text/html').matchAll(/<div class="text[^"]*">([^<]*)<\/div>/g)].map((m) => decodeEntities(m[1]!));
      const expected = g.messages.flatMap((m) => m.versions.map((v) => normaliseNewlines(v.text)));
      for (const v of expected) expect(countOccurrences(text, v), v.slice(0, 40)).toBe(1);
      expect([...htmlTexts].sort()).toEqual([...expected].sort());
    }
  });

  it('labels edits with the earlier versions, deletions with who and when, reactions with who, attachments with name, size and SHA-256', () => {
    for (const g of set.groups) {
      const text = pyText(g, 'text/plain');
      for (const m of g.messages) expectMessageDetails(text, m);
    }
  });

  it('puts thread replies under their root, in thread order, and marks a reply whose root is on another day', () => {
    for (const g of set.groups) {
      const lines = pyText(g, 'text/plain').split('\n');
      const headingAt = (id: string): number => lines.findIndex((l) => l.endsWith(`  #${id}`));
      const ids = new Set(g.messages.map((m) => m.message_id));
      for (const m of g.messages.filter((x) => x.thread_id !== '' && x.thread_id !== x.message_id)) {
        const line = lines[headingAt(m.message_id)]!;
        if (ids.has(m.thread_id)) {
          expect(line.startsWith(`  -> reply ${m.thread_position} in thread #${m.thread_id}: `)).toBe(true);
          const root = headingAt(m.thread_id);
          const between = lines.slice(root + 1, headingAt(m.message_id)).filter((l) => / {2}#\S+$/.test(l) && !l.startsWith('  -> '));
          expect(between, `nothing but replies between #${m.thread_id} and #${m.message_id}`).toEqual([]);
        } else {
          expect(lines[headingAt(m.message_id) + 1]).toBe(`Reply ${m.thread_position} in thread #${m.thread_id} (its root is not in this file)`);
        }
      }
    }
    const roots = allMessages.filter((m) => m.thread_id === m.message_id);
    expect(roots.length).toBeGreaterThan(0);
  });

  it('escapes everything in the HTML part', () => {
    const hostile = set.groups.find((g) => g.messages.some((m) => m.versions.some((v) => v.text.includes('<script>'))))!;
    const html = pyText(hostile, 'text/html');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>bold');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain(`${hostile.conversation.name}`);
    expect(html).toContain(`<title>${'Général ✨ &lt;ops&gt; &amp; &quot;friends&quot;'}`);
  });

  it('names the participants in From and To with directory e-mails, or an addr-spec under .invalid, and RFC 2047 display names', () => {
    for (const g of set.groups) {
      const p = py(g);
      const from = pyAddresses(p, 'From');
      const to = pyAddresses(p, 'To');
      const first = g.messages[0]!.author_id;
      expect(from).toEqual([[set.people.get(first)!.display_name, expectedAddress(first)]]);
      const everyone = [...from, ...to].map(([, addr]) => addr);
      for (const id of g.people.keys()) expect(everyone).toContain(expectedAddress(id));
      for (const [display, addr] of [...from, ...to]) {
        const id = [...set.people.values()].find((person) => expectedAddress(person.user_id) === addr)?.user_id;
        expect(display, addr).toBe(id === undefined ? '' : set.people.get(id)!.display_name);
      }
    }
    const raw = readFileSync(absolute(set.groups[0]!), 'latin1');
    expect(raw).toMatch(/=\?UTF-8\?B\?/);
  });

  it("lists every participant in the transcripts with the directory's e-mail as it is, non-ASCII ones too", () => {
    for (const g of set.groups) {
      const text = pyText(g, 'text/plain');
      const html = decodeEntities(pyText(g, 'text/html'));
      for (const person of g.people.values()) {
        const label = person.display_name ? `${person.display_name} (${person.user_id})` : person.user_id;
        const entry = person.email ? `${label} <${person.email}>` : label;
        expect(text.split('\n')).toContain(`  ${entry}`);
        expect(html).toContain(`<li>${entry}</li>`);
      }
    }
  });

  it('has Date = first message, a Subject naming conversation and day, a Message-ID and the X-Custos headers (both parsers agree)', () => {
    for (const g of set.groups) {
      const p = py(g);
      const mp = mailparser.get(g)!;
      const first = new Date(g.messages[0]!.time);
      first.setUTCMilliseconds(0);
      expect(mp.date?.toISOString()).toBe(first.toISOString());
      const name = g.conversation.name || g.conversation.conversation_id;
      for (const subject of [pyHeader(p, 'Subject'), mp.subject]) {
        expect(subject).toContain(name);
        expect(subject).toContain(g.day);
      }
      expect(mp.messageId).toMatch(/^<[0-9a-f]{40}\.eml@custos\.invalid>$/);
      expect(pyHeader(p, 'Message-ID')).toBe(mp.messageId);
      const custom: Record<string, string> = {
        'X-Custos-Conversation-Id': g.conversation.conversation_id,
        'X-Custos-Package-Id': set.ctx.packageId,
        'X-Custos-Tenant': set.ctx.tenant,
        'X-Custos-Day': g.day,
      };
      for (const [name2, value] of Object.entries(custom)) {
        expect(pyHeader(p, name2), name2).toBe(value);
        expect(decodedMailparserHeader(mp, name2), name2).toBe(value);
      }
    }
  });

  it('decodes to the same transcripts in mailparser as in Python', () => {
    for (const g of set.groups) {
      const mp = mailparser.get(g)!;
      expect(normaliseNewlines(mp.text ?? '').trimEnd()).toBe(pyText(g, 'text/plain').trimEnd());
      expect(normaliseNewlines(typeof mp.html === 'string' ? mp.html : '').trimEnd()).toBe(pyText(g, 'text/html').trimEnd());
      const from = (mp.from as AddressObject).value[0]!;
      expect(from.address).toBe(expectedAddress(g.messages[0]!.author_id));
      expect(from.name).toBe(personName(g.messages[0]!.author_id));
    }
  });

  it('writes byte-identical files when run again on the same input', async () => {
    const again = await writeAll(generateConversationDays());
    expect(again.files.map((f) => [f.path, f.sha256, f.sha512, f.bytes])).toEqual(out.files.map((f) => [f.path, f.sha256, f.sha512, f.bytes]));
    for (const f of out.files) expect(readFileSync(join(again.dir, f.path)).equals(readFileSync(join(out.dir, f.path)))).toBe(true);
  });

  it('refuses a conversation-day given twice, naming it', async () => {
    const writer = createEmlWriter(tempDir('custos-eml-'), set.ctx);
    await writer.write(set.groups[0]!);
    await expect(writer.write(set.groups[0]!)).rejects.toThrow(/eml: conversation "C-Général\/ops", day 2026-11-24: .* already written/);
  });
});

/** The generator's directory e-mail when it is plain ASCII; otherwise the documented fallback, spelled out here. */
function expectedAddress(userId: string): string {
  const email = set.people.get(userId)?.email ?? '';
  if (/^[a-z0-9.]+@[a-z0-9.]+$/.test(email)) return email;
  const local = [...Buffer.from(userId, 'utf8')].map((b) => (/[A-Za-z0-9_-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase()}`)).join('');
  return `${local}@${set.ctx.tenant}.custos.invalid`;
}

function decodedMailparserHeader(mp: ParsedMail, name: string): string | undefined {
  const value = mp.headers.get(name.toLowerCase());
  return typeof value === 'string' ? decodeEncodedWords(value) : undefined;
}

function expectMessageDetails(text: string, m: ExportMessage): void {
  const label = (id: string): string => (set.people.get(id)?.display_name ? `${set.people.get(id)!.display_name} (${id})` : id);
  const utc = (iso: string): string => `${iso.replace('T', ' ').replace('Z', '')} UTC`;
  if (m.versions.length > 1) {
    for (const v of m.versions) {
      const line = `[Version ${v.index}${v.current ? ', current' : ''}: ${v.kind} ${utc(v.time)} by ${label(v.by)}]\n${normaliseNewlines(v.text)}\n`;
      expect(countOccurrences(text, line), line).toBe(1);
    }
  }
  if (m.deletion) expect(countOccurrences(text, `[Deleted ${utc(m.deletion.time)} by ${label(m.deletion.deleted_by)}]`)).toBe(1);
  else expect(text).not.toContain(`#${m.message_id}\n[Deleted`);
  for (const r of m.reactions.history) {
    expect(countOccurrences(text, `[Reaction ${r.emoji} ${r.action} by ${label(r.user_id)} at ${utc(r.time)}]`)).toBe(1);
  }
  for (const a of m.attachments) {
    const line = text.split('\n').find((l) => l.startsWith(`[Attachment: ${a.name} (`));
    expect(line, a.name).toBeDefined();
    expect(line).toContain(`${a.size} bytes`);
    expect(line).toContain(`SHA-256 ${a.sha256}`);
  }
}

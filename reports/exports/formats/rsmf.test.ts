import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDay } from '../export-record.js';
import { generateConversationDays, type GeneratedExport } from '../testing/conversation-day-generator.js';
import { parseWithPython, pyHeader, rawLines, type PythonParse, removeTempDirs, tempDir } from '../testing/mail-checks.js';
import { assertValidatorAvailable, validateRsmf } from '../testing/rsmf-validator.js';
import type { WrittenFile } from './format-writer.js';
import { pathSafeName } from './path-safe-name.js';
import { createRsmfWriter } from './rsmf.js';
import type { RsmfEvent, RsmfManifest } from './rsmf-manifest.js';

interface ZipEntry {
  name: string;
  data: Buffer;
  dosTime: number;
  dosDate: number;
}

async function writeAll(set: GeneratedExport): Promise<{ dir: string; files: WrittenFile[] }> {
  const dir = tempDir('custos-rsmf-');
  const writer = createRsmfWriter(dir, set.ctx);
  for (const group of set.groups) await writer.write(group);
  return { dir, files: await writer.close() };
}

function unzip(buffer: Buffer): Promise<ZipEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) => {
      if (err) return reject(err);
      const entries: ZipEntry[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.push({ name: entry.fileName, data: Buffer.concat(chunks), dosTime: entry.lastModFileTime, dosDate: entry.lastModFileDate });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const set = generateConversationDays();
const allMessages = set.groups.flatMap((g) => g.messages);
let out: { dir: string; files: WrittenFile[] };
let python: Map<string, PythonParse>;
const zips = new Map<ConversationDay, ZipEntry[]>();
const manifests = new Map<ConversationDay, RsmfManifest>();

const pathOf = (g: ConversationDay): string => `rsmf/${pathSafeName(g.conversation.conversation_id)}/${g.day}.rsmf`;
const absolute = (g: ConversationDay): string => join(out.dir, ...pathOf(g).split('/'));
const events = (g: ConversationDay): RsmfEvent[] => manifests.get(g)!.events;

beforeAll(async () => {
  out = await writeAll(set);
  python = parseWithPython(set.groups.map(absolute));
  for (const g of set.groups) {
    const zipPart = python.get(absolute(g))!.parts.find((p) => p.filename === 'rsmf.zip')!;
    const entries = await unzip(Buffer.from(zipPart.content, 'base64'));
    zips.set(g, entries);
    manifests.set(g, JSON.parse(entries[0]!.data.toString('utf8')) as RsmfManifest);
  }
});

afterAll(removeTempDirs);

describe('RSMF writer', () => {
  it("passes Relativity's own validator with no error and no warning (strict)", () => {
    assertValidatorAvailable();
    for (const g of set.groups) {
      const verdict = validateRsmf(absolute(g));
      console.log(verdict.line);
      expect(verdict.ok, `${verdict.line}\n${verdict.details}`).toBe(true);
      expect(verdict.line).toMatch(/: Passed \(0 warnings\)$/);
    }
  });

  it('fails, naming the apt packages, when mono is missing (the validator is a prerequisite, never skipped)', () => {
    const path = process.env.PATH;
    try {
      process.env.PATH = '/nonexistent';
      expect(() => assertValidatorAvailable()).toThrow(/mono is not installed.*apt-get install -y mono-runtime .*libmono-system-io-compression4\.0-cil/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('writes one .rsmf per conversation and UTC day, with digests of the bytes on disk', () => {
    expect(out.files.map((f) => f.path)).toEqual(set.groups.map(pathOf));
    for (const f of out.files) {
      const bytes = readFileSync(join(out.dir, f.path));
      expect([f.bytes, f.sha256]).toEqual([bytes.length, createHash('sha256').update(bytes).digest('hex')]);
    }
  });

  it('is an RFC 5322 message with no defects whose only attachment is rsmf.zip (base64), holding only rsmf_manifest.json', () => {
    for (const g of set.groups) {
      const p = python.get(absolute(g))!;
      expect([p.defects, p.part_defects, p.header_defects]).toEqual([[], [], []]);
      expect(p.content_type).toBe('multipart/mixed');
      const attachments = p.parts.filter((part) => part.disposition === 'attachment');
      expect(attachments.map((a) => [a.filename, a.content_type])).toEqual([['rsmf.zip', 'application/zip']]);
      expect(readFileSync(absolute(g), 'latin1')).toMatch(/filename="rsmf\.zip"\r\nContent-Transfer-Encoding: base64\r\n/);
      expect(zips.get(g)!.map((e) => e.name)).toEqual(['rsmf_manifest.json']);
      const { lines, bareLineFeeds } = rawLines(readFileSync(absolute(g)));
      expect(bareLineFeeds).toBe(0);
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(998);
    }
  });

  it('has a manifest that validates against the published RSMF 2.0.0 JSON schema (draft-07)', () => {
    const schema = JSON.parse(readFileSync(new URL('./schemas/rsmf_schema_2_0_0.json', import.meta.url), 'utf8')) as { $schema: string };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const ajv = new Ajv({ allErrors: true, strict: false });
    const addFormats = ((addFormatsPlugin as unknown as { default?: typeof addFormatsPlugin }).default ?? addFormatsPlugin) as unknown as (a: Ajv) => void;
    addFormats(ajv);
    // ajv-formats has no idn-email (RFC 6531); an address with one @ and no spaces is what it means.
    ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
    const validate = ajv.compile(schema);
    for (const g of set.groups) {
      expect(validate(manifests.get(g)), JSON.stringify(validate.errors)).toBe(true);
      expect(manifests.get(g)!.version).toBe('2.0.0');
    }
  });

  it('has one message event per message, in the file of its conversation and day only, with body, edits, deletion and reactions', () => {
    for (const g of set.groups) {
      const messageEvents = events(g).filter((e) => e.type === 'message');
      expect(messageEvents.map((e) => e.id).sort()).toEqual(g.messages.map((m) => m.message_id).sort());
      for (const m of g.messages) {
        const e = messageEvents.find((x) => x.id === m.message_id)!;
        expect([e.participant, e.conversation, e.timestamp]).toEqual([m.author_id, g.conversation.conversation_id, m.time]);
        const versions = m.versions.map((v) => v.text);
        expect(e.body).toBe(versions[versions.length - 1]);
        const edits = e.edits ?? [];
        expect(edits.length > 0 ? [edits[0]!.previous, ...edits.map((x) => x.new)] : [e.body]).toEqual(versions);
        expect(edits.map((x) => [x.participant, x.timestamp])).toEqual(m.versions.slice(1).map((v) => [v.by, v.time]));
        expect(e.deleted ?? false).toBe(m.deletion !== null);
        const expectedReactions = [...new Set(m.reactions.current.map((r) => r.emoji))].map((emoji) => {
          const who = m.reactions.current.filter((r) => r.emoji === emoji).map((r) => r.user_id);
          return { value: emoji, count: who.length, participants: who };
        });
        expect(e.reactions ?? []).toEqual(expectedReactions);
        for (const a of m.attachments) expect(JSON.stringify(e.custom)).toContain(a.sha256);
      }
    }
    const everyEvent = set.groups.flatMap((g) => events(g).filter((e) => e.type === 'message').map((e) => e.id));
    expect(everyEvent.sort()).toEqual(allMessages.map((m) => m.message_id).sort());
  });

  it('links thread replies to their root with parent when the root is in the file, and says so when it is not', () => {
    for (const g of set.groups) {
      const ids = new Set(g.messages.map((m) => m.message_id));
      for (const m of g.messages) {
        const e = events(g).find((x) => x.id === m.message_id)!;
        const reply = m.thread_id !== '' && m.thread_id !== m.message_id;
        expect(e.parent).toBe(reply && ids.has(m.thread_id) ? m.thread_id : undefined);
        if (reply && !ids.has(m.thread_id)) expect(JSON.stringify(e.custom)).toContain(`thread ${m.thread_id}`);
      }
    }
  });

  it('has join and leave events from the membership changes, and direct vs channel conversations', () => {
    for (const g of set.groups) {
      const changes = events(g).filter((e) => e.type !== 'message');
      expect(changes.map((e) => [e.type, e.participant, e.timestamp])).toEqual(
        g.membership.map((c) => [c.type === 'joined' ? 'join' : 'leave', c.user_id, c.time]),
      );
      const [conversation] = manifests.get(g)!.conversations;
      expect(conversation!.id).toBe(g.conversation.conversation_id);
      expect(conversation!.type).toBe(g.conversation.conversation_type === 'dm' ? 'direct' : 'channel');
      const joinedToday = g.membership.filter((c) => c.type === 'joined').map((c) => c.user_id);
      for (const id of joinedToday) expect(conversation!.participants).not.toContain(id);
      for (const id of g.people.keys()) if (!joinedToday.includes(id)) expect(conversation!.participants).toContain(id);
    }
  });

  it('defines every participant it refers to, with display name and the directory e-mail, non-ASCII ones too', () => {
    for (const g of set.groups) {
      const manifest = manifests.get(g)!;
      const defined = new Map(manifest.participants.map((p) => [p.id, p]));
      const referenced = manifest.events.flatMap((e) => [e.participant, ...(e.edits ?? []).map((x) => x.participant), ...(e.reactions ?? []).flatMap((r) => r.participants)]);
      for (const id of [...referenced, ...manifest.conversations.flatMap((c) => c.participants)]) expect(defined.has(id!), id).toBe(true);
      for (const [id, person] of g.people) {
        const p = defined.get(id)!;
        expect(p.display).toBe(person.display_name || id);
        // The generator's directory addresses are all valid (one is non-ASCII, RFC 6531): each is kept as it is.
        expect(p.email).toBe(person.email === '' ? undefined : person.email);
      }
      const eventIds = manifest.events.map((e) => e.id);
      expect(new Set(eventIds).size).toBe(eventIds.length);
    }
  });

  it('has X-RSMF headers that agree with the manifest', () => {
    for (const g of set.groups) {
      const p = python.get(absolute(g))!;
      const manifest = manifests.get(g)!;
      const times = manifest.events.map((e) => Date.parse(e.timestamp));
      expect(pyHeader(p, 'X-RSMF-Version')).toBe(manifest.version);
      expect(pyHeader(p, 'X-RSMF-Generator')).toBe(set.ctx.generator);
      expect(pyHeader(p, 'X-RSMF-EventCount')).toBe(String(manifest.events.length));
      expect(Date.parse(pyHeader(p, 'X-RSMF-BeginDate')!)).toBe(Math.min(...times));
      expect(Date.parse(pyHeader(p, 'X-RSMF-EndDate')!)).toBe(Math.max(...times));
      expect(pyHeader(p, 'X-RSMF-BeginDate')).toMatch(/Z$/);
      expect(pyHeader(p, 'X-RSMF-Application')).toBe(manifest.conversations[0]!.platform);
      expect(pyHeader(p, 'X-RSMF-EventCollectionID')).toBe(manifest.eventcollectionid);
      const displays = manifest.participants.map((x) => x.display);
      const listed = pyHeader(p, 'X-RSMF-Participants');
      if (displays.some((d) => d.includes(','))) expect(listed).toBeUndefined();
      else expect(listed!.split(', ').sort()).toEqual([...displays].sort());
      expect(pyHeader(p, 'X-Custos-Conversation-Id')).toBe(g.conversation.conversation_id);
    }
    expect(set.groups.some((g) => pyHeader(python.get(absolute(g))!, 'X-RSMF-Participants') !== undefined)).toBe(true);
  });

  it('dates the zip entry from the data (the last event, UTC wall-clock), not from the clock', () => {
    for (const g of set.groups) {
      const last = new Date([...g.messages.map((m) => m.time), ...g.membership.map((c) => c.time)].sort().pop()!);
      const [entry] = zips.get(g)!;
      const dosDate = ((last.getUTCFullYear() - 1980) << 9) | ((last.getUTCMonth() + 1) << 5) | last.getUTCDate();
      const dosTime = (last.getUTCHours() << 11) | (last.getUTCMinutes() << 5) | (last.getUTCSeconds() >> 1);
      expect([entry!.dosDate, entry!.dosTime]).toEqual([dosDate, dosTime]);
    }
  });

  it('writes byte-identical files when run again, also under another time zone', async () => {
    const before = process.env.TZ;
    try {
      process.env.TZ = 'America/New_York';
      const again = await writeAll(generateConversationDays());
      for (const f of out.files) expect(readFileSync(join(again.dir, f.path)).equals(readFileSync(join(out.dir, f.path))), f.path).toBe(true);
      expect(again.files).toEqual(out.files);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
});

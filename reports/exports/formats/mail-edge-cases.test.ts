import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConversationDay, ExportContext } from '../export-record.js';
import { generateBusyDay, makeMessage } from '../testing/conversation-day-generator.js';
import { normaliseNewlines, parseWithPython, pyAddresses, pyHeader, rawLines, removeTempDirs, tempDir } from '../testing/mail-checks.js';
import { assertValidatorAvailable, validateRsmf } from '../testing/rsmf-validator.js';
import { createEmlWriter } from './eml.js';
import { createRsmfWriter } from './rsmf.js';

const ctx: ExportContext = { packageId: 'job-edge', tenant: 'Acme Corp', asOf: '2026-12-01T00:00:00.000Z', generator: 'Custos 0.1.0 (test) — édition' };
const DAY = '2026-11-26';

const membershipOnly: ConversationDay = {
  conversation: { conversation_id: 'c-quiet', name: 'quiet', conversation_type: 'private' },
  day: DAY,
  messages: [],
  people: new Map(),
  membership: [
    { event_id: 'j1', time: `${DAY}T08:00:00.000Z`, type: 'joined', user_id: 'newcomer', by: 'admin' },
    { event_id: 'l1', time: `${DAY}T17:00:00.000Z`, type: 'left', user_id: 'newcomer', by: 'newcomer' },
  ],
};

const LONG_ID = `Gröup-${'💬'.repeat(40)}-ID`;
const unknownPeople: ConversationDay = {
  conversation: { conversation_id: LONG_ID, name: `${'Équipe 🚀 '.repeat(12)}`.trim(), conversation_type: 'group_dm' },
  day: DAY,
  messages: [
    makeMessage(LONG_ID, { id: 'x-1', author: 'nobody-1', time: `${DAY}T10:00:00.000Z`, text: '', attachments: [{ name: 'scan.tiff', mime: 'image/tiff', size: 0 }] }),
    { ...makeMessage(LONG_ID, { id: 'x-2', author: 'nobody-2', time: `${DAY}T10:00:01.000Z`, text: 'context line', edits: [{ time: `${DAY}T10:05:00.000Z`, by: 'moderator', text: 'context line (moderated)' }] }), context: true, source: '' },
  ],
  people: new Map(),
  membership: [],
};

const empty: ConversationDay = { conversation: { conversation_id: 'c-empty', name: '', conversation_type: 'channel' }, day: DAY, messages: [], people: new Map(), membership: [] };

async function write(kind: 'eml' | 'rsmf', groups: ConversationDay[]): Promise<string[]> {
  const dir = tempDir(`custos-edge-${kind}-`);
  const writer = (kind === 'eml' ? createEmlWriter : createRsmfWriter)(dir, ctx);
  for (const g of groups) await writer.write(g);
  return (await writer.close()).map((f) => join(dir, f.path));
}

afterAll(removeTempDirs);

describe('mail formats on edge cases', () => {
  // In the order an export hands them over: conversation id (UTF-8 bytes, as the store sorts), then day.
  const groups = [membershipOnly, unknownPeople].sort((a, b) => Buffer.compare(Buffer.from(a.conversation.conversation_id), Buffer.from(b.conversation.conversation_id)));

  it('write EML without defects for a membership-only day, and a day of unknown people with empty text', async () => {
    const paths = await write('eml', groups);
    const parsed = parseWithPython(paths);
    for (const [i, path] of paths.entries()) {
      const p = parsed.get(path)!;
      expect([p.defects, p.part_defects, p.header_defects], path).toEqual([[], [], []]);
      expect(pyHeader(p, 'X-Custos-Conversation-Id')).toBe(groups[i]!.conversation.conversation_id);
      const mp = await simpleParser(readFileSync(path));
      expect(normaliseNewlines(mp.text ?? '')).toContain(`Day: ${DAY}`);
    }
    const quietPath = paths[groups.indexOf(membershipOnly)]!;
    const quiet = normaliseNewlines(parsed.get(quietPath)!.parts[0]!.content);
    expect(quiet).toContain('2026-11-26 08:00:00.000 UTC  newcomer joined the conversation (by admin)');
    expect(quiet).toContain('2026-11-26 17:00:00.000 UTC  newcomer left the conversation');
    expect(pyHeader(parsed.get(quietPath)!, 'Date')).toBe('Thu, 26 Nov 2026 08:00:00 +0000');
  });

  it("write RSMF that Relativity's validator passes strictly for the same days", async () => {
    assertValidatorAvailable();
    const paths = await write('rsmf', groups);
    for (const path of paths) {
      const verdict = validateRsmf(path);
      console.log(verdict.line);
      expect(verdict.ok, `${verdict.line}\n${verdict.details}`).toBe(true);
    }
    const parsed = parseWithPython(paths);
    expect(pyHeader(parsed.get(paths[groups.indexOf(membershipOnly)]!)!, 'X-RSMF-EventCount')).toBe('2');
  });

  it('write no file for a day with no message and no membership change, in either format', async () => {
    expect(await write('eml', [empty])).toEqual([]);
    expect(await write('rsmf', [empty])).toEqual([]);
  });

  it('hold up on a busy day (3000 messages, 300 people): no defects, folded headers, every message once, validator passes', async () => {
    const busy = generateBusyDay({ messages: 3000, people: 300, seed: 7 });
    const [eml] = await write('eml', [busy]);
    const [rsmf] = await write('rsmf', [busy]);
    const parsed = parseWithPython([eml!, rsmf!]);
    for (const path of [eml!, rsmf!]) {
      const p = parsed.get(path)!;
      expect([p.defects, p.part_defects, p.header_defects], path).toEqual([[], [], []]);
      const { lines } = rawLines(readFileSync(path));
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(998);
    }
    const addresses = [...pyAddresses(parsed.get(eml!)!, 'From'), ...pyAddresses(parsed.get(eml!)!, 'To')];
    expect(addresses.length).toBe(busy.people.size);
    const text = normaliseNewlines(parsed.get(eml!)!.parts[0]!.content).split('\n');
    for (const m of busy.messages) expect(text.filter((l) => l.endsWith(`  #${m.message_id}`)).length, m.message_id).toBe(1);
    const listed = pyHeader(parsed.get(rsmf!)!, 'X-RSMF-Participants')!.split(', ');
    expect(listed.sort()).toEqual([...busy.people.values()].map((p) => p.display_name).sort());
    assertValidatorAvailable();
    const verdict = validateRsmf(rsmf!);
    console.log(verdict.line);
    expect(verdict.ok, `${verdict.line}\n${verdict.details}`).toBe(true);
  });
});

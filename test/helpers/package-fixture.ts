/**
 * A package built the way the export job builds one: payload files written through
 * HashedFile (so the bag writer gets their digests), then writeBag. Names include
 * the characters RFC 8493 makes manifests percent-encode (%, LF) and non-ASCII.
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HashedFile } from '../../reports/exports/hashed-file.js';
import { writeBag, type BagPayloadFile, type WrittenBag } from '../../reports/packages/bag-writer.js';
import type { CustodyInput } from '../../reports/packages/custody.js';
import type { Signer } from '../../common/keys/signing-keys.js';

export const FIXTURE_CUSTODY: CustodyInput = {
  kind: 'ediscovery_export',
  jobId: 'job-0001',
  tenant: 'acme',
  filters: { words: 'merger', conversations: ['C1', 'C2'], from: '2026-11-01T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z', formats: ['jsonl', 'csv', 'eml', 'rsmf'] },
  asOf: '2026-11-30T12:00:00.000Z',
  requestedBy: { subject: 'oidc:alice', name: 'Alice Example', role: 'compliance_officer' },
  requestedAt: '2026-11-30T12:00:01.000Z',
  approvedBy: [],
  approvedAt: null,
  createdAt: '2026-11-30T12:05:00.000Z',
  messagesPerConversation: { C2: 2, C1: 3 },
  software: { name: 'custos', version: '0.1.0' },
};

/** Path (relative to data/) -> content; the big one is streamed in chunks, as writers do. */
export interface FixtureFile {
  path: string;
  chunks: () => Iterable<string | Buffer>;
  messages: number;
}

export const FIXTURE_FILES: FixtureFile[] = [
  { path: 'jsonl/messages.jsonl', chunks: () => ['{"message_id":"m1"}\n', '{"message_id":"m2"}\n', '{"message_id":"m3"}\n', '{"message_id":"m4"}\n', '{"message_id":"m5"}\n'], messages: 5 },
  { path: 'csv/messages.csv', chunks: () => ['message_id,text\r\n', 'm1,"hello, world"\r\n'], messages: 1 },
  { path: 'eml/C1/2026-11-24.eml', chunks: () => ['From: a@example.com\r\nSubject: C1\r\n\r\nhello\r\n'], messages: 3 },
  { path: 'eml/C2/2026-11-24.eml', chunks: () => ['From: b@example.com\r\nSubject: C2\r\n\r\nhi\r\n'], messages: 2 },
  { path: 'rsmf/C1/2026-11-24.rsmf', chunks: () => [Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x10])], messages: 3 },
  {
    path: 'big/attachments.bin',
    chunks: function* () {
      for (let i = 0; i < 64; i++) yield Buffer.alloc(16 * 1024, i);
    },
    messages: 0,
  },
  { path: 'odd/line\nbreak.txt', chunks: () => ['a newline in the name\n'], messages: 0 },
  { path: 'odd/Zürich résumé.txt', chunks: () => ['non-ASCII name\n'], messages: 0 },
];

/**
 * RFC 8493 §2.1.3 has manifests write `%` as `%25`; bagit-python 1.9.0 does not
 * (LibraryOfCongress/bagit-python#157), so this name is kept out of the bag that
 * the LoC validator checks and used where the two are compared.
 */
export const PERCENT_FILE: FixtureFile = { path: 'odd/100% sure.txt', chunks: () => ['percent\n'], messages: 0 };

export async function writeFixturePayload(bagDir: string, fixture: FixtureFile[] = FIXTURE_FILES): Promise<BagPayloadFile[]> {
  rmSync(bagDir, { recursive: true, force: true });
  mkdirSync(join(bagDir, 'data'), { recursive: true });
  const out: BagPayloadFile[] = [];
  for (const f of fixture) {
    const file = new HashedFile(join(bagDir, 'data', f.path));
    for (const chunk of f.chunks()) await file.write(chunk);
    out.push({ path: f.path, messages: f.messages, ...(await file.close()) });
  }
  return out;
}

export async function buildFixtureBag(bagDir: string, signer: Signer, fixture: FixtureFile[] = FIXTURE_FILES): Promise<WrittenBag> {
  const files = await writeFixturePayload(bagDir, fixture);
  return writeBag({ bagDir, files, custody: FIXTURE_CUSTODY, signer, bagInfo: { sourceOrganization: 'Acme Corp', contactName: 'Compliance Office' } });
}

/** A copy of a built bag to damage, leaving the original intact for the next case. */
export function copyBag(from: string, to: string): string {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  return to;
}

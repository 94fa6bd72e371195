/**
 * Turns a folder whose data/ the formats wrote into a signed BagIt 1.0 bag
 * (RFC 8493; docs/packages.md). The payload is never read again: its sizes and
 * digests come from the writers (HashedFile). What is checked is cheap: every
 * reported file is there with the reported size, and nothing unreported is.
 *
 * Everything written comes from the inputs (times included), and Ed25519 is
 * deterministic, so the same inputs give byte-identical tag files and signature.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileDigest } from '../exports/hashed-file.js';
import { BAGIT_TXT, manifestLine, tagFileText } from './bagit-text.js';
import { walkFiles } from './bag-source.js';
import { custodyJson, SIGNATURE_FILE, type CustodyInput } from './custody.js';
import { PackageBuildError } from './errors.js';
import { comparePaths, payloadMerkleRoot } from './merkle.js';
import { isRfc3339Utc, TAG_FILES, TAG_MANIFESTS, unsafePayloadPath } from './paths.js';
import type { Signer } from '../../common/keys/signing-keys.js';

/** A payload file as the format writers report it (WrittenFile fits). */
export interface BagPayloadFile extends FileDigest {
  /** Relative to data/, `/`-separated. */
  path: string;
  messages?: number;
}

/** bag-info.txt fields a deployment may set (RFC 8493 §2.2.2 reserved labels). */
export interface BagInfoFields {
  sourceOrganization?: string;
  contactName?: string;
  contactEmail?: string;
  externalDescription?: string;
}

export interface WriteBagInput {
  /** The bag's base directory; the formats wrote its data/. */
  bagDir: string;
  files: BagPayloadFile[];
  custody: CustodyInput;
  signer: Signer;
  bagInfo?: BagInfoFields;
}

export interface WrittenBag {
  bagDir: string;
  files: number;
  bytes: number;
  merkleRoot: string;
  keyId: string;
  /** Hex SHA-256 of tagmanifest-sha256.txt, the signed file: one value that pins the whole package. */
  tagManifestSha256: string;
}

const HEX64 = /^[0-9a-f]{64}$/;
const HEX128 = /^[0-9a-f]{128}$/;

function checkInputs(input: WriteBagInput): BagPayloadFile[] {
  const c = input.custody;
  for (const [field, value] of [['createdAt', c.createdAt], ['asOf', c.asOf], ['requestedAt', c.requestedAt]] as const) {
    if (!isRfc3339Utc(value)) throw new PackageBuildError('custody.json', `${field} "${value}" is not an RFC 3339 UTC time`);
  }
  if (c.approvedAt != null && !isRfc3339Utc(c.approvedAt)) throw new PackageBuildError('custody.json', `approvedAt "${c.approvedAt}" is not an RFC 3339 UTC time`);
  const seen = new Set<string>();
  for (const f of input.files) {
    const bad = unsafePayloadPath(f.path);
    if (bad) throw new PackageBuildError(`data/${f.path}`, `cannot be a payload path: it ${bad}`);
    if (seen.has(f.path)) throw new PackageBuildError(`data/${f.path}`, 'reported twice');
    seen.add(f.path);
    if (!HEX64.test(f.sha256) || !HEX128.test(f.sha512) || !Number.isSafeInteger(f.bytes) || f.bytes < 0) {
      throw new PackageBuildError(`data/${f.path}`, 'reported without a valid size, SHA-256 and SHA-512');
    }
  }
  return [...input.files].sort((a, b) => comparePaths(a.path, b.path));
}

/** What is on disk agrees with what the writers reported (stat only, no reading). */
function checkDisk(bagDir: string, files: BagPayloadFile[]): void {
  const onDisk = existsSync(join(bagDir, 'data')) ? walkFiles(join(bagDir, 'data')) : [];
  const reported = new Map(files.map((f) => [f.path, f]));
  for (const e of onDisk) {
    const f = reported.get(e.name);
    if (!f) throw new PackageBuildError(`data/${e.name}`, 'is in data/ but no format reported writing it');
    if (e.kind !== 'file') throw new PackageBuildError(`data/${e.name}`, 'is not a regular file');
    if (e.size !== f.bytes) throw new PackageBuildError(`data/${e.name}`, `is ${e.size} bytes on disk, ${f.bytes} as reported`);
    reported.delete(e.name);
  }
  const missing = reported.keys().next();
  if (!missing.done) throw new PackageBuildError(`data/${missing.value}`, 'was reported but is not in data/');
  const ours = new Set<string>([...TAG_FILES, ...TAG_MANIFESTS, SIGNATURE_FILE]);
  // A leftover of an earlier run of the same job is rewritten; anything else would be an unsigned stray.
  for (const e of walkFiles(bagDir)) {
    if (!e.name.startsWith('data/') && !ours.has(e.name)) throw new PackageBuildError(e.name, 'is in the bag folder but is not part of a package');
  }
}

function bagInfoText(input: WriteBagInput, files: BagPayloadFile[], keyId: string): string {
  const c = input.custody;
  const info = input.bagInfo ?? {};
  const bytes = files.reduce((n, f) => n + f.bytes, 0);
  const fields: Array<[string, string]> = [];
  if (info.sourceOrganization) fields.push(['Source-Organization', info.sourceOrganization]);
  if (info.contactName) fields.push(['Contact-Name', info.contactName]);
  if (info.contactEmail) fields.push(['Contact-Email', info.contactEmail]);
  fields.push(['External-Description', info.externalDescription ?? `Custos ${c.kind} package of tenant ${c.tenant}, as of ${c.asOf}`]);
  fields.push(['Bagging-Date', c.createdAt.slice(0, 10)]);
  fields.push(['External-Identifier', c.jobId]);
  fields.push(['Payload-Oxum', `${bytes}.${files.length}`]);
  fields.push(['Bag-Software-Agent', `${c.software.name} ${c.software.version}`]);
  fields.push(['Custos-Package-Kind', c.kind]);
  fields.push(['Custos-Tenant', c.tenant]);
  fields.push(['Custos-Signing-Key-Id', keyId]);
  return tagFileText(fields);
}

function hashHex(algorithm: 'sha256' | 'sha512', data: string): string {
  return createHash(algorithm).update(data, 'utf8').digest('hex');
}

export async function writeBag(input: WriteBagInput): Promise<WrittenBag> {
  const files = checkInputs(input);
  checkDisk(input.bagDir, files);
  // RFC 8493 §2: data/ exists even when the set is empty.
  mkdirSync(join(input.bagDir, 'data'), { recursive: true });
  // A signature left by an earlier run must not seem to cover tag files rewritten now.
  rmSync(join(input.bagDir, SIGNATURE_FILE), { force: true });
  const keyId = input.signer.keyId;
  const tags = new Map<string, string>([
    ['bagit.txt', BAGIT_TXT],
    ['bag-info.txt', bagInfoText(input, files, keyId)],
    ['manifest-sha256.txt', files.map((f) => manifestLine(f.sha256, `data/${f.path}`)).join('')],
    ['manifest-sha512.txt', files.map((f) => manifestLine(f.sha512, `data/${f.path}`)).join('')],
    ['custody.json', custodyJson(input.custody, files.map((f) => ({ path: f.path, bytes: f.bytes, sha256: f.sha256, messages: f.messages ?? 0 })), keyId)],
  ]);
  const listed = [...tags.keys()].sort(comparePaths);
  // RFC 8493 §2.2.1: tag manifests SHOULD use the payload manifests' algorithms; only the SHA-256 one is signed.
  const tagManifest = (alg: 'sha256' | 'sha512') => listed.map((name) => manifestLine(hashHex(alg, tags.get(name)!), name)).join('');
  tags.set('tagmanifest-sha256.txt', tagManifest('sha256'));
  tags.set('tagmanifest-sha512.txt', tagManifest('sha512'));
  for (const [name, text] of tags) writeFileSync(join(input.bagDir, name), text, 'utf8');
  const signed = Buffer.from(tags.get('tagmanifest-sha256.txt')!, 'utf8');
  // Written last: a bag without its signature is visibly unfinished, never half-signed.
  const signature = await input.signer.sign(signed);
  if (signature.length !== 64) throw new PackageBuildError(SIGNATURE_FILE, `the signer returned ${signature.length} bytes, not a raw 64-byte Ed25519 signature`);
  writeFileSync(join(input.bagDir, SIGNATURE_FILE), signature);
  return {
    bagDir: input.bagDir,
    files: files.length,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    merkleRoot: payloadMerkleRoot(files),
    keyId,
    tagManifestSha256: createHash('sha256').update(signed).digest('hex'),
  };
}

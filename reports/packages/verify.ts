/**
 * Checks a package offline, from the outside in, and names the first bad file:
 * bagit.txt; the Ed25519 signature over tagmanifest-sha256.txt; every tag file
 * against the signed tag manifest (and no unsigned tag file); the payload against
 * both manifests (nothing missing, nothing extra, sizes, SHA-256 and SHA-512);
 * Payload-Oxum; custody.json's file list and Merkle root. The signature comes first
 * because it is what makes every other check mean something: past it, the tag files
 * are the ones Custos wrote, so a mismatch below names the file that changed.
 */
import { createHash, createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { errorMessage } from '../../common/errors.js';
import { parseManifest, parseTagFile, tagValue, type ManifestEntry } from './bagit-text.js';
import { openBagSource, readAll, type BagSource } from './bag-source.js';
import { SIGNATURE_FILE, SIGNED_FILE } from './custody.js';
import { comparePaths, payloadMerkleRoot } from './merkle.js';
import { TAG_FILES, TAG_MANIFESTS, unsafePayloadPath } from './paths.js';
import { keyIdOf } from '../../common/keys/signing-keys.js';

export type PublicKeyInput = string | Buffer | KeyObject;

export interface VerifyOptions {
  /** The key to check the signature with (PEM SPKI or a KeyObject). */
  publicKey?: PublicKeyInput;
  /** Used when no publicKey is given: the key the package names, by id and tenant, if the caller knows it. */
  lookupKey?: (keyId: string, tenant: string) => PublicKeyInput | undefined;
}

export interface PackageOk {
  ok: true;
  files: number;
  bytes: number;
  merkleRoot: string;
  keyId: string;
  tenant: string;
  kind: string;
  jobId: string;
}

export interface PackageBad {
  ok: false;
  /** Relative to the bag's base directory, e.g. `data/eml/C1/2026-11-24.eml` or `bag-info.txt`. */
  file: string;
  problem: string;
}

export type PackageVerification = PackageOk | PackageBad;

/** Thrown inside the checks to stop at the first bad file. */
class Bad extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

const bad = (file: string, problem: string): never => {
  throw new Bad(file, problem);
};

interface CustodyView {
  tenant: string;
  kind: string;
  job_id: string;
  payload: { merkle_root: string; files: Array<{ path: string; bytes: number; sha256: string }> };
  signature: { key_id: string };
  counts?: { files?: unknown; bytes?: unknown };
}

function hex(alg: 'sha256' | 'sha512', data: Buffer): string {
  return createHash(alg).update(data).digest('hex');
}

async function text(src: BagSource, name: string): Promise<Buffer> {
  const e = src.entries.get(name);
  if (!e) return bad(name, 'is missing');
  if (e.kind !== 'file') return bad(name, 'is not a regular file');
  return readAll(src, name);
}

function manifest(name: string, data: Buffer, alg: 'sha256' | 'sha512'): ManifestEntry[] {
  const parsed = parseManifest(data.toString('utf8'), alg === 'sha256' ? 64 : 128);
  if ('problem' in parsed) return bad(name, parsed.problem);
  const seen = new Set<string>();
  for (const e of parsed.entries) {
    if (seen.has(e.path)) bad(name, `line ${e.line} lists ${e.path} a second time`);
    seen.add(e.path);
  }
  return parsed.entries;
}

async function checkBagitTxt(src: BagSource): Promise<void> {
  const parsed = parseTagFile((await text(src, 'bagit.txt')).toString('utf8'));
  if ('problem' in parsed) return bad('bagit.txt', parsed.problem);
  if (tagValue(parsed.fields, 'BagIt-Version') !== '1.0') bad('bagit.txt', 'does not say "BagIt-Version: 1.0"');
  if (tagValue(parsed.fields, 'Tag-File-Character-Encoding')?.toUpperCase() !== 'UTF-8') bad('bagit.txt', 'does not say "Tag-File-Character-Encoding: UTF-8"');
}

function parseCustody(data: Buffer): CustodyView {
  let doc: CustodyView;
  try {
    doc = JSON.parse(data.toString('utf8')) as CustodyView;
  } catch (err) {
    return bad('custody.json', `is not JSON (${errorMessage(err)})`);
  }
  const files = doc?.payload?.files;
  if (typeof doc?.tenant !== 'string' || typeof doc.signature?.key_id !== 'string' || typeof doc.payload?.merkle_root !== 'string' || !Array.isArray(files)) {
    bad('custody.json', 'lacks tenant, signature.key_id, payload.merkle_root or payload.files');
  }
  const malformed = files.findIndex((f: unknown) => {
    const file = f as { path?: unknown; bytes?: unknown; sha256?: unknown } | null;
    return !file || typeof file.path !== 'string' || !Number.isSafeInteger(file.bytes) || typeof file.sha256 !== 'string';
  });
  if (malformed !== -1) bad('custody.json', `payload.files[${malformed}] is not {path, bytes, sha256}`);
  return doc;
}

/** Where the signed tag manifest disagrees with the tag files, if anywhere. */
async function tagManifestProblem(src: BagSource, name: string, alg: 'sha256' | 'sha512'): Promise<Bad | undefined> {
  try {
    for (const e of manifest(name, await text(src, name), alg)) {
      if (e.path.startsWith('data/') || e.path.startsWith('tagmanifest-') || e.path === SIGNATURE_FILE) bad(name, `line ${e.line} lists ${e.path}, which is not a tag file it may list`);
      if (!src.entries.has(e.path)) bad(e.path, `is listed in ${name} but missing`);
      if (hex(alg, await text(src, e.path)) !== e.hex) bad(e.path, `does not match its ${alg === 'sha256' ? 'SHA-256' : 'SHA-512'} in ${name} (the file was changed)`);
    }
    return undefined;
  } catch (err) {
    if (err instanceof Bad) return err;
    throw err;
  }
}

function toKey(input: PublicKeyInput): KeyObject {
  try {
    const key = typeof input === 'string' || Buffer.isBuffer(input) ? createPublicKey(input) : input;
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType ?? 'unknown'} key`);
    return key;
  } catch (err) {
    return bad(SIGNATURE_FILE, `the public key given is not an Ed25519 public key (${errorMessage(err)})`);
  }
}

async function checkSignature(src: BagSource, custody: CustodyView, options: VerifyOptions): Promise<string> {
  const signed = await text(src, SIGNED_FILE);
  const signature = await text(src, SIGNATURE_FILE);
  if (signature.length !== 64) bad(SIGNATURE_FILE, `is ${signature.length} bytes, not a raw 64-byte Ed25519 signature`);
  const given = options.publicKey ?? options.lookupKey?.(custody.signature.key_id, custody.tenant);
  if (given === undefined) {
    // Without a key, a tag file that disagrees with the tag manifest is still worth naming first.
    const inManifest = await tagManifestProblem(src, SIGNED_FILE, 'sha256');
    if (inManifest) bad(inManifest.file, inManifest.problem);
    bad(SIGNATURE_FILE, `cannot be checked: no public key for key ${custody.signature.key_id} of tenant ${custody.tenant} (give the tenant's public key)`);
  }
  const key = toKey(given!);
  const keyId = keyIdOf(key);
  if (!verifySignature(null, signed, key, signature)) {
    // Which of the two changed cannot be known; a tag manifest that disagrees with the files is the likelier one.
    const inManifest = await tagManifestProblem(src, SIGNED_FILE, 'sha256');
    if (inManifest) bad(SIGNED_FILE, `fails its signature with key ${keyId}, and disagrees with the files it lists (${inManifest.file} ${inManifest.problem})`);
    bad(SIGNATURE_FILE, `does not verify over ${SIGNED_FILE} with key ${keyId} (the signature or the tag manifest was changed, or another key signed it)`);
  }
  return keyId;
}

async function checkTagFiles(src: BagSource): Promise<Set<string>> {
  // Custos writes both tag manifests (RFC 8493 §2.2.1: the payload manifests' algorithms), so both must be there.
  for (const name of TAG_MANIFESTS) {
    const problem = await tagManifestProblem(src, name, name.endsWith('sha512.txt') ? 'sha512' : 'sha256');
    // Past the signature, an unsigned tag manifest that disagrees is itself the changed file.
    if (problem && (name === SIGNED_FILE || problem.file === name)) bad(problem.file, problem.problem);
    if (problem) bad(name, `disagrees with the files it lists, which the signed ${SIGNED_FILE} vouches for (${problem.file} ${problem.problem})`);
  }
  const listed = new Set(manifest(SIGNED_FILE, await text(src, SIGNED_FILE), 'sha256').map((e) => e.path));
  for (const required of TAG_FILES) if (!listed.has(required)) bad(SIGNED_FILE, `does not list ${required}`);
  const sha512 = manifest('tagmanifest-sha512.txt', await text(src, 'tagmanifest-sha512.txt'), 'sha512').map((e) => e.path);
  if (sha512.length !== listed.size || sha512.some((p) => !listed.has(p))) bad('tagmanifest-sha512.txt', `does not list the same tag files as ${SIGNED_FILE}`);
  const unlisted = new Set<string>([...TAG_MANIFESTS, SIGNATURE_FILE]);
  for (const name of src.entries.keys()) {
    if (!name.startsWith('data/') && !listed.has(name) && !unlisted.has(name)) bad(name, `is not listed in ${SIGNED_FILE}: no signature covers it`);
  }
  return listed;
}

async function digests(src: BagSource, name: string): Promise<{ bytes: number; sha256: string; sha512: string }> {
  const h256 = createHash('sha256');
  const h512 = createHash('sha512');
  let bytes = 0;
  for await (const chunk of await src.open(name)) {
    h256.update(chunk as Buffer);
    h512.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: h256.digest('hex'), sha512: h512.digest('hex') };
}

async function checkPayload(src: BagSource, custody: CustodyView): Promise<{ files: number; bytes: number }> {
  const m256 = manifest('manifest-sha256.txt', await text(src, 'manifest-sha256.txt'), 'sha256');
  const m512 = new Map(manifest('manifest-sha512.txt', await text(src, 'manifest-sha512.txt'), 'sha512').map((e) => [e.path, e.hex]));
  const listed = new Map(m256.map((e) => [e.path, e.hex]));
  for (const e of m256) {
    const why = e.path.startsWith('data/') ? unsafePayloadPath(e.path.slice(5)) : 'is outside data/';
    if (why) bad('manifest-sha256.txt', `line ${e.line}: ${e.path} ${why}`);
    if (!m512.has(e.path)) bad(e.path, 'is listed in manifest-sha256.txt but not in manifest-sha512.txt');
  }
  for (const p of m512.keys()) if (!listed.has(p)) bad(p, 'is listed in manifest-sha512.txt but not in manifest-sha256.txt');
  const present = [...src.entries.values()].filter((e) => e.name.startsWith('data/'));
  const all = [...new Set([...listed.keys(), ...present.map((e) => e.name)])].sort(comparePaths);
  for (const name of all) {
    const entry = src.entries.get(name);
    if (!entry) bad(name, 'is listed in manifest-sha256.txt but missing');
    if (!listed.has(name)) bad(name, 'is in data/ but in no manifest (a file was added)');
    if (entry!.kind !== 'file') bad(name, 'is not a regular file');
  }
  const sizes = new Map(custody.payload.files.map((f) => [f.path, f]));
  for (const name of all) {
    const expected = sizes.get(name);
    if (!expected) bad('custody.json', `does not list ${name}, which the manifests list`);
    const got = await digests(src, name);
    if (got.bytes !== expected!.bytes) bad(name, `is ${got.bytes} bytes, custody.json says ${expected!.bytes}`);
    if (got.sha256 !== listed.get(name)) bad(name, 'does not match its SHA-256 in manifest-sha256.txt (the file was changed)');
    if (got.sha512 !== m512.get(name)) bad(name, 'does not match its SHA-512 in manifest-sha512.txt (the file was changed)');
    if (expected!.sha256 !== got.sha256) bad('custody.json', `gives another SHA-256 for ${name} than the file has`);
  }
  if (custody.payload.files.length !== all.length) bad('custody.json', `lists ${custody.payload.files.length} payload files, the manifests ${all.length}`);
  return { files: all.length, bytes: present.reduce((n, e) => n + e.size, 0) };
}

async function checkBagInfo(src: BagSource, custody: CustodyView, payload: { files: number; bytes: number }): Promise<void> {
  const parsed = parseTagFile((await text(src, 'bag-info.txt')).toString('utf8'));
  if ('problem' in parsed) return bad('bag-info.txt', parsed.problem);
  const oxum = tagValue(parsed.fields, 'Payload-Oxum');
  if (oxum !== `${payload.bytes}.${payload.files}`) bad('bag-info.txt', `Payload-Oxum is ${oxum ?? 'missing'}, the payload is ${payload.bytes}.${payload.files}`);
  if (tagValue(parsed.fields, 'External-Identifier') !== custody.job_id) bad('bag-info.txt', `External-Identifier is not the job id ${custody.job_id} of custody.json`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(tagValue(parsed.fields, 'Bagging-Date') ?? '')) bad('bag-info.txt', 'Bagging-Date is missing or not YYYY-MM-DD');
}

function checkCustody(custody: CustodyView, keyId: string): void {
  const root = payloadMerkleRoot(custody.payload.files.map((f) => ({ path: f.path, sha256: f.sha256 })));
  if (root !== custody.payload.merkle_root) bad('custody.json', `Merkle root ${custody.payload.merkle_root} is not the root ${root} of its files`);
  const bytes = custody.payload.files.reduce((n, f) => n + f.bytes, 0);
  if (custody.counts?.files !== custody.payload.files.length || custody.counts?.bytes !== bytes) {
    bad('custody.json', `counts.files and counts.bytes are not the ${custody.payload.files.length} files and ${bytes} bytes it lists`);
  }
  if (custody.signature.key_id !== keyId) bad('custody.json', `names signing key ${custody.signature.key_id}, but key ${keyId} signed the package`);
}

export async function verifyPackage(path: string, options: VerifyOptions = {}): Promise<PackageVerification> {
  const src = await openBagSource(path);
  try {
    await checkBagitTxt(src);
    const custody = parseCustody(await text(src, 'custody.json'));
    const keyId = await checkSignature(src, custody, options);
    await checkTagFiles(src);
    const payload = await checkPayload(src, custody);
    await checkBagInfo(src, custody, payload);
    checkCustody(custody, keyId);
    return { ok: true, files: payload.files, bytes: payload.bytes, merkleRoot: custody.payload.merkle_root, keyId, tenant: custody.tenant, kind: custody.kind, jobId: custody.job_id };
  } catch (err) {
    if (err instanceof Bad) return { ok: false, file: err.file, problem: err.problem };
    throw err;
  } finally {
    await src.close();
  }
}

/**
 * The Merkle root custody.json carries over the payload files (docs/packages.md,
 * "Merkle root"): RFC 6962 §2.1 Merkle Tree Hash with SHA-256, whose leaves are the
 * files' SHA-256 digests (32 raw bytes each) in path order. A third party can
 * recompute it from the file list alone, and prove one file's membership with a
 * log-size audit path instead of the whole list.
 */
import { createHash } from 'node:crypto';

const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);

const sha256 = (...parts: Buffer[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** Byte order of the UTF-8 path: what Python's sorted() on str and `LC_ALL=C sort` give, unlike JS's UTF-16 sort. */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * MTH over `leaves` (already ordered). Computed level by level, an odd last node
 * promoted unchanged to the next level, which gives exactly RFC 6962's recursive
 * split at the largest power of two below n. Empty set: SHA-256 of the empty string.
 */
export function merkleRoot(fileSha256Hex: string[]): string {
  if (fileSha256Hex.length === 0) return sha256().toString('hex');
  let level: Buffer[] = fileSha256Hex.map((hex) => sha256(LEAF, Buffer.from(hex, 'hex')));
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? sha256(NODE, level[i]!, level[i + 1]!) : level[i]!);
    level = next;
  }
  return level[0]!.toString('hex');
}

/** The root over files given in any order: sorted by path first, as the construction requires. */
export function payloadMerkleRoot(files: ReadonlyArray<{ path: string; sha256: string }>): string {
  return merkleRoot([...files].sort((a, b) => comparePaths(a.path, b.path)).map((f) => f.sha256));
}

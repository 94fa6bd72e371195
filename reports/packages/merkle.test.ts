import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { comparePaths, merkleRoot, payloadMerkleRoot } from './merkle.js';

const h = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

/** RFC 6962 §2.1 as written: split at the largest power of two smaller than n. */
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return h();
  if (leaves.length === 1) return h(Buffer.from([0]), leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return h(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

describe('payload Merkle root', () => {
  const digests = Array.from({ length: 33 }, (_, i) => h(Buffer.from(`file ${i}`)));

  it('is RFC 6962 MTH for every size from 0 to 33 leaves', () => {
    for (let n = 0; n <= digests.length; n++) {
      const leaves = digests.slice(0, n);
      expect(merkleRoot(leaves.map((d) => d.toString('hex'))), `n=${n}`).toBe(mth(leaves).toString('hex'));
    }
  });

  it('of no files is SHA-256 of the empty string, and of one file its domain-separated leaf', () => {
    expect(merkleRoot([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(merkleRoot([digests[0]!.toString('hex')])).toBe(h(Buffer.from([0]), digests[0]!).toString('hex'));
  });

  it('orders files by the UTF-8 bytes of their path, not by JS string order', () => {
    // U+1F600 is a surrogate pair (D83D ...) in UTF-16, so JS sorts it first; in UTF-8 (F0 ...) it comes after U+FF21 (EF ...), as in Python.
    expect(comparePaths('\u{1F600}', '\uFF21')).toBeGreaterThan(0);
    expect('\u{1F600}' < '\uFF21').toBe(true);
    const files = [{ path: 'b', sha256: digests[1]!.toString('hex') }, { path: 'a', sha256: digests[0]!.toString('hex') }];
    expect(payloadMerkleRoot(files)).toBe(merkleRoot([digests[0]!.toString('hex'), digests[1]!.toString('hex')]));
  });
});

/**
 * A payload file that is hashed while it is written, so the package manifests
 * (SHA-256 and SHA-512, BagIt) never re-read the export. Writes respect the
 * stream's backpressure: memory stays flat whatever the size of the export.
 */
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname } from 'node:path';

export interface FileDigest {
  bytes: number;
  sha256: string;
  sha512: string;
}

/**
 * Most files of an export are small (one conversation-day of EML or RSMF), and a
 * stream costs more to set up than such a file costs to write: the first bytes are
 * held in memory and written in one call at close; only a file that grows past
 * SMALL_FILE_BYTES becomes a stream.
 */
const SMALL_FILE_BYTES = 1 << 20;

export class HashedFile {
  private out: WriteStream | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly h256: Hash = createHash('sha256');
  private readonly h512: Hash = createHash('sha512');
  private bytes = 0;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  async write(chunk: string | Buffer): Promise<void> {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.h256.update(buf);
    this.h512.update(buf);
    this.bytes += buf.length;
    if (!this.out) {
      this.pending.push(buf);
      this.pendingBytes += buf.length;
      if (this.pendingBytes <= SMALL_FILE_BYTES) return;
      this.out = createWriteStream(this.path);
      const held = Buffer.concat(this.pending);
      this.pending = [];
      if (!this.out.write(held)) await once(this.out, 'drain');
      return;
    }
    if (!this.out.write(buf)) await once(this.out, 'drain');
  }

  async close(): Promise<FileDigest> {
    const out = this.out;
    if (out) await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    else await writeFile(this.path, Buffer.concat(this.pending));
    this.pending = [];
    return { bytes: this.bytes, sha256: this.h256.digest('hex'), sha512: this.h512.digest('hex') };
  }
}

/**
 * A payload file that is hashed while it is written (on a worker thread), so the
 * package manifests (SHA-256 and SHA-512, BagIt) never re-read the export. Writes respect the
 * stream's backpressure: memory stays flat whatever the size of the export.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { ThreadHasher } from './hash-thread.js';

export interface FileDigest {
  bytes: number;
  sha256: string;
  sha512: string;
}

export class HashedFile {
  private readonly out: WriteStream;
  // On a worker thread: a flat file is large, and the main thread assembles every message (hash-thread.ts).
  private readonly hasher = new ThreadHasher();
  private bytes = 0;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.out = createWriteStream(path);
  }

  async write(chunk: string | Buffer): Promise<void> {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.bytes += buf.length;
    const drained = this.out.write(buf);
    await this.hasher.update(buf);
    if (!drained) await once(this.out, 'drain');
  }

  async close(): Promise<FileDigest> {
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    const { sha256, sha512 } = await this.hasher.digest();
    return { bytes: this.bytes, sha256, sha512 };
  }
}

/**
 * A file whose whole content is already in memory (one conversation-day of EML or
 * RSMF), hashed and written in one synchronous call: for the many small files of
 * an export, the thread-pool round trips of a stream cost more than the write.
 */
export function writeWholeFile(path: string, pieces: ReadonlyArray<string | Buffer>): FileDigest {
  const buf = Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, buf);
  return { bytes: buf.length, sha256: createHash('sha256').update(buf).digest('hex'), sha512: createHash('sha512').update(buf).digest('hex') };
}

/**
 * A ZIP writer (PKWARE APPNOTE 6.3.10) for bags of very many files.
 *
 * Why not yazl here: yazl looks for its next entry by scanning every entry added
 * before it, so a bag of 187,000 EML and RSMF files took minutes to zip; archiver
 * queues every entry in memory. This writer appends each file as it comes, with the
 * real CRC-32 and sizes in its local header (no data descriptors, so any reader can
 * stream it), spills the central directory to a side file, and adds ZIP64 fields only
 * where a value overflows. Entry times are DOS fields filled from the UTC wall clock
 * of one given time, so the same files give the same bytes in any server time zone.
 * (yazl still writes RSMF's one-member rsmf.zip.)
 */
import { closeSync, fstatSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import { PackageBuildError } from './errors.js';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL = 0x06054b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EXTRA = 0x0001;
/** General purpose bit 11: names are UTF-8. */
const UTF8_NAMES = 0x0800;
const STORE = 0;
const DEFLATE = 8;
const MAX32 = 0xffffffff;
const MAX16 = 0xffff;
/** Files up to this size are read, hashed and deflated in one call; larger ones are streamed. */
const WHOLE_FILE_LIMIT = 8 * 1024 * 1024;
/**
 * A streamed file this large gets ZIP64 sizes in its local header before its
 * compressed size is known (deflate can grow incompressible data a little).
 */
const ZIP64_LOCAL_THRESHOLD = 0xf0000000;
const CHUNK = 1024 * 1024;

export interface ZipEntryOptions {
  /** Deflate (at the writer's level) or store as is. */
  compress: boolean;
  /** Unix mode of the entry; regular file, rw-r--r-- unless said. */
  mode?: number;
}

interface CentralRecord {
  name: Buffer;
  method: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
  mode: number;
}

/** DOS date and time fields from the UTC wall clock of `t` (APPNOTE 4.4.6; two-second resolution). */
export function dosDateTime(t: Date): { date: number; time: number } {
  const year = Math.min(Math.max(t.getUTCFullYear(), 1980), 2107);
  return {
    date: ((year - 1980) << 9) | ((t.getUTCMonth() + 1) << 5) | t.getUTCDate(),
    time: (t.getUTCHours() << 11) | (t.getUTCMinutes() << 5) | (t.getUTCSeconds() >> 1),
  };
}

export class ZipWriter {
  private readonly fd: number;
  private readonly central: number;
  private readonly centralPath: string;
  private offset = 0;
  private centralBytes = 0;
  private entries = 0;
  private readonly dos: { date: number; time: number };
  private readonly level: number;
  private finished = false;
  private closed = false;

  constructor(
    private readonly path: string,
    options: { time: Date; level: number },
  ) {
    this.level = options.level;
    this.dos = dosDateTime(options.time);
    this.centralPath = `${path}.central`;
    this.fd = openSync(path, 'w');
    this.central = openSync(this.centralPath, 'w+');
  }

  /** Appends the file at `source` as `name`; refuses a file whose size changes while it is read. */
  async addFile(source: string, name: string, options: ZipEntryOptions): Promise<void> {
    const fd = openSync(source, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size <= WHOLE_FILE_LIMIT) this.addWhole(fd, size, source, name, options);
      else await this.addStreamed(fd, size, source, name, options);
    } finally {
      closeSync(fd);
    }
  }

  private addWhole(fd: number, size: number, source: string, name: string, options: ZipEntryOptions): void {
    const data = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, data, got, size - got, null);
      if (n === 0) break;
      got += n;
    }
    if (got !== size || readSync(fd, Buffer.allocUnsafe(1), 0, 1, null) !== 0) {
      throw new PackageBuildError(source, 'changed size while it was zipped');
    }
    const body = options.compress ? deflateRawSync(data, { level: this.level }) : data;
    const record: CentralRecord = {
      name: Buffer.from(name, 'utf8'),
      method: options.compress ? DEFLATE : STORE,
      crc: crc32(data),
      compressed: body.length,
      size,
      offset: this.offset,
      mode: options.mode ?? 0o100644,
    };
    this.append(this.localHeader(record, false));
    this.append(body);
    this.addCentral(record);
  }

  /** Large files: the header is written first and its CRC and compressed size filled in after. */
  private async addStreamed(fd: number, size: number, source: string, name: string, options: ZipEntryOptions): Promise<void> {
    const record: CentralRecord = {
      name: Buffer.from(name, 'utf8'),
      method: options.compress ? DEFLATE : STORE,
      crc: 0,
      compressed: 0,
      size,
      offset: this.offset,
      mode: options.mode ?? 0o100644,
    };
    const zip64 = size >= ZIP64_LOCAL_THRESHOLD;
    const header = this.localHeader(record, zip64);
    this.append(header);
    const deflate = options.compress ? createDeflateRaw({ level: this.level, chunkSize: CHUNK }) : undefined;
    const written = deflate ? this.drain(deflate) : undefined;
    let crc = 0;
    let read = 0;
    let compressed = 0;
    const chunk = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = readSync(fd, chunk, 0, CHUNK, null);
      if (n === 0) break;
      read += n;
      const piece = chunk.subarray(0, n);
      crc = crc32(piece, crc);
      if (deflate) {
        if (!deflate.write(Buffer.from(piece))) await new Promise((r) => deflate.once('drain', r));
      } else {
        this.append(piece);
        compressed += n;
      }
    }
    if (deflate) {
      deflate.end();
      compressed = await written!;
    }
    if (read !== size) throw new PackageBuildError(source, 'changed size while it was zipped');
    if (!zip64 && compressed >= MAX32) throw new PackageBuildError(source, 'grew past 4 GiB when deflated');
    record.crc = crc;
    record.compressed = compressed;
    this.patchLocalHeader(record, zip64);
    this.addCentral(record);
  }

  /** Writes a deflate stream's output as it comes; resolves to the number of bytes written. */
  private drain(deflate: ReturnType<typeof createDeflateRaw>): Promise<number> {
    return new Promise((resolve, reject) => {
      let bytes = 0;
      deflate.on('data', (b: Buffer) => {
        this.append(b);
        bytes += b.length;
      });
      deflate.on('end', () => resolve(bytes));
      deflate.on('error', reject);
    });
  }

  private localHeader(r: CentralRecord, zip64: boolean): Buffer {
    const extra = zip64 ? 20 : 0;
    const h = Buffer.alloc(30 + r.name.length + extra);
    h.writeUInt32LE(LOCAL_HEADER, 0);
    h.writeUInt16LE(zip64 ? 45 : r.method === DEFLATE ? 20 : 10, 4);
    h.writeUInt16LE(UTF8_NAMES, 6);
    h.writeUInt16LE(r.method, 8);
    h.writeUInt16LE(this.dos.time, 10);
    h.writeUInt16LE(this.dos.date, 12);
    h.writeUInt32LE(r.crc >>> 0, 14);
    h.writeUInt32LE(zip64 ? MAX32 : r.compressed, 18);
    h.writeUInt32LE(zip64 ? MAX32 : r.size, 22);
    h.writeUInt16LE(r.name.length, 26);
    h.writeUInt16LE(extra, 28);
    r.name.copy(h, 30);
    if (zip64) {
      const x = 30 + r.name.length;
      h.writeUInt16LE(ZIP64_EXTRA, x);
      h.writeUInt16LE(16, x + 2);
      h.writeBigUInt64LE(BigInt(r.size), x + 4);
      h.writeBigUInt64LE(BigInt(r.compressed), x + 12);
    }
    return h;
  }

  private patchLocalHeader(r: CentralRecord, zip64: boolean): void {
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(r.crc >>> 0, 0);
    writeSync(this.fd, crc, 0, 4, r.offset + 14);
    if (zip64) {
      const compressed = Buffer.alloc(8);
      compressed.writeBigUInt64LE(BigInt(r.compressed), 0);
      writeSync(this.fd, compressed, 0, 8, r.offset + 30 + r.name.length + 12);
    } else {
      const compressed = Buffer.alloc(4);
      compressed.writeUInt32LE(r.compressed, 0);
      writeSync(this.fd, compressed, 0, 4, r.offset + 18);
    }
  }

  private addCentral(r: CentralRecord): void {
    const big = [r.size >= MAX32, r.compressed >= MAX32, r.offset >= MAX32];
    const extra = big.some(Boolean) ? 4 + 8 * big.filter(Boolean).length : 0;
    const h = Buffer.alloc(46 + r.name.length + extra);
    h.writeUInt32LE(CENTRAL_HEADER, 0);
    h.writeUInt16LE((3 << 8) | 45, 4); // made by: Unix, spec 4.5
    h.writeUInt16LE(extra ? 45 : r.method === DEFLATE ? 20 : 10, 6);
    h.writeUInt16LE(UTF8_NAMES, 8);
    h.writeUInt16LE(r.method, 10);
    h.writeUInt16LE(this.dos.time, 12);
    h.writeUInt16LE(this.dos.date, 14);
    h.writeUInt32LE(r.crc >>> 0, 16);
    h.writeUInt32LE(big[1] ? MAX32 : r.compressed, 20);
    h.writeUInt32LE(big[0] ? MAX32 : r.size, 24);
    h.writeUInt16LE(r.name.length, 28);
    h.writeUInt16LE(extra, 30);
    h.writeUInt32LE((r.mode << 16) >>> 0, 38);
    h.writeUInt32LE(big[2] ? MAX32 : r.offset, 42);
    r.name.copy(h, 46);
    if (extra) {
      // APPNOTE 4.5.3: only the overflowed fields, in this order.
      let x = 46 + r.name.length;
      h.writeUInt16LE(ZIP64_EXTRA, x);
      h.writeUInt16LE(extra - 4, x + 2);
      x += 4;
      for (const [i, value] of [r.size, r.compressed, r.offset].entries()) {
        if (!big[i]) continue;
        h.writeBigUInt64LE(BigInt(value), x);
        x += 8;
      }
    }
    writeSync(this.central, h);
    this.centralBytes += h.length;
    this.entries++;
  }

  private append(b: Buffer): void {
    let done = 0;
    while (done < b.length) done += writeSync(this.fd, b, done, b.length - done, this.offset + done);
    this.offset += b.length;
  }

  /** Appends the central directory and the end records; returns the ZIP's size in bytes. */
  finish(): number {
    if (this.finished) throw new Error('ZipWriter.finish called twice');
    this.finished = true;
    try {
      const start = this.offset;
      const buf = Buffer.allocUnsafe(CHUNK);
      for (let pos = 0; pos < this.centralBytes; ) {
        const n = readSync(this.central, buf, 0, Math.min(CHUNK, this.centralBytes - pos), pos);
        this.append(buf.subarray(0, n));
        pos += n;
      }
      this.writeEnd(start);
      return this.offset;
    } finally {
      this.close();
    }
  }

  private writeEnd(start: number): void {
    const zip64 = this.entries >= MAX16 || this.centralBytes >= MAX32 || start >= MAX32;
    if (zip64) {
      const endAt = this.offset;
      const e = Buffer.alloc(56);
      e.writeUInt32LE(ZIP64_END, 0);
      e.writeBigUInt64LE(44n, 4);
      e.writeUInt16LE((3 << 8) | 45, 12);
      e.writeUInt16LE(45, 14);
      e.writeBigUInt64LE(BigInt(this.entries), 24);
      e.writeBigUInt64LE(BigInt(this.entries), 32);
      e.writeBigUInt64LE(BigInt(this.centralBytes), 40);
      e.writeBigUInt64LE(BigInt(start), 48);
      this.append(e);
      const l = Buffer.alloc(20);
      l.writeUInt32LE(ZIP64_LOCATOR, 0);
      l.writeBigUInt64LE(BigInt(endAt), 8);
      l.writeUInt32LE(1, 16);
      this.append(l);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_OF_CENTRAL, 0);
    end.writeUInt16LE(Math.min(this.entries, MAX16), 8);
    end.writeUInt16LE(Math.min(this.entries, MAX16), 10);
    end.writeUInt32LE(Math.min(this.centralBytes, MAX32), 12);
    end.writeUInt32LE(Math.min(start, MAX32), 16);
    this.append(end);
  }

  /** Closes both files and removes the side file; called by finish, and by a caller after a failure. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    closeSync(this.central);
    rmSync(this.centralPath, { force: true });
  }
}

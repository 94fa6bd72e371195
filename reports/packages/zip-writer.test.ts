import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipWriter, dosDateTime } from './zip-writer.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'custos-zip-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Read {
  name: string;
  data: Buffer;
  method: number;
}

/** Reads every entry's data, or only the last one's (`onlyLast`: 70,000 streams cost minutes on a busy machine). */
async function readWithYauzl(path: string, onlyLast = false): Promise<{ entries: Read[]; count: number }> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true });
  const entries: Read[] = [];
  for await (const e of zip.eachEntry()) {
    if (onlyLast && entries.length < zip.entryCount - 1) {
      entries.push({ name: e.fileName, data: Buffer.alloc(0), method: e.compressionMethod });
      continue;
    }
    const stream = await zip.openReadStreamPromise(e);
    const parts: Buffer[] = [];
    for await (const p of stream) parts.push(p as Buffer);
    entries.push({ name: e.fileName, data: Buffer.concat(parts), method: e.compressionMethod });
  }
  const count = zip.entryCount;
  await zip.close();
  return { entries, count };
}

/** Python's zipfile: CRC-checks every member (testzip) and lists the names. */
function readWithPython(path: string): { bad: string | null; names: string[] } {
  const out = execFileSync('python3', ['-c', 'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nprint(json.dumps({"bad": z.testzip(), "names": z.namelist()}))', path], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out) as { bad: string | null; names: string[] };
}

function writeFiles(dir: string, files: Array<[string, Buffer]>): void {
  for (const [name, data] of files) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
}

describe('ZipWriter', () => {
  const time = new Date('2026-11-30T12:05:02.000Z');

  it('writes files that yauzl, Python zipfile and Info-ZIP read back byte for byte, small and streamed, stored and deflated', async () => {
    const src = join(work, 'src');
    const compressible = Buffer.from('a line of a chat transcript, repeated\n'.repeat(260_000)); // ~9.9 MB: the streamed path
    const files: Array<[string, Buffer, boolean]> = [
      ['bagit.txt', Buffer.from('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n'), true],
      ['data/empty.txt', Buffer.alloc(0), true],
      ['data/données/été ✓.eml', Buffer.from('Subject: réunion\r\n\r\nbonjour\r\n'), true],
      ['data/random.parquet', randomBytes(100_000), false],
      ['data/big/transcript.jsonl', compressible, true],
      ['data/big/noise.bin', randomBytes(9 * 1024 * 1024), false],
      ['data/big/noise-deflated.bin', randomBytes(9 * 1024 * 1024 + 7), true],
    ];
    writeFiles(src, files.map(([n, d]) => [n, d]));
    const path = join(work, 'a.zip');
    const zip = new ZipWriter(path, { time, level: 1 });
    for (const [name, , compress] of files) await zip.addFile(join(src, name), `job-1/${name}`, { compress });
    const bytes = zip.finish();
    expect(readFileSync(path).length).toBe(bytes);

    const { entries } = await readWithYauzl(path);
    expect(entries.map((e) => e.name)).toEqual(files.map(([n]) => `job-1/${n}`));
    for (const [i, [name, data, compress]] of files.entries()) {
      expect(entries[i]!.data.equals(data), name).toBe(true);
      expect(entries[i]!.method, name).toBe(compress ? 8 : 0);
    }
    // Deflate did its work on the streamed text.
    expect(bytes).toBeLessThan(compressible.length / 4 + 2 * 9 * 1024 * 1024 + 200_000);

    const py = readWithPython(path);
    expect(py.bad).toBeNull();
    expect(py.names).toEqual(files.map(([n]) => `job-1/${n}`));
    // Info-ZIP's own test of every member (CRC and sizes); exits non-zero on any error.
    expect(execFileSync('unzip', ['-tqq', path], { encoding: 'utf8' })).toBe('');
  });

  it('writes the ZIP64 end records past 65,535 entries, and every reader counts them all', async () => {
    const src = join(work, 'many');
    const n = 70_000;
    mkdirSync(src, { recursive: true });
    // One source file added 70,000 times under other names: the entry count is what is tested.
    writeFileSync(join(src, 'f.txt'), 'the same file\n');
    const path = join(work, 'many.zip');
    const zip = new ZipWriter(path, { time, level: 1 });
    for (let i = 0; i < n; i++) await zip.addFile(join(src, 'f.txt'), `bag/data/f${i}.txt`, { compress: true });
    zip.finish();
    const raw = readFileSync(path);
    expect(raw.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBeGreaterThan(0); // ZIP64 end of central directory
    const { entries, count } = await readWithYauzl(path, true);
    expect(count).toBe(n);
    expect(entries).toHaveLength(n);
    expect(entries[n - 1]).toMatchObject({ name: `bag/data/f${n - 1}.txt`, data: Buffer.from('the same file\n') });
    const py = readWithPython(path);
    expect(py.bad).toBeNull();
    expect(py.names).toHaveLength(n);
    rmSync(src, { recursive: true });
  }, 120_000);

  it('gives the same bytes for the same files and time', async () => {
    const src = join(work, 'same');
    writeFiles(src, [['a.txt', Buffer.from('one\n')], ['b/c.txt', Buffer.from('two\n'.repeat(1000))]]);
    const once = async (out: string) => {
      const zip = new ZipWriter(out, { time, level: 1 });
      await zip.addFile(join(src, 'a.txt'), 'r/a.txt', { compress: true });
      await zip.addFile(join(src, 'b/c.txt'), 'r/b/c.txt', { compress: true });
      zip.finish();
      return readFileSync(out);
    };
    expect((await once(join(work, 's1.zip'))).equals(await once(join(work, 's2.zip')))).toBe(true);
  });

  it('refuses a source that cannot be read, naming it, and leaves no side file behind after close', async () => {
    const path = join(work, 'bad.zip');
    const zip = new ZipWriter(path, { time, level: 1 });
    await expect(zip.addFile(join(work, 'no-such-file'), 'x', { compress: true })).rejects.toThrow(/no-such-file/);
    zip.close();
    expect(() => readFileSync(`${path}.central`)).toThrow(/ENOENT/);
  });
});

describe('dosDateTime', () => {
  it('fills the DOS fields from the UTC wall clock, at two-second resolution', () => {
    const { date, time } = dosDateTime(new Date('2026-03-29T01:30:59.999Z'));
    expect({ y: (date >> 9) + 1980, m: (date >> 5) & 15, d: date & 31 }).toEqual({ y: 2026, m: 3, d: 29 });
    expect({ h: time >> 11, min: (time >> 5) & 63, s: (time & 31) * 2 }).toEqual({ h: 1, min: 30, s: 58 });
  });
});

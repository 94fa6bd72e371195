/**
 * `npm run bench -- package-zip`: the download ZIP of a bag with very many small files
 * (a sparse archive's EML and RSMF day files), written by Custos' ZipWriter and by yazl
 * on the same files. yazl scans every earlier entry for each next one, so its time
 * grows with the square of the file count. `BENCH_ZIP_FILES` (default 20000,60000).
 */
import { mkdirSync, rmSync, writeFileSync, createWriteStream, statSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { ZipWriter } from '../reports/packages/zip-writer.js';

const sizes = (process.env.BENCH_ZIP_FILES ?? '20000,60000').split(',').map(Number);

function makeFiles(dir: string, n: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `data/eml/C${i % 2000}/2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}-${i}.eml`;
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), `From: a@example.invalid\r\nSubject: day ${i}\r\n\r\n${'a message of the day\r\n'.repeat(20)}`);
    names.push(name);
  }
  return names;
}

async function withWriter(dir: string, names: string[], out: string): Promise<number> {
  const started = process.hrtime.bigint();
  const zip = new ZipWriter(out, { time: new Date('2026-12-01T00:00:00Z'), level: 1 });
  for (const n of names) await zip.addFile(join(dir, n), `bag/${n}`, { compress: true });
  zip.finish();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function withYazl(dir: string, names: string[], out: string): Promise<number> {
  const started = process.hrtime.bigint();
  const zip = new yazl.ZipFile();
  for (const n of names) zip.addFile(join(dir, n), `bag/${n}`, { compressionLevel: 1, mtime: new Date('2026-12-01T00:00:00Z') });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(out));
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export async function runPackageZipBench(): Promise<void> {
  const root = join(tmpdir(), `custos-bench-zip-${process.pid}`);
  try {
    for (const n of sizes) {
      const dir = join(root, String(n));
      const names = makeFiles(dir, n);
      const mine = await withWriter(dir, names, join(root, `w-${n}.zip`));
      const theirs = await withYazl(dir, names, join(root, `y-${n}.zip`));
      const load = loadavg()[0]!.toFixed(1);
      console.log(`package-zip ${n} files: ZipWriter ${mine.toFixed(2)} s (${Math.round(n / mine)} files/s, ${statSync(join(root, `w-${n}.zip`)).size} bytes); yazl ${theirs.toFixed(2)} s (${Math.round(n / theirs)} files/s); load ${load}`);
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

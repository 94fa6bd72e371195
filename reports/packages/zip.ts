/**
 * A bag as one ZIP for download, written file by file (zip-writer.ts: ZIP64 where a
 * value overflows, memory flat however many files).
 * The bag sits in one top-level folder (RFC 8493 §4); entries come in a fixed order
 * (bagit.txt first, for tools that sniff it) with fixed times and modes, so the
 * same bag gives the same ZIP bytes.
 */
import { renameSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { walkFiles } from './bag-source.js';
import { PackageBuildError } from './errors.js';
import { SIGNATURE_FILE } from './custody.js';
import { comparePaths } from './merkle.js';
import { TAG_FILES, TAG_MANIFESTS } from './paths.js';
import { ZipWriter } from './zip-writer.js';

export interface ZipBagOptions {
  /** The top-level folder in the ZIP; RFC 8493 §4.2: the bag's base directory name (the default). */
  rootName?: string;
  /** Every entry's time: the package's creation time, not the clock. */
  time: Date;
}

/** Members that are compressed already (Parquet pages; an RSMF holds a ZIP): deflating them again costs CPU and saves nothing. */
const ALREADY_COMPRESSED = /\.(parquet|rsmf|zip|gz|zst)$/i;

/**
 * The download is a copy of a bag whose payload is hashed already; level 1 deflates
 * several times faster than the default 6 for a somewhat larger file. (The level is
 * part of the bytes: a re-run with the same Node and zlib gives the same ZIP.)
 */
const DEFLATE_LEVEL = 1;

const ORDER: readonly string[] = [...TAG_FILES, ...TAG_MANIFESTS, SIGNATURE_FILE];

function rank(name: string): number {
  const i = ORDER.indexOf(name);
  return i === -1 ? (name.startsWith('data/') ? ORDER.length + 1 : ORDER.length) : i;
}

export async function zipBag(bagDir: string, zipPath: string, options: ZipBagOptions): Promise<{ bytes: number }> {
  const rootName = options.rootName ?? basename(resolve(bagDir));
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(rootName)) {
    throw new PackageBuildError(zipPath, `"${rootName}" cannot be the ZIP's top-level folder`);
  }
  const entries = walkFiles(bagDir).sort((a, b) => rank(a.name) - rank(b.name) || comparePaths(a.name, b.name));
  const stray = entries.find((e) => e.kind !== 'file');
  if (stray) throw new PackageBuildError(stray.name, 'is not a regular file; a package holds only regular files');
  const tmp = `${zipPath}.${process.pid}.tmp`;
  // Entry times are DOS fields filled from the UTC wall clock of the package's time,
  // whatever zone the server runs in (no zone-bearing extra fields).
  const zip = new ZipWriter(tmp, { time: options.time, level: DEFLATE_LEVEL });
  try {
    for (const e of entries) {
      await zip.addFile(join(bagDir, e.name), `${rootName}/${e.name}`, { compress: !ALREADY_COMPRESSED.test(e.name) });
    }
    const bytes = zip.finish();
    renameSync(tmp, zipPath);
    return { bytes };
  } catch (err) {
    zip.close();
    rmSync(tmp, { force: true });
    throw err;
  }
}

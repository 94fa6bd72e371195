/**
 * A bag as one ZIP for download, streamed (yazl: ZIP64 when needed, memory flat).
 * The bag sits in one top-level folder (RFC 8493 §4); entries come in a fixed order
 * (bagit.txt first, for tools that sniff it) with fixed times and modes, so the
 * same bag gives the same ZIP bytes.
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { walkFiles } from './bag-source.js';
import { PackageBuildError } from './errors.js';
import { SIGNATURE_FILE } from './custody.js';
import { comparePaths } from './merkle.js';
import { TAG_FILES, TAG_MANIFESTS } from './paths.js';

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

/**
 * ZIP entry times are DOS local wall-clock times, which yazl takes from the local
 * zone. The entry time is shifted so that the wall clock written is the UTC one,
 * whatever zone the server runs in; the zone-free extended timestamp is left out.
 */
function utcWallClock(t: Date): Date {
  let shifted = new Date(t.getTime() + t.getTimezoneOffset() * 60_000);
  shifted = new Date(t.getTime() + shifted.getTimezoneOffset() * 60_000);
  return shifted;
}

export async function zipBag(bagDir: string, zipPath: string, options: ZipBagOptions): Promise<{ bytes: number }> {
  const rootName = options.rootName ?? basename(resolve(bagDir));
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(rootName)) {
    throw new PackageBuildError(zipPath, `"${rootName}" cannot be the ZIP's top-level folder`);
  }
  const entries = walkFiles(bagDir).sort((a, b) => rank(a.name) - rank(b.name) || comparePaths(a.name, b.name));
  const stray = entries.find((e) => e.kind !== 'file');
  if (stray) throw new PackageBuildError(stray.name, 'is not a regular file; a package holds only regular files');
  const zip = new yazl.ZipFile();
  const mtime = utcWallClock(options.time);
  for (const e of entries) {
    zip.addFile(join(bagDir, e.name), `${rootName}/${e.name}`, { mtime, mode: 0o100644, compressionLevel: ALREADY_COMPRESSED.test(e.name) ? 0 : DEFLATE_LEVEL, forceDosTimestamp: true });
  }
  zip.end();
  const tmp = `${zipPath}.${process.pid}.tmp`;
  try {
    let bytes = 0;
    const out = createWriteStream(tmp);
    out.on('finish', () => (bytes = out.bytesWritten));
    await pipeline(zip.outputStream, out);
    renameSync(tmp, zipPath);
    return { bytes };
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

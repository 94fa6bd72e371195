/**
 * A bag to read, as a directory or as a ZIP of one: the verifier sees only relative
 * `/`-separated names, sizes and streams, so both are checked by the same code.
 * A ZIP made by zipBag (or by most tools) holds the bag in one top-level folder
 * (RFC 8493 §4); that folder is taken off the names.
 */
import { createReadStream, lstatSync, readdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { errorMessage } from '../../common/errors.js';
import { comparePaths } from './merkle.js';
import { PackageOpenError } from './errors.js';

export type EntryKind = 'file' | 'symlink' | 'other';

export interface BagEntry {
  name: string;
  kind: EntryKind;
  size: number;
}

export interface BagSource {
  readonly label: string;
  /** Every file (never directories), sorted by UTF-8 byte order of name. */
  readonly entries: ReadonlyMap<string, BagEntry>;
  open(name: string): Promise<Readable>;
  close(): Promise<void>;
}

/** Files under `root`, relative with `/`; symbolic links are listed, never followed. */
export function walkFiles(root: string): BagEntry[] {
  const out: BagEntry[] = [];
  const visit = (rel: string) => {
    for (const name of readdirSync(join(root, rel))) {
      const relName = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(root, relName));
      if (st.isDirectory()) visit(relName);
      else out.push({ name: relName, kind: st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other', size: st.size });
    }
  };
  visit('');
  return out.sort((a, b) => comparePaths(a.name, b.name));
}

function openDir(path: string): BagSource {
  const entries = new Map(walkFiles(path).map((e) => [e.name, e]));
  return {
    label: path,
    entries,
    open: async (name) => createReadStream(join(path, name)),
    close: async () => {},
  };
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

async function openZip(path: string): Promise<BagSource> {
  let zip: yauzl.ZipFile;
  const raw = new Map<string, { entry: yauzl.Entry; kind: EntryKind }>();
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, strictFileNames: true, validateEntrySizes: true });
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      if (raw.has(entry.fileName)) throw new Error(`entry ${entry.fileName} appears twice`);
      const unixMode = (entry.externalFileAttributes >>> 16) & S_IFMT;
      raw.set(entry.fileName, { entry, kind: unixMode === S_IFLNK ? 'symlink' : 'file' });
    }
  } catch (err) {
    throw new PackageOpenError(path, `not a readable ZIP (${errorMessage(err)})`, { cause: err });
  }
  const names = [...raw.keys()];
  const first = names[0]?.split('/')[0];
  const prefix = !raw.has('bagit.txt') && first !== undefined && names.every((n) => n.startsWith(`${first}/`)) ? `${first}/` : '';
  const byName = new Map<string, yauzl.Entry>();
  const entries = new Map<string, BagEntry>();
  for (const n of names.map((n) => n.slice(prefix.length)).sort(comparePaths)) {
    const { entry, kind } = raw.get(prefix + n)!;
    byName.set(n, entry);
    entries.set(n, { name: n, kind, size: entry.uncompressedSize });
  }
  return {
    label: path,
    entries,
    open: (name) => zip.openReadStreamPromise(byName.get(name)!),
    close: async () => zip.close(),
  };
}

/** Opens a bag directory or a ZIP (recognised by its first bytes, not its name). */
export async function openBagSource(path: string): Promise<BagSource> {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    throw new PackageOpenError(path, `cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  if (isDir) return openDir(path);
  const head = Buffer.alloc(4);
  const fh = await open(path, 'r');
  try {
    await fh.read(head, 0, 4, 0);
  } finally {
    await fh.close();
  }
  if (head.readUInt32LE(0) !== 0x04034b50 && head.readUInt32LE(0) !== 0x06054b50) {
    throw new PackageOpenError(path, 'is neither a bag directory nor a ZIP file');
  }
  return openZip(path);
}

export async function readAll(source: BagSource, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await source.open(name)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

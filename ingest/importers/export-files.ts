/**
 * One view over the three shapes an export comes in: a folder, a ZIP file (as
 * Slack hands it out) or a single file. Names are relative POSIX paths. Files are
 * opened as streams, one at a time, so a multi-gigabyte export never sits in
 * memory; a ZIP is read with yauzl from its central directory, so any entry can
 * be read in any order without unpacking the archive.
 */
import { createReadStream, promises as fs } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { CustosError } from '../../common/errors.js';

export interface ExportFiles {
  /** What the user gave, for messages. */
  label: string;
  /** A folder, a ZIP, or one file given directly. */
  kind: 'folder' | 'zip' | 'file';
  /** Every file in the export, sorted, as relative POSIX paths. */
  names(): readonly string[];
  open(name: string): Promise<Readable>;
  close(): Promise<void>;
}

export class ImportInputError extends CustosError {}

async function walk(root: string, dir: string, out: string[]): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    // Symbolic links are followed: an export assembled from links is still the export.
    const kind = entry.isSymbolicLink() ? await fs.stat(full) : entry;
    if (kind.isDirectory()) await walk(root, full, out);
    else if (kind.isFile()) out.push(relative(root, full).split(sep).join('/'));
  }
}

async function openFolder(path: string): Promise<ExportFiles> {
  const names: string[] = [];
  await walk(path, path, names);
  names.sort();
  return {
    label: path,
    kind: 'folder',
    names: () => names,
    open: async (name) => createReadStream(join(path, ...name.split('/'))),
    close: async () => {},
  };
}

async function openZip(path: string): Promise<ExportFiles> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, strictFileNames: false });
  const entries = new Map<string, yauzl.Entry>();
  for await (const entry of zip.eachEntry()) {
    if (!entry.fileName.endsWith('/')) entries.set(entry.fileName, entry);
  }
  const names = [...entries.keys()].sort();
  return {
    label: path,
    kind: 'zip',
    names: () => names,
    open: async (name) => {
      const entry = entries.get(name);
      if (!entry) throw new ImportInputError(`${path}: no entry ${name}`);
      return zip.openReadStreamPromise(entry);
    },
    close: async () => zip.close(),
  };
}

async function openSingle(path: string): Promise<ExportFiles> {
  const name = basename(path);
  return { label: path, kind: 'file', names: () => [name], open: async () => createReadStream(path), close: async () => {} };
}

export async function openExportFiles(path: string): Promise<ExportFiles> {
  let stat;
  try {
    stat = await fs.stat(path);
  } catch (err) {
    throw new ImportInputError(`${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  if (stat.isDirectory()) return openFolder(path);
  if (/\.zip$/i.test(path)) {
    try {
      return await openZip(path);
    } catch (err) {
      throw new ImportInputError(`${path}: not a readable ZIP file (${(err as Error).message})`, { cause: err });
    }
  }
  return openSingle(path);
}

/** The whole content of one (small, bounded) file: a Slack day file, a Graph page. */
export async function readText(files: ExportFiles, name: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await files.open(name)) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Lines of one file, streamed, with 1-based line numbers; `\r\n` is accepted. */
export async function* readLines(files: ExportFiles, name: string): AsyncGenerator<{ line: string; n: number }> {
  const stream = await files.open(name);
  stream.setEncoding('utf8');
  let rest = '';
  let n = 0;
  for await (const chunk of stream as AsyncIterable<string>) {
    const text = rest + chunk;
    let start = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
      let line = text.slice(start, i);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      n++;
      yield { line: n === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line, n };
      start = i + 1;
    }
    rest = text.slice(start);
  }
  if (rest.length > 0) {
    n++;
    yield { line: rest.endsWith('\r') ? rest.slice(0, -1) : rest, n };
  }
}

/**
 * The files of an export that a format reads. A file given directly is always read;
 * in a folder or ZIP, files that do not match are skipped and named in the report
 * (`assume`), so nothing is left out in silence.
 */
export function pickFiles(files: ExportFiles, wanted: (name: string) => boolean, what: string, assume: (text: string) => void): string[] {
  const names = files.names();
  if (files.kind === 'file') return [...names];
  const picked = names.filter(wanted);
  const skipped = names.filter((n) => !wanted(n));
  if (skipped.length) {
    const list = skipped.slice(0, 10).join(', ') + (skipped.length > 10 ? `, and ${skipped.length - 10} more` : '');
    assume(`skipped ${skipped.length} file(s) that are not ${what}: ${list}`);
  }
  return picked;
}

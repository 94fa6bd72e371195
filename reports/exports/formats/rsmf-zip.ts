/**
 * `rsmf.zip` holding only `rsmf_manifest.json`. Reproducible bytes: the entry is
 * stored, not deflated (no dependence on the zlib build), and its time is taken from
 * the data. ZIP's DOS time has no zone and yazl fills it from local-time fields, so we
 * hand it a Date whose local fields are the UTC wall-clock of `time`: the same bytes
 * on any machine, whatever its TZ. The Info-ZIP UT field would store the shifted
 * instant, so it is turned off.
 */
import yazl from 'yazl';
import { parseUtc } from './utc-time.js';

export const MANIFEST_NAME = 'rsmf_manifest.json';

export function zipManifest(manifest: Buffer, time: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(manifest, MANIFEST_NAME, { mtime: utcWallClock(time), mode: 0o100644, compress: false, forceDosTimestamp: true });
  zip.end();
  return collect(zip.outputStream);
}

function utcWallClock(time: string): Date {
  const d = parseUtc(time);
  return new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
}

function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', reject);
    stream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

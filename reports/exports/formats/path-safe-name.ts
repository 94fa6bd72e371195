/**
 * Turns an arbitrary id (a conversation id from any chat platform) into one path
 * segment that is safe on every file system a reviewer may unpack a package on, and
 * never the same for two different ids.
 *
 * - Letters a-z A-Z, digits, `_` and `-` stay; every other UTF-8 byte becomes `=HH`
 *   (so `/`, `\`, `.`, `..`, `:` and control characters cannot reach the file system,
 *   and the mapping is injective because `=` itself is encoded). Not `%`: RFC 8493
 *   manifests must percent-encode `%` in paths, and validators disagree on reading
 *   that back (bagit-python#157), so a package keeps `%` out of its file names.
 * - Case-insensitive file systems (Windows, macOS) would merge `C1` and `c1`, so an
 *   id with an upper-case letter, a name longer than 100 characters and a Windows
 *   device name (`con`, `nul`, `com1`, ...) get `~` and 12 hex digits of the id's
 *   SHA-256. `~` is never produced by the encoding, so a suffixed name cannot equal
 *   an unsuffixed one.
 */
import { createHash } from 'node:crypto';

const MAX_READABLE = 100;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

export function pathSafeName(id: string): string {
  const encoded = escapeBytes(id);
  const needsSuffix = /[A-Z]/.test(id) || encoded.length > MAX_READABLE || WINDOWS_DEVICE.test(encoded) || encoded === '';
  if (!needsSuffix) return encoded;
  const digest = createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 12);
  return `${encoded.slice(0, MAX_READABLE)}~${digest}`;
}

function escapeBytes(id: string): string {
  let out = '';
  for (const byte of Buffer.from(id, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9_-]/.test(ch) ? ch : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

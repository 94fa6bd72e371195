/**
 * The text formats of RFC 8493: manifest lines (§2.1.3, with the percent-encoding of
 * CR, LF and % in paths), tag files of `Label: value` lines (§2.2.2) and bagit.txt
 * (§2.1.1). Both directions live here so that writer and verifier cannot drift.
 */

export const BAGIT_TXT = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';

/** RFC 8493 §2.1.3: CR, LF and % (and only those) are percent-encoded in a manifest path. */
export function encodeManifestPath(path: string): string {
  return path.replace(/[%\r\n]/g, (c) => (c === '%' ? '%25' : c === '\r' ? '%0D' : '%0A'));
}

export function decodeManifestPath(encoded: string): string {
  return encoded.replace(/%(25|0D|0A)/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export function manifestLine(hex: string, path: string): string {
  return `${hex}  ${encodeManifestPath(path)}\n`;
}

export interface ManifestEntry {
  path: string;
  hex: string;
  line: number;
}

/** Parses a manifest; returns the entries or the first malformed line's problem. */
export function parseManifest(text: string, hexLength: number): { entries: ManifestEntry[] } | { problem: string } {
  const entries: ManifestEntry[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const shape = new RegExp(`^([0-9a-fA-F]{${hexLength}})[ \\t]+(.+)$`);
  for (let i = 0; i < lines.length; i++) {
    // A manifest may end its lines with CRLF (§2.1.3 allows CR, LF or CRLF); a CR in a path is always %0D.
    const raw = lines[i]!.replace(/\r$/, '');
    const m = shape.exec(raw);
    if (!m) return { problem: `line ${i + 1} is not "<${hexLength} hex digits>  <path>"` };
    entries.push({ hex: m[1]!.toLowerCase(), path: decodeManifestPath(m[2]!), line: i + 1 });
  }
  return { entries };
}

/** A `Label: value` tag file; values have CR/LF replaced by spaces, since a line break would start a new label. */
export function tagFileText(fields: ReadonlyArray<readonly [string, string]>): string {
  return fields.map(([label, value]) => `${label}: ${value.replace(/[\r\n]+/g, ' ')}\n`).join('');
}

/** Parses `Label: value` lines, joining folded continuation lines (§2.2.2). Labels may repeat. */
export function parseTagFile(text: string): { fields: Array<[string, string]> } | { problem: string } {
  const fields: Array<[string, string]> = [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^[ \t]/.test(line) && fields.length > 0) {
      fields[fields.length - 1]![1] += ' ' + line.trim();
      continue;
    }
    const m = /^([^:\s][^:]*?)[ \t]*:[ \t]*(.*)$/.exec(line);
    if (!m) return { problem: `line ${i + 1} is not "Label: value"` };
    fields.push([m[1]!, m[2]!.trim()]);
  }
  return { fields };
}

export function tagValue(fields: ReadonlyArray<[string, string]>, label: string): string | undefined {
  return fields.find(([l]) => l.toLowerCase() === label.toLowerCase())?.[1];
}

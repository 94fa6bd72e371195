/** Helpers the mail-format tests share: Python's parser, line checks, counting. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PythonPart {
  content_type: string;
  filename: string | null;
  disposition: string | null;
  content: string;
}

export interface PythonParse {
  path: string;
  content_type: string;
  defects: string[];
  part_defects: string[];
  header_defects: string[];
  headers: Array<[string, string | Array<[string, string]>]>;
  parts: PythonPart[];
}

const SCRIPT = fileURLToPath(new URL('./parse_mail.py', import.meta.url));

export function parseWithPython(paths: string[]): Map<string, PythonParse> {
  const out = execFileSync('python3', [SCRIPT, ...paths], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const parsed = JSON.parse(out) as PythonParse[];
  return new Map(parsed.map((p) => [p.path, p]));
}

export function pyHeader(p: PythonParse, name: string): string | undefined {
  const found = p.headers.find(([n]) => n.toLowerCase() === name.toLowerCase());
  return typeof found?.[1] === 'string' ? found[1] : undefined;
}

export function pyAddresses(p: PythonParse, name: string): Array<[string, string]> {
  const found = p.headers.find(([n]) => n.toLowerCase() === `${name.toLowerCase()}:addresses`);
  return Array.isArray(found?.[1]) ? found[1] : [];
}

/** Lines of a raw message: all must end in CRLF; returns them without it. */
export function rawLines(data: Buffer): { lines: Buffer[]; bareLineFeeds: number } {
  const lines: Buffer[] = [];
  let start = 0;
  let bare = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== 0x0a) continue;
    if (i === 0 || data[i - 1] !== 0x0d) bare++;
    lines.push(data.subarray(start, Math.max(start, i - 1)));
    start = i + 1;
  }
  if (start < data.length) lines.push(data.subarray(start));
  return { lines, bareLineFeeds: bare };
}

export function countOccurrences(haystack: string, needle: string): number {
  if (needle === '') throw new Error('empty needle');
  let n = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) n++;
  return n;
}

export function normaliseNewlines(text: string): string {
  return text.replace(/\r\n|\r/g, '\n');
}

/**
 * UTF-8 "B" encoded-words (RFC 2047), decoded independently of the code under test,
 * for the X- fields mailparser leaves encoded. Each word is decoded on its own, so a
 * character split across two words (which RFC 2047 forbids) shows up as U+FFFD.
 */
export function decodeEncodedWords(value: string): string {
  const words = value.trim().split(/\s+/);
  if (!words.every((w) => /^=\?UTF-8\?B\?[A-Za-z0-9+/=]*\?=$/i.test(w))) return value;
  return words.map((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).join('');
}

const made: string[] = [];

/** A fresh directory under the OS temp dir, removed by removeTempDirs (call it in afterAll). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * The top-level folders are bounded contexts that share only `common/` (STYLE.md 6):
 * this test reads every import of the product code and fails on one that crosses a
 * boundary. `cli/` and `bench/` compose the parts and may import any of them.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

/** Which top-level folders each context may import from (itself always allowed). */
const ALLOWED: Record<string, string[]> = {
  common: [],
  migrations: ['common'],
  policies: ['common'],
  ingest: ['common'],
  analytics: ['common'],
  api: ['common', 'policies', 'analytics'],
  reports: ['common', 'policies', 'analytics'],
  dashboards: ['common'],
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function crossings(context: string): string[] {
  const dir = join(root, context);
  let files: string[];
  try {
    files = sourceFiles(dir);
  } catch {
    return [];
  }
  const bad: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)) {
      const target = relative(root, resolve(dirname(file), m[1]!)).split('/')[0]!;
      if (target !== context && !ALLOWED[context]!.includes(target)) bad.push(`${relative(root, file)} imports ${m[1]}`);
    }
  }
  return bad;
}

describe('bounded contexts', () => {
  for (const context of Object.keys(ALLOWED)) {
    it(`${context}/ imports only ${[context, ...ALLOWED[context]!].join(', ')}`, () => {
      expect(crossings(context)).toEqual([]);
    });
  }
});

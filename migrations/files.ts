/** Reads the numbered migration files (NNNN_name.sql) and splits them into statements. */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../common/paths.js';

export interface MigrationFile {
  version: number;
  name: string;
  checksum: string;
  statements: string[];
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Statements end with `;` at the end of a line; `--` comment lines are dropped. */
export function splitStatements(sql: string): string[] {
  const body = sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n');
  return body
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function readMigrationFiles(dir = join(packageRoot(), 'migrations')): MigrationFile[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const seen = new Set<number>();
  return files.map((file) => {
    const m = FILE_NAME.exec(file);
    if (!m) throw new Error(`migration file name ${file} is not NNNN_name.sql`);
    const version = Number(m[1]);
    if (seen.has(version)) throw new Error(`two migration files share version ${m[1]}`);
    seen.add(version);
    const sql = readFileSync(join(dir, file), 'utf8');
    return {
      version,
      name: m[2]!,
      checksum: createHash('sha256').update(sql).digest('hex'),
      statements: splitStatements(sql),
    };
  });
}

/**
 * The Python side of the API fuzz test: scripts/python-venv.sh installs the pinned
 * schemathesis into .venv-fuzz/ (idempotent), and runSchemathesis runs its CLI as a
 * child process. Asynchronously: the app under test answers in this same process.
 */
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = process.cwd();

/** Installs schemathesis when the venv lacks the pinned version; returns the path of `st`. */
export function ensureSchemathesis(): string {
  try {
    execFileSync('bash', [join(ROOT, 'scripts', 'python-venv.sh')], { stdio: ['ignore', 'inherit', 'pipe'], timeout: 300_000 });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim();
    throw new Error(`the fuzz test needs schemathesis: ${stderr || (err as Error).message}`);
  }
  return join(ROOT, '.venv-fuzz', 'bin', 'st');
}

export interface SchemathesisRun {
  status: number | null;
  output: string;
  seconds: number;
}

export function runSchemathesis(st: string, opts: { config: string; args: string[]; cwd: string; timeoutMs?: number }): Promise<SchemathesisRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // Its own directory, so no schemathesis.toml of a parent folder is picked up.
    const child = spawn(st, ['--config-file', opts.config, ...opts.args], {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: opts.cwd, NO_COLOR: '1', COLUMNS: '160', PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 280_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/**
 * A project-local Python virtualenv for tests that need a tool from PyPI (a second
 * Parquet reader, schemathesis, ...): `.venv-<name>/` under the project root, created
 * and filled on first use, reused afterwards. Requirements are pinned by the caller;
 * the venv remembers what it was filled with and is refilled when that changes.
 * It ignores itself in git (a `.gitignore` of `*` inside), so no root entry is needed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

export class PythonVenvError extends Error {
  constructor(
    readonly venv: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`python venv ${venv}: ${message}`, options);
    this.name = 'PythonVenvError';
  }
}

function run(venv: string, what: string, cmd: string, args: string[], timeoutMs: number): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
  } catch (err) {
    const e = err as { code?: string; stderr?: string; stdout?: string };
    if (e.code === 'ENOENT') throw new PythonVenvError(venv, `${cmd} not found: install Python 3 (Debian: apt-get install python3 python3-venv)`, { cause: err });
    throw new PythonVenvError(venv, `${what} failed: ${(e.stderr || e.stdout || String(err)).trim().split('\n').slice(-5).join(' | ')}`, { cause: err });
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** One filler at a time: test files run in parallel processes and may all ask for the same venv. */
function withLock<T>(dir: string, fn: () => T): T {
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than the longest install is left over from a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 15 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new PythonVenvError(dir, `timed out waiting for ${lock}`);
      sleep(500);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Returns the path of the venv's python, after making sure the venv exists with exactly
 * `requirements` installed (pip requirement specifiers, pinned: `pyarrow==26.0.1`).
 */
export function ensureVenv(name: string, requirements: string[]): string {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) throw new PythonVenvError(name, 'name must be lower-case letters, digits, - or _');
  const dir = join(root, `.venv-${name}`);
  const python = join(dir, 'bin', 'python');
  const stamp = join(dir, '.custos-requirements');
  const wanted = [...requirements].sort().join('\n') + '\n';
  const ready = () => existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted;
  if (ready()) return python;
  return withLock(dir, () => {
    if (ready()) return python;
    if (!existsSync(python)) {
      try {
        run(dir, 'probe', 'python3', ['-c', 'import venv, ensurepip'], 30_000);
      } catch (err) {
        if ((err as { cause?: { code?: string } }).cause?.code === 'ENOENT') throw err;
        throw new PythonVenvError(dir, 'python3 has no venv/ensurepip module: install it (Debian: apt-get install python3-venv)', { cause: err });
      }
      run(dir, 'python3 -m venv', 'python3', ['-m', 'venv', dir], 120_000);
      writeFileSync(join(dir, '.gitignore'), '*\n');
    }
    if (requirements.length > 0) run(dir, `pip install ${requirements.join(' ')}`, python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-q', ...requirements], 15 * 60_000);
    writeFileSync(stamp, wanted);
    return python;
  });
}

/**
 * A project-local Python virtualenv for tests that check Custos' output with an
 * independent tool (e.g. the Library of Congress `bagit` validator). Created once as
 * `<root>/.venv-<name>` (git-ignored); pinned requirements are installed again only
 * when the list changes. Safe when several test files ask for the same venv at once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

function run(cmd: string, args: string[], what: string): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 600_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${what}: ${cmd} is not installed (Debian: apt-get install python3 python3-venv)`);
  if (r.status !== 0) {
    const out = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-3).join(' / ');
    if (/ensurepip|venv/.test(out) && args.includes('venv')) {
      throw new Error(`${what}: python3 cannot create virtualenvs; install the Debian package python3-venv (apt-get install python3-venv): ${out}`);
    }
    throw new Error(`${what} failed (exit ${r.status}): ${out}`);
  }
}

/** Sleeps without an event loop: ensureVenv is synchronous so that a test's setup reads simply. */
function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withLock<T>(lockDir: string, body: () => T): T {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock older than any install is left by a killed run.
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > 15 * 60_000) rmSync(lockDir, { recursive: true, force: true });
      } catch {
        /* removed meanwhile by its owner */
      }
      if (Date.now() > deadline) throw new Error(`${lockDir} is still held after 10 minutes; remove it if no test run is installing`);
      sleepMs(250);
    }
  }
  try {
    return body();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Creates (once) `<root>/.venv-<name>` with `requirements` (each pinned, `pkg==version`); returns its python. */
export function ensureVenv(name: string, requirements: string[]): string {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) throw new Error(`ensureVenv: "${name}" is not a plain venv name`);
  const unpinned = requirements.filter((r) => !/^[A-Za-z0-9._-]+(\[[A-Za-z0-9,._-]+\])?==[A-Za-z0-9.!+_-]+$/.test(r));
  if (unpinned.length > 0) throw new Error(`ensureVenv: requirements must be pinned (pkg==version): ${unpinned.join(', ')}`);
  const dir = join(root, `.venv-${name}`);
  const python = join(dir, 'bin', 'python');
  const stamp = join(dir, '.requirements');
  const wanted = [...requirements].sort().join('\n') + '\n';
  const ready = () => existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted;
  if (ready()) return python;
  return withLock(`${dir}.lock`, () => {
    if (ready()) return python;
    if (!existsSync(python)) {
      rmSync(dir, { recursive: true, force: true });
      run('python3', ['-m', 'venv', dir], `creating ${dir}`);
    }
    if (requirements.length > 0) {
      run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', ...requirements], `pip install ${requirements.join(' ')} into ${dir}`);
    }
    writeFileSync(stamp, wanted);
    return python;
  });
}

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureVenv } from './python-venv.js';

const root = resolve(import.meta.dirname, '..', '..');
const path = process.env.PATH;
afterEach(() => {
  process.env.PATH = path;
});

describe('ensureVenv', () => {
  it('says that python3 is missing, and how to get it, when it is not on PATH, and leaves nothing behind', () => {
    process.env.PATH = '/nonexistent';
    expect(() => ensureVenv('probe-no-python', [])).toThrow(/python3 is not installed \(Debian: apt-get install python3 python3-venv\)/);
    expect(existsSync(join(root, '.venv-probe-no-python'))).toBe(false);
    expect(existsSync(join(root, '.venv-probe-no-python.lock'))).toBe(false);
  });

  it('refuses a name that is not a plain folder name, and an unpinned requirement', () => {
    expect(() => ensureVenv('../escape', [])).toThrow(/not a plain venv name/);
    expect(() => ensureVenv('probe-unpinned', ['pyarrow'])).toThrow(/must be pinned/);
  });
});

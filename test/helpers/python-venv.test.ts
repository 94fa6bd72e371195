import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureVenv, PythonVenvError } from './python-venv.js';

const root = resolve(import.meta.dirname, '..', '..');
const path = process.env.PATH;
afterEach(() => {
  process.env.PATH = path;
});

describe('ensureVenv', () => {
  it('says that python3 is missing, and how to get it, when it is not on PATH', () => {
    process.env.PATH = '/nonexistent';
    expect(() => ensureVenv('probe-no-python', [])).toThrow(PythonVenvError);
    expect(() => ensureVenv('probe-no-python', [])).toThrow(/python3 not found: install Python 3/);
    expect(existsSync(join(root, '.venv-probe-no-python'))).toBe(false);
    expect(existsSync(join(root, '.venv-probe-no-python.lock'))).toBe(false);
  });

  it('refuses a name that is not a plain folder name', () => {
    expect(() => ensureVenv('../escape', [])).toThrow(/name must be/);
  });
});

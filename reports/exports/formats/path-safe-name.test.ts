import { describe, expect, it } from 'vitest';
import { pathSafeName } from './path-safe-name.js';

const TRICKY = ['C1', 'c1', '.', '..', 'a/b', 'a%2Fb', 'a=2Fb', 'a\\b', 'con', 'CON', 'nul', '19:abc@thread.v2', 'Général', 'general', '', 'x'.repeat(300), `${'x'.repeat(300)}y`, 'a~b', '💬'];

describe('pathSafeName', () => {
  it('gives one path segment of safe characters for any id', () => {
    for (const id of TRICKY) {
      const name = pathSafeName(id);
      expect(name, id).toMatch(/^[A-Za-z0-9_=~-]{1,113}$/);
      expect(['.', '..']).not.toContain(name);
    }
  });

  it('never gives two ids the same name, even on a case-insensitive file system', () => {
    const names = TRICKY.map((id) => pathSafeName(id).toLowerCase());
    expect(new Set(names).size).toBe(TRICKY.length);
  });

  it('keeps plain lower-case ids readable and is stable', () => {
    expect(pathSafeName('general-2026_x')).toBe('general-2026_x');
    expect(pathSafeName('a/b')).toBe('a=2Fb');
    expect(pathSafeName('C1')).toBe(pathSafeName('C1'));
    expect(pathSafeName('C1')).toMatch(/^C1~[0-9a-f]{12}$/);
  });
});

/** Every message of the English catalogue exists in French with the same kind (text or function), and none is empty. */
import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { fr } from './fr.js';
import { pickLanguage } from './language.js';

type Tree = { [k: string]: unknown };

/** Paths of every leaf, with its kind. */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object') for (const [p, kind] of leaves(v as Tree, path)) out.set(p, kind);
    else out.set(path, typeof v);
  }
  return out;
}

function valueAt(tree: Tree, path: string): unknown {
  return path.split('.').reduce<unknown>((t, k) => (t as Tree)[k], tree);
}

/** Calls a message function with sample arguments of each position's likely type. */
function render(v: unknown): string {
  if (typeof v !== 'function') return String(v);
  const f = v as (...args: unknown[]) => string;
  const args = Array.from({ length: f.length }, (_, i) => (i % 2 === 0 ? '12' : 2));
  return f(...args);
}

describe('message catalogue', () => {
  const enLeaves = leaves(en as unknown as Tree);
  const frLeaves = leaves(fr as unknown as Tree);

  it('has every English key in French, of the same kind, and no extra one', () => {
    const missing = [...enLeaves.keys()].filter((k) => !frLeaves.has(k));
    const extra = [...frLeaves.keys()].filter((k) => !enLeaves.has(k));
    const kinds = [...enLeaves].filter(([k, kind]) => frLeaves.has(k) && frLeaves.get(k) !== kind).map(([k]) => k);
    expect({ missing, extra, kinds }).toEqual({ missing: [], extra: [], kinds: [] });
    expect(enLeaves.size).toBeGreaterThan(200);
  });

  it('has no empty message, and French text differs from English for most messages', () => {
    const empty = [...enLeaves.keys()].filter((k) => render(valueAt(en as unknown as Tree, k)).trim() === '' || render(valueAt(fr as unknown as Tree, k)).trim() === '');
    expect(empty).toEqual([]);
    const same = [...enLeaves.keys()].filter((k) => render(valueAt(en as unknown as Tree, k)) === render(valueAt(fr as unknown as Tree, k)));
    // Words that are the same in both (Messages, Conversation, Action, Formats, SHA-256...) stay few.
    expect(same.length / enLeaves.size).toBeLessThan(0.15);
  });

  it('says the privacy floor in both languages', () => {
    expect(en.engagement.hiddenSmall(5)).toBe('hidden: group under 5 people');
    expect(fr.engagement.hiddenSmall(5)).toBe('masqué : groupe de moins de 5 personnes');
  });
});

describe('pickLanguage', () => {
  it('takes a stored choice first, then the first browser language it has, then English', () => {
    expect(pickLanguage(['en-GB'], 'fr')).toBe('fr');
    expect(pickLanguage(['de-DE', 'fr-CA', 'en'], null)).toBe('fr');
    expect(pickLanguage(['de-DE'], null)).toBe('en');
    expect(pickLanguage(['fr'], 'xx')).toBe('fr');
  });
});

/**
 * The lexicons of many policies compiled into one matcher, so a message is split
 * into words once and each word costs a hash lookup per matching mode (exact,
 * English stems, French stems) whatever the number of terms: a lexicon of 10,000
 * terms is as fast as one of ten. Terms become "atoms" (a mode and a sequence of
 * words); an index from each atom's first word to the atoms that start with it
 * finds phrases (a trie of depth one, then a check of the following words, which is
 * what a phrase lexicon needs: few atoms share a first word). Policies then read
 * the atoms found: terms, proximity rules, exceptions. Regular expressions run on
 * the original text.
 *
 * Pure: no store, no clock. Its unit test is matcher.test.ts.
 */
import { isUnspaced, termWords, wordsOf, type Words } from './text-tokens.js';
import { createStemmer, type Stemmer } from './stemmers.js';
import { termLabel, termStem, textOfTerm, type PolicyDefinition, type StemLanguage, type TermInput } from './policy-model.js';

export type HitKind = 'term' | 'near' | 'pattern';

export interface Hit {
  kind: HitKind;
  /** The lexicon entry that matched (its text, not the message's): `guaranteed returns [stem:en]`, `delete ~3~ message`, `pattern:aws-access-key`. */
  label: string;
  /** UTF-16 offsets [start, end) of the matched words or pattern in the message text. */
  start: number;
  end: number;
}

export interface LexicalMatch {
  /** Index of the policy in the list the matcher was compiled from. */
  policy: number;
  hits: Hit[];
}

export type Lexicon = PolicyDefinition['lexicon'];

/** Hits kept per policy and message: enough to review, bounded for a message that repeats a term a thousand times. */
export const MAX_HITS = 50;

type Mode = '' | StemLanguage;
type Role = 0 | 1 | 2; // term, near operand, exception

interface Atom {
  mode: Mode;
  words: string[];
  /** For scripts without spaces: the term's letters, found inside a word. */
  substring?: string;
}

interface CompiledPolicy {
  terms: Array<{ atom: number; label: string }>;
  near: Array<{ a: number; b: number; within: number; label: string }>;
  patterns: Array<{ regex: RegExp; label: string; prefilter: string[] | undefined }>;
}

interface Owner {
  policy: number;
  role: Role;
  /** Index in the policy's terms (role 0) for the label. */
  index: number;
}

export interface Matcher {
  match(text: string): LexicalMatch[];
  /** Number of distinct atoms (terms after folding and stemming). */
  readonly atoms: number;
}

/**
 * The literal a pattern starts with (after a leading \\b), lower-cased, when it is 3
 * characters or more: a text without it cannot match. Undefined when the pattern
 * starts otherwise (a class, a group, an alternation).
 */
export function leadingLiteral(regex: string): string[] | undefined {
  const body = regex.startsWith('\\b') ? regex.slice(2) : regex;
  const m = /^[A-Za-z0-9 _:=-]+/.exec(body);
  if (!m) return undefined;
  let literal = m[0];
  // A quantifier after the literal applies to its last character only.
  if (/^[?*{]/.test(body.slice(literal.length))) literal = literal.slice(0, -1);
  return literal.length >= 3 ? [literal.toLowerCase()] : undefined;
}

/** The strings of which one must be in the lower-cased text for a pattern to run (undefined: it always runs). */
export function patternPrefilter(p: Lexicon['patterns'][number]): string[] | undefined {
  return p.prefilter?.map((x) => x.toLowerCase()) ?? leadingLiteral(p.regex);
}

export function compileMatcher(lexicons: readonly Lexicon[]): Matcher {
  const atoms: Atom[] = [];
  const atomIds = new Map<string, number>();
  const owners: Owner[][] = [];
  const byMode = new Map<Mode, Map<string, number[]>>();
  const unspaced: number[] = [];
  const stemmers = new Map<StemLanguage, Stemmer>();

  function atomOf(t: TermInput): number {
    const mode: Mode = termStem(t) ?? '';
    let words = termWords(textOfTerm(t));
    const substring = words.some(isUnspaced) ? words.join('') : undefined;
    if (mode && !substring) {
      let stem = stemmers.get(mode);
      if (!stem) stemmers.set(mode, (stem = createStemmer(mode)));
      words = words.map(stem);
    }
    const key = `${substring !== undefined ? '*' : mode}\u0001${substring ?? words.join(' ')}`;
    let id = atomIds.get(key);
    if (id !== undefined) return id;
    id = atoms.length;
    atoms.push({ mode, words, ...(substring !== undefined ? { substring } : {}) });
    atomIds.set(key, id);
    owners.push([]);
    if (substring !== undefined) unspaced.push(id);
    else {
      let index = byMode.get(mode);
      if (!index) byMode.set(mode, (index = new Map()));
      const first = words[0]!;
      const list = index.get(first);
      if (list) list.push(id);
      else index.set(first, [id]);
    }
    return id;
  }

  const policies: CompiledPolicy[] = lexicons.map((lex, p) => {
    const own = (atom: number, role: Role, index: number) => {
      const list = owners[atom]!;
      if (!list.some((o) => o.policy === p && o.role === role && o.index === index)) list.push({ policy: p, role, index });
    };
    const terms = lex.terms.map((t, i) => {
      const atom = atomOf(t);
      own(atom, 0, i);
      return { atom, label: termLabel(t) };
    });
    const near = lex.near.map((n) => {
      const a = atomOf(n.a);
      const b = atomOf(n.b);
      own(a, 1, 0);
      own(b, 1, 0);
      return { a, b, within: n.within, label: `${termLabel(n.a)} ~${n.within}~ ${termLabel(n.b)}` };
    });
    for (const t of lex.none_of) own(atomOf(t), 2, 0);
    const patterns = lex.patterns.map((pt) => ({
      regex: new RegExp(pt.regex, pt.case_insensitive ? 'giu' : 'gu'), label: `pattern:${pt.name}`,
      prefilter: patternPrefilter(pt),
    }));
    return { terms, near, patterns };
  });
  const withPatterns = policies.flatMap((p, i) => (p.patterns.length > 0 ? [i] : []));
  const allPatterns = policies.flatMap((p) => p.patterns);
  /** False when no pattern of any policy can match `text` (a pattern without a prefilter always may). */
  function patternsMayMatch(text: string): boolean {
    if (allPatterns.length === 0) return false;
    let lower: string | undefined;
    for (const pt of allPatterns) {
      if (!pt.prefilter) return true;
      lower ??= text.toLowerCase();
      for (const x of pt.prefilter) if (lower.includes(x)) return true;
    }
    return false;
  }
  const modes = [...byMode.keys()];

  /**
   * What a folded word can start, in every mode at once: the atoms whose first word
   * it is (exactly or by its stems), and its stems for the words after it. Built
   * once per distinct word and kept (dropped whole when full): a message then costs
   * one map lookup a word, whatever the number of modes and terms.
   */
  interface WordEntry {
    starts: ReadonlyArray<{ atom: number; mode: Mode }>;
    stems: Partial<Record<StemLanguage, string>>;
  }
  const stemModes = modes.filter((m): m is StemLanguage => m !== '');
  let entries = new Map<string, WordEntry>();
  const ENTRY_LIMIT = 200_000;
  function entryOf(word: string): WordEntry {
    let e = entries.get(word);
    if (e !== undefined) return e;
    const stems: Partial<Record<StemLanguage, string>> = {};
    const starts: Array<{ atom: number; mode: Mode }> = [];
    for (const id of byMode.get('')?.get(word) ?? []) starts.push({ atom: id, mode: '' });
    for (const mode of stemModes) {
      const stem = (stems[mode] = stemmers.get(mode)!(word));
      for (const id of byMode.get(mode)!.get(stem) ?? []) starts.push({ atom: id, mode });
    }
    e = { starts, stems };
    if (entries.size >= ENTRY_LIMIT) entries = new Map();
    entries.set(word, e);
    return e;
  }

  /** Occurrences of atoms as word ranges [first, last], flattened pairs. */
  function findAtoms(words: Words): Map<number, number[]> {
    const found = new Map<number, number[]>();
    const add = (atom: number, first: number, last: number) => {
      const list = found.get(atom);
      if (list) list.push(first, last);
      else found.set(atom, [first, last]);
    };
    const folded = words.folded;
    const n = folded.length;
    for (let i = 0; i < n; i++) {
      const { starts } = entryOf(folded[i]!);
      for (let c = 0; c < starts.length; c++) {
        const { atom, mode } = starts[c]!;
        const w = atoms[atom]!.words;
        if (i + w.length > n) continue;
        let k = 1;
        while (k < w.length && (mode === '' ? folded[i + k] : entryOf(folded[i + k]!).stems[mode]) === w[k]) k++;
        if (k === w.length) add(atom, i, i + w.length - 1);
      }
    }
    for (const id of unspaced) {
      const s = atoms[id]!.substring!;
      for (let i = 0; i < n; i++) if (folded[i]!.includes(s)) add(id, i, i);
    }
    return found;
  }

  function nearHit(words: Words, as: number[], bs: number[], within: number): [number, number] | undefined {
    for (let x = 0; x < as.length; x += 2) {
      for (let y = 0; y < bs.length; y += 2) {
        const [a0, a1, b0, b1] = [as[x]!, as[x + 1]!, bs[y]!, bs[y + 1]!];
        const gap = a1 < b0 ? b0 - a1 - 1 : b1 < a0 ? a0 - b1 - 1 : -1;
        if (gap >= 0 && gap <= within) return [words.starts[Math.min(a0, b0)]!, words.ends[Math.max(a1, b1)]!];
      }
    }
    return undefined;
  }

  function policyHits(p: number, words: Words, found: Map<number, number[]>, text: string, lower: () => string, termIndexes: number[] | undefined): Hit[] {
    const policy = policies[p]!;
    const hits: Hit[] = [];
    for (const i of termIndexes ?? []) {
      const t = policy.terms[i]!;
      const occ = found.get(t.atom)!;
      for (let k = 0; k < occ.length && hits.length < MAX_HITS; k += 2) hits.push({ kind: 'term', label: t.label, start: words.starts[occ[k]!]!, end: words.ends[occ[k + 1]!]! });
    }
    for (const r of policy.near) {
      if (hits.length >= MAX_HITS) break;
      const as = found.get(r.a);
      const bs = found.get(r.b);
      if (!as || !bs) continue;
      const span = nearHit(words, as, bs, r.within);
      if (span) hits.push({ kind: 'near', label: r.label, start: span[0], end: span[1] });
    }
    for (const pt of policy.patterns) {
      if (pt.prefilter) {
        const l = lower();
        if (!pt.prefilter.some((x) => l.includes(x))) continue;
      }
      pt.regex.lastIndex = 0;
      for (let m = pt.regex.exec(text); m !== null && hits.length < MAX_HITS; m = pt.regex.exec(text)) {
        if (m[0].length === 0) {
          pt.regex.lastIndex++;
          continue;
        }
        hits.push({ kind: 'pattern', label: pt.label, start: m.index, end: m.index + m[0].length });
      }
    }
    return hits;
  }

  return {
    atoms: atoms.length,
    match(text: string): LexicalMatch[] {
      const words = wordsOf(text);
      const found = findAtoms(words);
      // The common case: no term found, and no pattern's prefilter passes.
      if (found.size === 0 && !patternsMayMatch(text)) return [];
      // Which policies the atoms found concern, and in which role.
      const termsOf = new Map<number, number[]>();
      const excluded = new Set<number>();
      const candidates = new Set<number>(withPatterns);
      for (const atom of found.keys()) {
        for (const o of owners[atom]!) {
          if (o.role === 2) excluded.add(o.policy);
          else {
            candidates.add(o.policy);
            if (o.role === 0) {
              const list = termsOf.get(o.policy);
              if (list) list.push(o.index);
              else termsOf.set(o.policy, [o.index]);
            }
          }
        }
      }
      const out: LexicalMatch[] = [];
      let lowered: string | undefined;
      const lower = () => (lowered ??= text.toLowerCase());
      for (const p of candidates) {
        if (excluded.has(p)) continue;
        const hits = policyHits(p, words, found, text, lower, termsOf.get(p)?.sort((a, b) => a - b));
        if (hits.length > 0) out.push({ policy: p, hits: hits.sort((a, b) => a.start - b.start || a.end - b.end) });
      }
      return out.sort((a, b) => a.policy - b.policy);
    },
  };
}

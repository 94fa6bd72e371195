import { describe, expect, it } from 'vitest';
import { compileMatcher, type Lexicon } from './matcher.js';
import { DEFAULT_POLICIES } from './default-policies.js';
import { lexiconSchema, policyDefinitionSchema } from './policy-model.js';
import { wordsOf } from './text-tokens.js';

const lex = (l: unknown): Lexicon => lexiconSchema.parse(l);
const defaults = Object.entries(DEFAULT_POLICIES).map(([name, d]) => ({ name, lexicon: policyDefinitionSchema.parse(d).lexicon }));
const all = compileMatcher(defaults.map((d) => d.lexicon));
/** Names of the default policies `text` matches. */
const policiesOf = (text: string) => all.match(text).map((m) => defaults[m.policy]!.name);

describe('words', () => {
  it('folds case, accents and compatibility forms, and keeps offsets into the original text', () => {
    const text = 'Supprimé  ce MESSAGE, ﬁnally!';
    const w = wordsOf(text);
    expect(w.folded).toEqual(['supprime', 'ce', 'message', 'finally']);
    expect(w.folded.map((_, i) => text.slice(w.starts[i], w.ends[i]))).toEqual(['Supprimé', 'ce', 'MESSAGE', 'ﬁnally']);
  });
});

describe('matcher', () => {
  it('matches a one-word message', () => {
    expect(policiesOf('idiot')).toEqual(['threats_harassment']);
    expect(policiesOf('Connard.')).toEqual(['threats_harassment']);
  });

  it('matches a phrase across punctuation and case, with its position', () => {
    const text = "OK... Let's take this -- to WhatsApp!";
    const [m] = all.match(text);
    expect(defaults[m!.policy]!.name).toBe('off_channel');
    const hit = m!.hits.find((h) => h.label === 'take this to whatsapp')!;
    expect(text.slice(hit.start, hit.end)).toBe('take this -- to WhatsApp');
  });

  it('matches stemmed forms in English and French', () => {
    expect(policiesOf('we are guaranteeing returns on this one')).toEqual(['guaranteed_returns']);
    expect(policiesOf('des rendements garantis, promis')).toEqual(['guaranteed_returns']);
    // Without the stem option a term matches only its own words.
    const exact = compileMatcher([lex({ terms: ['guaranteed return'] })]);
    expect(exact.match('guaranteeing returns')).toEqual([]);
    expect(exact.match('Guaranteed return!')).toHaveLength(1);
  });

  it('matches proximity within N words, in either order, and not beyond', () => {
    const m = compileMatcher([lex({ near: [{ a: { text: 'delete', stem: 'en' }, b: { text: 'message', stem: 'en' }, within: 3 }] })]);
    expect(m.match('please delete all of these old messages')).toEqual([]); // 4 words between
    const text = 'please delete all these messages';
    const [hit] = m.match(text)[0]!.hits;
    expect(hit!.kind).toBe('near');
    expect(text.slice(hit!.start, hit!.end)).toBe('delete all these messages');
    expect(m.match('messages: deleted them')).toHaveLength(1);
    expect(policiesOf('Supprimez tous ces messages')).toEqual(['off_channel']);
  });

  it('does not match when an exception is present', () => {
    expect(policiesOf('we guarantee strong returns')).toEqual(['guaranteed_returns']);
    expect(policiesOf('returns are not guaranteed')).toEqual([]);
    expect(policiesOf("let's take this to Signal processing, the DSP team")).toEqual([]);
    expect(policiesOf('the docs use AKIAIOSFODNN7EXAMPLE as a key')).toEqual([]);
  });

  it('matches regular expressions with their offsets', () => {
    const text = 'key: AKIAABCDEFGHIJKLMNOP and\n-----BEGIN OPENSSH PRIVATE KEY-----\nabc';
    const [m] = all.match(text);
    expect(defaults[m!.policy]!.name).toBe('credentials');
    expect(m!.hits.map((h) => [h.label, text.slice(h.start, h.end)])).toEqual([
      ['pattern:aws-access-key', 'AKIAABCDEFGHIJKLMNOP'],
      ['pattern:private-key', '-----BEGIN OPENSSH PRIVATE KEY-----'],
    ]);
    expect(policiesOf('Mot de passe : hunter2')).toEqual(['credentials']);
    expect(policiesOf('the password policy changed')).toEqual([]);
  });

  it('leaves ordinary messages alone', () => {
    for (const text of ['Lunch at noon?', 'Le rapport est prêt, merci', 'Can you review my PR', 'we should signal the change to the team', '']) {
      expect(policiesOf(text), text).toEqual([]);
    }
  });

  it('matches terms of scripts written without spaces inside words', () => {
    const m = compileMatcher([lex({ terms: ['内幕消息'] })]);
    expect(m.match('这是内幕消息，别告诉别人')).toHaveLength(1);
    expect(m.match('这是公开消息')).toEqual([]);
  });

  it('keeps one compiled index for 10,000 terms and finds each of them', () => {
    const terms = Array.from({ length: 10_000 }, (_, i) => `codeword${i} alpha${i % 7}`);
    const m = compileMatcher([lex({ terms })]);
    expect(m.atoms).toBe(10_000);
    expect(m.match(`codeword17 alpha${(17 % 7) + 1} codeword18`)).toEqual([]); // a phrase needs its second word
    for (const i of [0, 4_999, 9_999]) expect(m.match(`x codeword${i} alpha${i % 7} y`)[0]!.hits[0]!.label).toBe(`codeword${i} alpha${i % 7}`);
  });

  it('refuses nested quantifiers and invalid patterns, naming the field', () => {
    expect(lexiconSchema.safeParse({ patterns: [{ name: 'bad', regex: '(a+)+$' }] }).error?.issues[0]?.path).toEqual(['patterns', 0, 'regex']);
    expect(lexiconSchema.safeParse({ patterns: [{ name: 'bad', regex: '[' }] }).success).toBe(false);
    expect(lexiconSchema.safeParse({}).success).toBe(false);
  });
});

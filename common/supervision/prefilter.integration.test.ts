/**
 * The backtest's SQL prefilter never drops a message the matcher would flag: each
 * assumption of prefilter.ts is checked against the real store and the real
 * stemmers, then the whole condition on adversarial texts (accents, case, width,
 * ligatures, punctuation, prefixes, stems, patterns, other scripts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { cloudEvent } from '../../test/helpers/events.js';
import { insertEvents } from '../../test/helpers/store-events.js';
import { TEXT_NORM_SQL } from '../queries/search-query/fold.js';
import { DEFAULT_POLICIES } from './default-policies.js';
import { compileMatcher } from './matcher.js';
import { policyDefinitionSchema } from './policy-model.js';
import { compilePrefilter, prefilterSql, SAFE_RANGES, STEM_KEEP_MARGIN, UNSAFE_TEXT_RE2 } from './prefilter.js';
import { createStemmer } from './stemmers.js';
import { wordsOf } from './text-tokens.js';

const T = 'prefilter';
let ts: TestStore;

beforeAll(async () => {
  ts = await openTestStore('supervision-prefilter');
});
afterAll(async () => {
  await ts?.close();
});

const safeChars = (): string[] => SAFE_RANGES.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => String.fromCodePoint(a + i)));

/** The matcher's folding of a one-character text, with separators as the store writes them (one space). */
function jsNorm(c: string): string {
  const folded = /^[\p{L}\p{N}\p{M}]$/u.test(c) ? c.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase() : ' ';
  return ` ${folded.replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ')} `.replace(/ +/g, ' ');
}

const lex = (lexicon: unknown) => policyDefinitionSchema.parse({ name: 'p', severity: 'low', lexicon }).lexicon;

describe('backtest prefilter', () => {
  it('the store folds and lower-cases every safe character as the matcher does', async () => {
    const chars = safeChars();
    const expr = TEXT_NORM_SQL.replace(/\btext\b/g, 'c');
    const rows = await ts.store.query<{ norm: string[]; lower: string[]; unsafe: number[] }>('test: fold chars',
      `SELECT arrayMap(c -> ${expr}, {chars:Array(String)}) AS norm, arrayMap(c -> lowerUTF8(c), {chars:Array(String)}) AS lower,
              arrayMap(c -> match(c, {re:String}), {chars:Array(String)}) AS unsafe`, { chars, re: UNSAFE_TEXT_RE2 });
    const r = rows[0]!;
    const badNorm = chars.filter((c, i) => r.norm[i]!.replace(/ +/g, ' ') !== jsNorm(c)).map((c) => c.codePointAt(0)!.toString(16));
    const badLower = chars.filter((c, i) => r.lower[i] !== c.toLowerCase()).map((c) => c.codePointAt(0)!.toString(16));
    expect(badNorm).toEqual([]);
    expect(badLower).toEqual([]);
    expect(r.unsafe.every((u) => Number(u) === 0)).toBe(true);
    // And outside the ranges the store sees an unsafe text.
    const [o] = await ts.store.query<{ u: number[] }>('test: unsafe', 'SELECT arrayMap(c -> match(c, {re:String}), {cs:Array(String)}) AS u', { cs: ['Σ', 'ℌ', '中', 'İ', 'ﬁ', 'Ａ'], re: UNSAFE_TEXT_RE2 });
    expect(o!.u.map(Number)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('a stem without its last letters begins every word with that stem (English and French inflections)', () => {
    const en = ['guarantee', 'return', 'profit', 'delete', 'message', 'relation', 'happy', 'possible', 'general', 'hope', 'run', 'agree', 'luxury', 'sense', 'invest', 'die', 'lie', 'sky', 'news', 'early', 'gentle', 'conform', 'formal', 'vile', 'rational', 'digit'];
    const enSuffixes = ['', 's', 'es', 'ed', 'ing', 'ingly', 'edly', 'ly', 'ies', 'ied', 'y', 'er', 'ers', 'est', 'ness', 'ful', 'fulness', 'ational', 'tional', 'ation', 'ations', 'ator', 'ization', 'izer', 'ize', 'ise', 'ism', 'alism', 'aliti', 'ality', 'alli', 'ously', 'ousness', 'iveness', 'ivity', 'ability', 'ably', 'ible', 'ibly', 'bility', 'ence', 'ance', 'ent', 'ant', 'ement', 'ment', 'ical', 'icate', 'iciti', 'ative', 'al', 'ic', 'ous', 'ive', 'ize', 'ate', 'iti', 'ogy', 'ogi', 'li', 'lli', 'eed', 'eedly', 'ss', 'sses'];
    const fr = ['garanti', 'rendement', 'supprim', 'messag', 'investiss', 'promet', 'passe', 'tuer', 'habit', 'informat', 'privilegi', 'portabl', 'heureu', 'nation', 'calcul', 'vit', 'beau', 'chant'];
    const frSuffixes = ['', 's', 'e', 'es', 'er', 'ez', 'ons', 'ent', 'ait', 'aient', 'ais', 'ant', 'ance', 'ances', 'ement', 'ements', 'ment', 'ments', 'amment', 'emment', 'euse', 'euses', 'eux', 'ation', 'ations', 'ateur', 'atrice', 'ite', 'ites', 'ive', 'ives', 'if', 'ifs', 'logie', 'logies', 'usion', 'ution', 'ence', 'ences', 'issement', 'issements', 'able', 'ables', 'iste', 'isme', 'ier', 'iere', 'ion', 'ions', 'eaux', 'aux', 'al', 'elle', 'ette', 'enne', 'onne', 'eille', 'ique', 'iques', 'ir', 'irent', 'issons', 'issez', 'erait', 'erions', 'i', 'is', 'it', 'ie', 'y'];
    for (const [lang, bases, suffixes] of [['en', en, enSuffixes], ['fr', fr, frSuffixes]] as const) {
      const stem = createStemmer(lang);
      const bad: string[] = [];
      for (const b of bases) for (const s of suffixes) {
        const w = b + s;
        const head = stem(w).slice(0, -STEM_KEEP_MARGIN);
        if (!w.startsWith(head)) bad.push(`${w} -> ${stem(w)}`);
      }
      expect(bad, lang).toEqual([]);
    }
  });

  it('keeps every message the matcher matches, on adversarial texts, and drops most others', async () => {
    const lexicons = [
      ...Object.values(DEFAULT_POLICIES).map((d) => policyDefinitionSchema.parse(d).lexicon),
      lex({ terms: ['réunion secrète', { text: 'investing', stem: 'en' }, { text: 'délits boursiers', stem: 'fr' }, '中文', 'ﬁnance', 'σοφία'], near: [{ a: 'alpha', b: { text: 'omegas', stem: 'en' }, within: 2 }] }),
      lex({ patterns: [{ name: 'card', regex: '\\bCARD-[0-9]{4}', case_insensitive: true }] }),
    ];
    const texts = [
      'idiot', 'IDIOT!!!', 'Idiöt', 'ＩＤＩＯＴ', 'idiots', 'idiotic', 'xidiot', 'i d i o t', "let's take this -- to WhatsApp!", 'take this to whats app',
      'We are GUARANTEEING returns', 'guaranteed-returns', 'guarantees of returns', 'Guarantee... huge... Returns', 'des rendements GARANTIS', 'Rendément garanti',
      'Supprime... ce message !', 'SUPPRIMÉ ce message', 'supprimer ce messages', 'please delete all these messages', 'deleted the message',
      'REUNION SECRETE', 'réunion, secrète', 'I am investing', 'investments', 'investor', 'délits', 'DÉLIT BOURSIER', 'un délit, boursier', 'un délit d’initié', '中文课', '学中文', 'ﬁnance', 'FINANCE', 'finances',
      'ΣΟΦΊΑ', 'σοφία!', 'alpha beta omegas', 'omega x y alpha', 'alpha a b c omega', 'card-1234', 'CaRd-0000', 'card 1234', 'AKIAABCDEFGHIJKLMNOP', 'akiaabcdefghijklmnop',
      'password: hunter2', 'PASSWORD = x', 'mot de passe : x', 'Mot De Passe: y', '-----BEGIN RSA PRIVATE KEY-----', 'ghp_' + 'a'.repeat(36), 'xoxb-1234567890-abc',
      'eyJhbGciOiJI.eyJzdWIiOiIx.c2lnbmF0dXJl', 'I will kill you', 'i  will   KILL you!!', 'je vais te tuer', 'Je sais où tu habites', 'watch your back 🙂', '🙂 idiot 🙂',
      'the release plan budget', 'merci pour le rapport', 'lunch at noon', 'signal processing', 'returns are not guaranteed', 'nothing to see', 'déploiement demain', 'équipe projet',
      'Ⅰdiot', 'ｉｄｉｏｔ', 'ĳ', 'ŉ', 'µg', 'l·a', '(idiot)', 'idiot’s', '—idiot—', 'idiot123', '«idiot»', 'guaranteed\nreturns', 'Guarantee\treturns', 'return guarantees', 'WhatsApp?!', 'whatsapp\u00a0now',
    ];
    const events = texts.map((text, i) => cloudEvent('message.created', { message_id: `m${i}`, conversation_id: 'C1', conversation_type: 'channel', author_id: 'U1', text }, { tenant: T, id: `e${i}` }));
    await insertEvents(ts.store, events);
    for (const [k, l] of lexicons.entries()) {
      const matcher = compileMatcher([l]);
      const p = compilePrefilter([l]);
      expect(p, `lexicon ${k} can be prefiltered`).toBeDefined();
      const { sql, params } = prefilterSql(p!);
      const kept = new Set((await ts.store.query<{ text: string }>('test: prefilter', `SELECT text FROM message_versions WHERE tenant = {t:String} AND ${sql}`, { t: T, ...params })).map((r) => r.text));
      const matched = texts.filter((t) => matcher.match(t).length > 0);
      expect(matched.length, `lexicon ${k} matches some texts`).toBeGreaterThan(0);
      expect(matched.filter((t) => !kept.has(t)), `lexicon ${k}: matched but dropped`).toEqual([]);
      expect(kept.size, `lexicon ${k} drops texts it cannot match`).toBeLessThan(texts.length / 2);
    }
  });

  it('cannot express a pattern without a prefilter or a very short stem: no prefilter (a full scan)', () => {
    expect(compilePrefilter([lex({ patterns: [{ name: 'x', regex: '[0-9]{16}' }] })])).toBeUndefined();
    expect(compilePrefilter([lex({ terms: [{ text: 'is', stem: 'en' }] })])).toBeUndefined();
    expect(compilePrefilter([lex({ terms: ['ok', { text: 'returns', stem: 'en' }] })])).toEqual({ anyNorm: [' ok ', ' retu'], bothNorm: [], anyLower: [] });
    expect(wordsOf('ok').folded).toEqual(['ok']);
  });
});

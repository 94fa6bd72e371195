/**
 * A supervision policy as an officer writes it (docs/supervision.md): a lexicon
 * (terms, proximity rules, exceptions, patterns), conditions on where and by whom a
 * message was written, review sampling with its seed, and a severity. The API, the
 * ingest step and the backtest job all read this one schema, so a definition means
 * the same thing wherever it is evaluated.
 */
import { z } from 'zod';

export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const STEM_LANGUAGES = ['en', 'fr'] as const;
export type StemLanguage = (typeof STEM_LANGUAGES)[number];

export const CONVERSATION_TYPES = ['channel', 'private', 'dm', 'group_dm'] as const;

const termText = z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters')
  .refine((s) => /[\p{L}\p{N}]/u.test(s), 'must contain a letter or a digit');

/**
 * A word or phrase. Matching is on words: case, accents and punctuation between
 * words do not matter ("take this to WhatsApp" matches "take this... to whatsapp!").
 * With `stem`, every word of the term and of the message is reduced to its Snowball
 * stem in that language first ("guarantee" then matches "guaranteed").
 */
export const termSchema = z.union([
  termText,
  z.strictObject({ text: termText, stem: z.enum(STEM_LANGUAGES).optional() }),
]);
export type TermInput = z.infer<typeof termSchema>;

export const nearSchema = z.strictObject({
  a: termSchema,
  b: termSchema,
  /** At most this many words between the two (in either order). */
  within: z.number().int().min(0).max(50),
});

/** Nested quantifiers such as `(a+)+` backtrack exponentially in JavaScript's engine; they are refused. */
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]/;

export const patternSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1 to 64 lowercase letters, digits, _ or -'),
  regex: z.string().min(1).max(1000)
    .refine((r) => !NESTED_QUANTIFIER.test(r), 'must not nest quantifiers (such as (a+)+): they can take exponential time')
    .refine((r) => {
      try {
        new RegExp(r, 'u');
        return true;
      } catch {
        return false;
      }
    }, 'must be a valid regular expression (JavaScript syntax, u flag)'),
  case_insensitive: z.boolean().default(false),
  /**
   * Strings of which at least one appears (compared in lower case) in every text the
   * pattern matches: the pattern runs only on texts that hold one. A speed-up that
   * must not change what matches; when absent, the pattern's leading literal (3
   * characters or more) is used, if it has one.
   */
  prefilter: z.array(z.string().min(2).max(100)).min(1).max(50).optional(),
});

export const lexiconSchema = z.strictObject({
  terms: z.array(termSchema).max(100_000).default([]),
  near: z.array(nearSchema).max(1000).default([]),
  patterns: z.array(patternSchema).max(100).default([]),
  /** Exceptions: a message containing any of these is not flagged by this policy. */
  none_of: z.array(termSchema).max(10_000).default([]),
}).refine((l) => l.terms.length + l.near.length + l.patterns.length > 0, { message: 'must have at least one term, near rule or pattern', path: ['terms'] });

const ids = (what: string) => z.array(z.string().min(1).max(512)).max(10_000).optional().describe(what);

export const conditionsSchema = z.strictObject({
  conversation_types: z.array(z.enum(CONVERSATION_TYPES)).min(1).optional(),
  conversations: ids('only these conversation ids'),
  authors: ids('only messages written by these user ids'),
  departments: ids("only messages whose author's department (from the directory) is one of these"),
  /** true: only messages with attachments; false: only without. */
  has_attachments: z.boolean().optional(),
}).default({});

export const samplingSchema = z.strictObject({
  /** Share of matching messages that go to the review queue, 0 < p <= 100. */
  percent: z.number().gt(0).max(100).default(100),
  /** Key of the sampling hash; the same seed picks the same messages. Generated when absent. */
  seed: z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, 'must be 8 to 128 letters, digits, _ or -').optional(),
}).default({ percent: 100 });

export const policyDefinitionSchema = z.strictObject({
  name: z.string().min(1).max(200).regex(/^[^\x00-\x1f\x7f]*$/, 'must not contain control characters'),
  description: z.string().max(2000).default(''),
  severity: z.enum(SEVERITIES),
  enabled: z.boolean().default(false),
  lexicon: lexiconSchema,
  conditions: conditionsSchema,
  sampling: samplingSchema,
});

export type PolicyDefinitionInput = z.input<typeof policyDefinitionSchema>;
export type PolicyDefinition = z.output<typeof policyDefinitionSchema> & { sampling: { percent: number; seed: string } };

/** One stored version of a policy. */
export interface PolicyVersion {
  tenant: string;
  policyId: string;
  version: number;
  definition: PolicyDefinition;
  createdBy: string;
  createdAt: string;
}

export function textOfTerm(t: TermInput): string {
  return typeof t === 'string' ? t : t.text;
}

export function termStem(t: TermInput): StemLanguage | undefined {
  return typeof t === 'string' ? undefined : t.stem;
}

/** A stable label of a term for the review queue (never the matched text itself: that may be a secret). */
export function termLabel(t: TermInput): string {
  const stem = termStem(t);
  return stem ? `${textOfTerm(t)} [stem:${stem}]` : textOfTerm(t);
}

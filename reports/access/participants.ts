/**
 * Other people in an access package, pseudonymized consistently within it (GDPR
 * Art. 15(4): the copy must not adversely affect the rights of others). Each other
 * person gets one label ("Participant 3") for every account they have (accounts
 * sharing an e-mail in the directory are one person), numbered in the order the
 * package first meets them. Their names, e-mails and user ids are also replaced where
 * they appear inside text (message text, admin event data, audit parameters).
 */

export interface DirectoryEntry { userId: string; email: string; displayName: string }

const WORD = /[\p{L}\p{N}_]+/gu;
const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);
/** Shorter tokens of a name (a first name alone) are too likely to be ordinary words. */
const MIN_NAME_TOKEN = 4;

export class Participants {
  private readonly personOf = new Map<string, string>();
  private readonly labels = new Map<string, string>();
  private readonly needles = new Map<string, string>();
  /** Needles by their first word (lowercase), longest first: text is scanned word by word, not with one huge alternation. */
  private byFirstWord: Map<string, string[]> | null = null;

  /**
   * `directory`: every profile version of the tenant; `subjectIds`: the person's own
   * user ids, never labelled; `subjectStrings`: their names and e-mails, never replaced.
   */
  constructor(directory: readonly DirectoryEntry[], private readonly subjectIds: ReadonlySet<string>, subjectStrings: readonly string[]) {
    const keep = new Set(subjectStrings.flatMap((s) => [s.toLowerCase(), ...s.toLowerCase().split(/\s+/)]));
    const byEmail = new Map<string, string>();
    for (const d of directory) {
      if (subjectIds.has(d.userId)) continue;
      const email = d.email.toLowerCase();
      const person = (email && byEmail.get(email)) || this.personOf.get(d.userId) || d.userId;
      if (email) byEmail.set(email, person);
      this.personOf.set(d.userId, person);
    }
    for (const d of directory) {
      if (subjectIds.has(d.userId)) continue;
      const person = this.personOf.get(d.userId)!;
      const strings = [d.userId, d.email, d.displayName, ...d.displayName.split(/\s+/).filter((t) => t.length >= MIN_NAME_TOKEN)];
      for (const s of strings) if (s && !keep.has(s.toLowerCase())) this.needles.set(s.toLowerCase(), person);
    }
  }

  /** The label of a user id: the subject stays "you" (their id), others get "Participant N". */
  of(userId: string): string {
    if (!userId || this.subjectIds.has(userId)) return userId;
    const person = this.personOf.get(userId) ?? userId;
    let label = this.labels.get(person);
    if (!label) {
      label = `Participant ${this.labels.size + 1}`;
      this.labels.set(person, label);
    }
    return label;
  }

  /**
   * Text with every other person's id, e-mail, name (and name parts of 4+ letters)
   * replaced by their label, matched case-insensitively on word boundaries. The text
   * is scanned word by word and each word start is looked up among the needles that
   * begin with that word (a regular expression of thousands of alternatives was 20x
   * slower on a 5,000-person directory).
   */
  text(s: string): string {
    if (!s || this.needles.size === 0) return s;
    const index = (this.byFirstWord ??= this.indexNeedles());
    const lower = s.toLowerCase();
    // toLowerCase keeps positions for the scripts chat text uses; if not, fall back to no replacement rather than a wrong one.
    if (lower.length !== s.length) return s;
    let out = '';
    let copied = 0;
    for (const w of lower.matchAll(WORD)) {
      const at = w.index!;
      if (at < copied) continue;
      for (const needle of index.get(w[0]) ?? []) {
        const end = at + needle.length;
        if (lower.startsWith(needle, at) && !isWordChar(lower[end])) {
          out += s.slice(copied, at) + this.of(this.needles.get(needle)!);
          copied = end;
          break;
        }
      }
    }
    return copied === 0 ? s : out + s.slice(copied);
  }

  private indexNeedles(): Map<string, string[]> {
    const index = new Map<string, string[]>();
    for (const needle of this.needles.keys()) {
      const first = needle.match(WORD)?.[0];
      // A needle must start with a word character to be found at a word start.
      if (!first || !needle.startsWith(first)) continue;
      index.set(first, [...(index.get(first) ?? []), needle]);
    }
    for (const list of index.values()) list.sort((a, b) => b.length - a.length || a.localeCompare(b));
    return index;
  }

  /** Every string in a JSON value through `text` (user ids become labels). */
  json(v: unknown): unknown {
    if (typeof v === 'string') return this.personOf.has(v) ? this.of(v) : this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.json(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.json(x)]));
    return v;
  }

  /** How many other people the package names (by label). */
  get count(): number {
    return this.labels.size;
  }
}

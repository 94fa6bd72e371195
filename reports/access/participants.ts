/**
 * Other people in an access package, pseudonymized consistently within it (GDPR
 * Art. 15(4): the copy must not adversely affect the rights of others). Each other
 * person gets one label ("Participant 3") for every account they have (accounts
 * sharing an e-mail in the directory are one person), numbered in the order the
 * package first meets them. Their names, e-mails and user ids are also replaced where
 * they appear inside text (message text, admin event data, audit parameters).
 */

export interface DirectoryEntry { userId: string; email: string; displayName: string }

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Shorter tokens of a name (a first name alone) are too likely to be ordinary words. */
const MIN_NAME_TOKEN = 4;

export class Participants {
  private readonly personOf = new Map<string, string>();
  private readonly labels = new Map<string, string>();
  private readonly needles = new Map<string, string>();
  private pattern: RegExp | null = null;

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

  /** Text with every other person's id, e-mail, name (and name parts of 4+ letters) replaced by their label. */
  text(s: string): string {
    if (!s || this.needles.size === 0) return s;
    this.pattern ??= new RegExp(
      `(?<![\\p{L}\\p{N}_])(?:${[...this.needles.keys()].sort((a, b) => b.length - a.length || a.localeCompare(b)).map(escapeRe).join('|')})(?![\\p{L}\\p{N}_])`, 'giu');
    return s.replace(this.pattern, (m) => this.labelOfPerson(this.needles.get(m.toLowerCase())!));
  }

  /** Every string in a JSON value through `text` (user ids become labels). */
  json(v: unknown): unknown {
    if (typeof v === 'string') return this.personOf.has(v) ? this.of(v) : this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.json(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.json(x)]));
    return v;
  }

  private labelOfPerson(person: string): string {
    // The person key is one of their user ids.
    return this.of(person);
  }

  /** How many other people the package names (by label). */
  get count(): number {
    return this.labels.size;
  }
}

import { describe, expect, it } from 'vitest';
import { Participants } from './participants.js';

const directory = [
  { userId: 'U-SAM', email: 'sam@x.test', displayName: 'Sam Subjecto' },
  { userId: 'U-ANA', email: 'ana.quorra@x.test', displayName: 'Anabel Quorra' },
  { userId: 'ana.teams', email: 'ANA.QUORRA@x.test', displayName: 'A. Quorra' },
  { userId: 'U-BEN', email: 'ben@x.test', displayName: 'Benedikt Varga' },
];
const people = () => new Participants(directory, new Set(['U-SAM']), ['Sam Subjecto', 'sam@x.test']);

describe('participants', () => {
  it('labels other people in order of first appearance, one label per person across accounts (same e-mail)', () => {
    const p = people();
    expect([p.of('U-BEN'), p.of('U-ANA'), p.of('ana.teams'), p.of('U-SAM'), p.of('U-BEN')]).toEqual(['Participant 1', 'Participant 2', 'Participant 2', 'U-SAM', 'Participant 1']);
  });
  it('replaces ids, e-mails, full names and long name parts in text on word boundaries, keeps the subject and ordinary words', () => {
    const p = people();
    expect(p.text('Ask Anabel Quorra (ana.quorra@X.test) or U-BEN; Sam Subjecto agrees')).toBe('Ask Participant 1 (Participant 1) or Participant 2; Sam Subjecto agrees');
    expect(p.text('Benedikt said U-BENX and Vargas are not names here')).toBe('Participant 2 said U-BENX and Vargas are not names here');
  });
  it('walks JSON, turning user ids into labels', () => {
    expect(people().json({ by: 'U-ANA', list: ['U-SAM', 'hello Varga'], n: 3 })).toEqual({ by: 'Participant 1', list: ['U-SAM', 'hello Participant 2'], n: 3 });
  });
});

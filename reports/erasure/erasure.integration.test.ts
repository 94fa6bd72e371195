/**
 * The erasure job on the real store, with a generated conversation among four people
 * (testing/conversation.ts) of which Ada is erased: every table and view of the store
 * is scanned, column by column, for her identifiers and her distinctive strings
 * (independently of the registry); the others' messages are still there with the
 * mention pseudonymized and her names replaced in their text; the audit chain
 * verifies; the certificate is signed and names her only by keyed hash; her text is in
 * no file of the data directory (with a control that must be found); the request
 * names her only by hashes in every version; a second run changes nothing.
 */
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { ensureVenv } from '../../test/helpers/python-venv.js';
import { AuditWriter, verifyAuditChain } from '../../common/audit/index.js';
import { createLogger } from '../../common/logger.js';
import { loadOrCreateSigningKey } from '../../common/keys/signing-keys.js';
import { SubjectRequestStore } from '../../common/subjects/subject-request-store.js';
import { loadSubjectHasher } from '../../common/subjects/subject-hash.js';
import { erasedPseudonym } from '../../common/subjects/erased-subjects.js';
import type { Job } from '../../common/jobs/job-model.js';
import { JobRunner } from '../jobs/job-runner.js';
import { createJobAuditor } from '../jobs/job-audit.js';
import { jobKinds } from '../job-kinds.js';
import { conversation, type Conversation } from './testing/conversation.js';
import { approvedErasure, scanForNeedles, searchFiles, storeEvents } from './testing/harness.js';
import type { CertificateBody } from './certificate.js';
import { runTopics } from '../../analytics/topics/run.js';

let ts: TestStore;
let runner: JobRunner;
let python: string;
let c: Conversation;
let other: Conversation;
let job: Job;
let requestId: string;

/** Her later surname alone: the word topic analysis made a term of (in Dee's message). */
const kingOf = (x: Conversation) => x.people.ada.newName!.split(' ')[1]!;
const needlesOf = (x: Conversation) => [x.people.ada.id, x.people.ada.email, x.people.ada.name, x.people.ada.newName!, kingOf(x), x.strings.adaOnly, x.strings.adaEdit];

async function rows<T>(sql: string, params: Record<string, unknown>): Promise<T[]> {
  return ts.store.query<T>('test: read', sql, params);
}

beforeAll(async () => {
  python = ensureVenv('store-files', ['lz4==4.4.5', 'zstandard==0.25.0']);
  ts = await openTestStore('erasure');
  const audit = new AuditWriter(ts.store);
  runner = new JobRunner({ store: ts.store, log: createLogger('silent'), audit: createJobAuditor(audit), jobsDir: join(ts.dataDir, 'jobs'), kinds: jobKinds({ dataDir: ts.dataDir }) });
  c = conversation('acme');
  other = conversation('other');
  await storeEvents(ts.store, c.events);
  await storeEvents(ts.store, other.events);
  // Topic analysis first: her name becomes a term of others' messages and cells, which the erasure must reach.
  for (const tenant of ['acme', 'other']) await runTopics(ts.store, tenant, { settleMs: 0 });
  const before = await scanForNeedles(ts.store, [kingOf(c)], { tenant: 'acme' });
  expect(Object.keys(before)).toEqual(expect.arrayContaining(['topic_messages', 'topic_cells']));
  const req = await approvedErasure(ts.store, 'acme', c.ada);
  requestId = req.id;
  job = await runner.run(await runner.submit('acme', 'erasure', { request: req.id }, { subjectRef: 'sr_approver', kind: 'test' }));
}, 600_000);

afterAll(async () => {
  await ts?.close();
});

describe('erasure of one person', () => {
  it('finishes, with the request done', async () => {
    expect(job.error).toBe('');
    expect(job.state).toBe('done');
    const q = await new SubjectRequestStore(ts.store).get('acme', requestId);
    expect(q.state).toBe('done');
  });

  it('leaves nothing of hers in any table or view of the tenant, and the other tenant untouched', async () => {
    expect(await scanForNeedles(ts.store, needlesOf(c))).toEqual({});
    // Ada of the other tenant has the same shape of data and was not erased.
    const theirs = await scanForNeedles(ts.store, [other.people.ada.id, other.strings.adaOnly], { tenant: 'other' });
    expect(theirs.message_versions?.author_id).toBe(other.expect.adaVersions);
  });

  it('keeps the others\' messages, with the mention pseudonymized and her names replaced in their text', async () => {
    const hasher = await loadSubjectHasher(ts.store, 'acme');
    const pseudo = erasedPseudonym(hasher.subjectHashOf(c.ada));
    const created = await rows<{ message_id: string }>("SELECT message_id FROM message_versions WHERE tenant = 'acme' AND kind = 'created' ORDER BY message_id", {});
    expect(created.map((r) => r.message_id)).toEqual([...c.expect.othersMessages].sort());
    const [cy] = await rows<{ text: string; mentions: string[]; text_norm: string; text_pairs: string }>(
      "SELECT text, mentions, text_norm, text_pairs FROM message_versions WHERE tenant = 'acme' AND message_id = {id:String}", { id: c.expect.mentioning[0] });
    expect(cy!.mentions).toEqual([pseudo]);
    expect(cy!.text).toBe(`thanks ${pseudo}, mail ${pseudo} for the tables`);
    // The folded copies the search reads were rebuilt from the new text.
    expect(cy!.text_norm).toContain(` ${pseudo.toLowerCase().replace(/[^a-z0-9]+/g, ' ')} mail `);
    expect(cy!.text_pairs).not.toMatch(/lovelace/);
    const [dee] = await rows<{ text: string }>("SELECT text FROM message_versions WHERE tenant = 'acme' AND message_id = {id:String}", { id: c.expect.mentioning[1] });
    expect(dee!.text).toBe(`${pseudo} wrote the first program`);
    const edits = await rows<{ text: string; text_norm: string }>("SELECT text, text_norm FROM message_edit_texts WHERE tenant = 'acme'", {});
    expect(edits.map((e) => e.text)).toEqual([`bob replies ${c.strings.kept} (as ${pseudo} said)`]);
  });

  it('removes her name from the topic terms of the others\' messages and cells, and keeps their other terms', async () => {
    const king = kingOf(c).toLowerCase();
    const [dee] = await rows<{ forms: string[]; phrase_forms: string[]; terms: string[] }>(
      "SELECT forms, phrase_forms, terms FROM topic_messages FINAL WHERE tenant = 'acme' AND message_id = {id:String}", { id: c.expect.mentioning[1] });
    expect(dee!.forms).toContain('program');
    expect(dee!.forms).not.toContain(king);
    expect(dee!.terms.length).toBe(dee!.forms.length);
    expect(dee!.phrase_forms.filter((f) => f.split(' ').includes(king))).toEqual([]);
    const cells = await rows<{ form: string }>("SELECT DISTINCT form FROM topic_cells WHERE tenant = 'acme' AND kind = 'term'", {});
    expect(cells.map((r) => r.form)).toContain('program');
    expect(cells.map((r) => r.form)).not.toContain(king);
    // The other tenant's Ada was not erased: her later surname is still one of its terms.
    const theirs = await rows<{ n: string }>("SELECT count() AS n FROM topic_cells WHERE tenant = 'other' AND form = {k:String}", { k: kingOf(other).toLowerCase() });
    expect(Number(theirs[0]!.n)).toBeGreaterThan(0);
  });

  it('removes her reactions and those on her messages, keeps the rest; pseudonymizes her in the call and the deletion mark', async () => {
    const hasher = await loadSubjectHasher(ts.store, 'acme');
    const pseudo = erasedPseudonym(hasher.subjectHashOf(c.ada));
    const reactions = await rows<{ user_id: string }>("SELECT user_id FROM reactions WHERE tenant = 'acme'", {});
    expect(reactions.map((r) => r.user_id)).toEqual([c.people.cy.id]);
    const calls = await rows<{ initiator_id: string; participants: string[] }>("SELECT initiator_id, participants FROM calls WHERE tenant = 'acme' ORDER BY time", {});
    expect(calls).toEqual([{ initiator_id: pseudo, participants: [] }, { initiator_id: '', participants: [pseudo, c.people.bob.id, c.people.cy.id] }]);
    const marks = await rows<{ message_id: string; deleted_by: string }>("SELECT message_id, deleted_by FROM message_deletions WHERE tenant = 'acme'", {});
    expect(marks).toEqual([{ message_id: c.expect.othersMessages[5], deleted_by: pseudo }]);
    const admin = await rows<{ n: string }>("SELECT count() AS n FROM admin_events WHERE tenant = 'acme'", {});
    const generatedAdmin = c.events.filter((e) => !String(e.type).match(/^(message|reaction|call|app\.invoked)/)).length;
    expect(Number(admin[0]!.n)).toBe(generatedAdmin - c.expect.adminAboutAda);
  });

  it('issues a signed certificate naming her only by keyed hash, with counts per table and a passed verification', async () => {
    const dir = join(ts.dataDir, 'jobs', 'acme', job.id);
    const body = readFileSync(join(dir, 'certificate.json'));
    const key = loadOrCreateSigningKey(ts.dataDir, 'acme');
    expect(verify(null, body, createPublicKey(key.publicKeyPem), readFileSync(join(dir, 'certificate.json.sig')))).toBe(true);
    const text = body.toString('utf8');
    for (const n of needlesOf(c)) expect(text.toLowerCase()).not.toContain(n.toLowerCase());
    const cert = JSON.parse(text) as CertificateBody;
    const hasher = await loadSubjectHasher(ts.store, 'acme');
    expect(cert.subject_hash).toBe(hasher.subjectHashOf(c.ada));
    expect(cert.request_id).toBe(requestId);
    expect(cert.state).toBe('done');
    expect(cert.removed.message_versions).toEqual({ deleted: c.expect.adaVersions, pseudonymized: c.expect.mentioning.length + 1, held: 0 });
    expect(cert.removed.reactions!.deleted).toBe(c.expect.reactionsGone);
    expect(cert.kept).toEqual([]);
    expect(cert.verification.passed).toBe(true);
    expect(cert.not_reached.map((x) => x.table)).toContain('event_ids');
    const stored = await rows<{ n: string }>("SELECT count() AS n FROM erasure_certificates WHERE tenant = 'acme' AND request_id = {id:String}", { id: requestId });
    expect(Number(stored[0]!.n)).toBe(1);
  });

  it('names her only by keyed hashes in every version of the request, and lists her identifiers as hashes', async () => {
    const history = await new SubjectRequestStore(ts.store).history('acme', requestId);
    expect(history.map((h) => h.change)).toEqual(['approved', 'job-started', 'done']);
    const hasher = await loadSubjectHasher(ts.store, 'acme');
    for (const v of history) {
      expect(v.request.subjectRef).toBe(hasher.subjectHashOf(c.ada));
      expect(v.request.identifiers.userIds).toEqual(c.ada.userIds.map((x) => hasher.hashOf('user', x)));
      expect(v.request.identifiers.displayNames).toEqual(c.ada.displayNames.map((x) => hasher.hashOf('name', x)));
    }
    const listed = await rows<{ hash: string }>("SELECT hash FROM erased_subjects WHERE tenant = 'acme' AND kind != 'message' ORDER BY hash", {});
    const messages = await rows<{ n: string }>("SELECT count() AS n FROM erased_subjects WHERE tenant = 'acme' AND kind = 'message'", {});
    expect(Number(messages[0]!.n)).toBe(c.expect.adaMessages.length);
    expect(listed.map((r) => r.hash)).toEqual([
      ...c.ada.userIds.map((x) => hasher.hashOf('user', x)), ...c.ada.emails.map((x) => hasher.hashOf('email', x)), ...c.ada.displayNames.map((x) => hasher.hashOf('name', x)),
    ].sort());
  });

  it('keeps the audit chain verifiable', async () => {
    const v = await verifyAuditChain(ts.store, 'acme');
    expect(v.ok).toBe(true);
    expect(v.entries).toBeGreaterThan(0);
  });

  it('leaves her text in no file of the data directory (the others\' text, the control, is found)', () => {
    const gone = [c.strings.adaOnly, c.strings.adaEdit, `lovelace${c.people.ada.id.slice(6)}`, kingOf(c).toLowerCase(), c.people.ada.id, c.people.ada.email];
    const found = searchFiles(python, ts.dataDir, [...gone, c.strings.kept, c.people.bob.id]);
    expect(found[c.strings.kept]!.length).toBeGreaterThan(0);
    expect(found[c.people.bob.id]!.length).toBeGreaterThan(0);
    expect(Object.fromEntries(gone.map((g) => [g, found[g]]))).toEqual(Object.fromEntries(gone.map((g) => [g, []])));
    expect(found[c.strings.adaOnly]).toEqual([]);
    expect(found[c.strings.adaEdit]).toEqual([]);
    expect(found[`lovelace${c.people.ada.id.slice(6)}`]).toEqual([]);
  });

  it('run again, reports the request done and changes nothing', async () => {
    const again = await runner.run(await runner.submit('acme', 'erasure', { request: requestId }, { subjectRef: 'sr_approver', kind: 'test' }));
    expect(again.state).toBe('done');
    expect((again.result as { already_done?: boolean }).already_done).toBe(true);
  });
});

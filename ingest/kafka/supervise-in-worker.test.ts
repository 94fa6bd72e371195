/**
 * Supervision matched in the decode worker flags exactly what matching on the main
 * thread flags: the compiled worker screens a batch with the policies the cache sent
 * it, and the supervise step turns its hits into the same review items as
 * `flagMessages` over the same messages; when the policies changed after the batch
 * was screened, the step matches the rows itself with the current ones. Runs the
 * compiled worker (npm test builds first), like decode-pool.test.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../common/metrics.js';
import { DEFAULT_POLICIES } from '../../common/supervision/default-policies.js';
import { compilePolicySet, flagMessages, type ContextSource, type Flag, type PolicySet } from '../../common/supervision/flagging.js';
import { policyDefinitionSchema, type PolicyVersion } from '../../common/supervision/policy-model.js';
import { cloudEvent } from '../../test/helpers/events.js';
import type { PolicyCache, PolicySnapshot } from '../supervision/policy-cache.js';
import { messageOfRow } from '../supervision/screen-rows.js';
import { decodeBatch, type SourceRecord } from './decode-batch.js';
import { createSuperviseStep } from './supervise-step.js';

const compiled = join(process.cwd(), 'dist', 'ingest', 'kafka', 'decode-pool.js');
const T = 'sup-worker';

let seq = 0;
function version(def: unknown, v = 1): PolicyVersion {
  const d = policyDefinitionSchema.parse(def);
  return { tenant: T, policyId: `pol_${String(++seq).padStart(16, '0')}`, version: v, definition: { ...d, sampling: { percent: d.sampling.percent, seed: d.sampling.seed ?? 'seed-seed' } }, createdBy: 't', createdAt: '' };
}

const defaults = Object.values(DEFAULT_POLICIES).map((d) => version({ ...d, enabled: true }));
const sampled = version({ name: 'half', severity: 'low', lexicon: { terms: ['samplingword'] }, sampling: { percent: 50, seed: 'seed-for-half' } });
const dmOnly = version({ name: 'dm', severity: 'low', lexicon: { terms: ['dmonlyword'] }, conditions: { conversation_types: ['dm'] } });

const TEXTS = [
  'idiot', "OK... let's take this -- to WhatsApp!", 'We are guaranteeing returns of 12% this quarter', 'please delete all these messages before Monday',
  'Remember: returns are not guaranteed.', 'use AKIAABCDEFGHIJKLMNOP for the bucket', 'Supprime... ce message !', 'Des rendements garantis, promis juré',
  "Le rendement n'est pas garanti.", 'mot de passe : Tr0ub4dor&3', 'Lunch at noon?', 'we should signal the change', 'ＩＤＩＯＴ', 'Connard!',
  ...Array.from({ length: 40 }, (_, i) => `samplingword number ${i}`), 'dmonlyword here', '',
];

function records(tenants: string[]): SourceRecord[] {
  const events = tenants.flatMap((tenant) => [
    ...TEXTS.map((text, i) => cloudEvent('message.created', { message_id: `m${i}`, conversation_id: 'C1', conversation_type: i % 2 ? 'dm' : 'channel', author_id: 'U1', text }, { tenant })),
    cloudEvent('message.edited', { message_id: 'm1', conversation_id: 'C1', editor_id: 'U2', text: 'idiot again' }, { tenant }),
    cloudEvent('reaction.added', { message_id: 'm1', conversation_id: 'C1', user_id: 'U1', emoji: 'x' }, { tenant }),
  ]);
  return events.map((e, i) => ({ key: null, value: Buffer.from(JSON.stringify(e)), offset: String(i) }));
}

const context: ContextSource = {
  async originals(_t, ids) {
    return new Map(ids.map((id) => [id, { conversationType: 'dm', authorId: 'U1', hasAttachments: false, threadId: '' }]));
  },
  async departments() {
    return new Map();
  },
};

/** A policy cache holding one set for T, which the test replaces. */
function fakeCache(versions: PolicyVersion[]) {
  let generation = 1;
  let key = versions.map((v) => `${v.policyId}@${v.version}`).join(',');
  let set: PolicySet = compilePolicySet(T, versions);
  let current = versions;
  const cache: PolicyCache = {
    setFor: (t) => (t === T ? set : undefined),
    keyFor: (t) => (t === T ? key : undefined),
    snapshot: (): PolicySnapshot => ({ generation, tenants: [{ tenant: T, key, versions: current }] }),
    refresh: async () => {},
    start: async () => {},
    stop: () => {},
  };
  return {
    cache,
    replace(next: PolicyVersion[]) {
      generation += 1;
      current = next;
      key = next.map((v) => `${v.policyId}@${v.version}`).join(',');
      set = compilePolicySet(T, next);
    },
    set: () => set,
  };
}

const summary = (flags: readonly Flag[]) => flags.map((f) => [f.itemId, f.sampled, f.conversationType, f.hits.map((h) => `${h.label}@${h.start}-${h.end}`).join(' ')]).sort();

async function runStep(cache: PolicyCache, decoded: Awaited<ReturnType<typeof decodeBatch>>): Promise<Flag[]> {
  const written: Flag[] = [];
  const step = createSuperviseStep({ metrics: createMetrics().ingest, log: pino({ level: 'silent' }), retryMaxMs: 100, stopped: () => false }, {
    policies: cache, context,
    queue: { async write(flags) {
      written.push(...flags);
      return flags.filter((f) => f.sampled).length;
    } },
  });
  await step({ topic: 't', partition: 0, heartbeat: async () => {} }, decoded, []);
  return written;
}

/** What matching on the main thread flags: flagMessages over the in-thread decode of the same records. */
async function expected(set: PolicySet, recs: SourceRecord[]): Promise<Flag[]> {
  const rows = decodeBatch('t', 0, recs, 512 * 1024).rows.filter((r) => r.table === 'message_versions' && r.row.tenant === T);
  return flagMessages(set, rows.map(messageOfRow), context);
}

describe('supervision matched in the decode worker', () => {
  it('flags what in-thread matching flags, screens only supervised tenants, and follows policy changes', async () => {
    expect(existsSync(compiled), 'dist/ is built by npm test').toBe(true);
    const { createDecodePool } = (await import(compiled)) as typeof import('./decode-pool.js');
    const f = fakeCache([...defaults, sampled, dmOnly]);
    const pool = createDecodePool(() => f.cache.snapshot());
    const recs = records([T, 'unsupervised']);
    try {
      const decoded = await pool.decode('t', 0, recs, 512 * 1024);
      const screened = decoded.screened!;
      expect([...screened.keys]).toEqual([[T, f.cache.keyFor(T)]]);
      // Every message version of T (creations and the edit), nothing of the other tenant, no reaction.
      expect(screened.rows.size).toBe(TEXTS.length + 1);
      expect([...screened.rows.keys()].every((r) => r.row.tenant === T && r.table === 'message_versions')).toBe(true);
      const want = await expected(f.set(), recs);
      expect(want.length).toBeGreaterThan(15);
      expect(summary(await runStep(f.cache, decoded))).toEqual(summary(want));

      // The policies change after this batch was screened: the step matches it again with the new ones.
      f.replace([defaults[0]!, version({ name: 'new', severity: 'low', lexicon: { terms: ['lunch'] } })]);
      const wantNew = await expected(f.set(), recs);
      expect(wantNew.some((x) => x.policyName === 'new')).toBe(true);
      expect(summary(await runStep(f.cache, decoded))).toEqual(summary(wantNew));

      // The next batch is screened by the worker with the new policies.
      const next = await pool.decode('t', 0, recs, 512 * 1024);
      expect(next.screened!.keys.get(T)).toBe(f.cache.keyFor(T));
      expect([...next.screened!.rows.values()].flat().length).toBeGreaterThan(0);
      expect(summary(await runStep(f.cache, next))).toEqual(summary(wantNew));

      // A row replaced after screening (as the erasure step does) is matched on the main thread.
      const replaced = await pool.decode('t', 0, recs, 512 * 1024);
      const i = replaced.rows.findIndex((r) => r.table === 'message_versions' && r.row.tenant === T);
      replaced.rows[i] = { ...replaced.rows[i]!, line: Buffer.from(replaced.rows[i]!.lineBytes!).toString('utf8').trimEnd().replace('"idiot"', '"lunch"') };
      delete replaced.rows[i]!.lineBytes;
      const flags = await runStep(f.cache, replaced);
      expect(flags.some((x) => x.messageId === 'm0' && x.policyName === 'new')).toBe(true);
    } finally {
      await pool.close();
    }
  });
});

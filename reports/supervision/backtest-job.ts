/**
 * The `supervision-backtest` job kind: runs one version of a supervision policy
 * over the archive (or a time range) without flagging anything, and reports how
 * many message versions it would match and put in the review queue (its sample),
 * by conversation type and by week, with a sample of matches for the officer in
 * `backtest.json` (a file: it quotes message text, so it is downloaded with
 * `exports:read`, while the counts in the job's result are for anyone with
 * `jobs:read`). The evaluation is ingest's own (`flagMessages`), so the counts are
 * what enabling the policy flags on the same messages.
 *
 * The archive is read in pages of the table's order (time, event id); after each
 * page the position and the counts are a checkpoint, so a restarted job resumes.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { fromStoreTime, toStoreTime } from '../../common/events/time.js';
import { compilePolicySet, flagMessages, type Flag, type SupervisedMessage } from '../../common/supervision/flagging.js';
import { storeContextSource } from '../../common/supervision/message-context.js';
import { createPolicyStore, POLICY_ID_PATTERN } from '../../common/supervision/policy-store.js';
import { compilePrefilter, prefilterSql } from '../../common/supervision/prefilter.js';
import type { Store } from '../../common/store/store.js';
import { writeWholeFile } from '../exports/hashed-file.js';
import type { JobKind } from '../jobs/job-kind.js';

const instant = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 date-time with an offset' }).transform((s) => new Date(s).toISOString());

export const backtestParams = z.strictObject({
  policy: z.string().regex(POLICY_ID_PATTERN, 'must be a policy id (pol_ and 16 lowercase letters or digits)'),
  /** Default: the newest version when the job runs (the result names the version that ran). */
  version: z.number().int().min(1).optional(),
  from: instant.optional(),
  to: instant.optional(),
  /** Matches kept in backtest.json. */
  sample: z.number().int().min(0).max(1000).default(50),
  /** Message versions read per page. */
  page: z.number().int().min(100).max(200_000).default(50_000),
}).refine((p) => !p.from || !p.to || p.from < p.to, { message: 'must be after from', path: ['to'] });

export type BacktestParams = z.output<typeof backtestParams>;

export interface BacktestCounts {
  scanned: number;
  matched: number;
  /** Matches in the policy's review sample: what enabling it would put in the queue. */
  flagged: number;
  byConversationType: Record<string, { matched: number; flagged: number }>;
  /** Monday (UTC) of the message's week -> counts. */
  byWeek: Record<string, { matched: number; flagged: number }>;
  byTerm: Record<string, number>;
}

interface SampleEntry {
  item_id: string;
  event_id: string;
  message_id: string;
  conversation_id: string;
  conversation_type: string;
  time: string;
  version_kind: string;
  sampled: boolean;
  matches: Flag['hits'];
  excerpt: string;
}

interface Checkpoint {
  after?: { time: string; eventId: string };
  /** The whole range was read (the last page's window ran to its end). */
  finished?: boolean;
  version: number;
  counts: BacktestCounts;
  sample: SampleEntry[];
}

interface VersionRow {
  event_id: string; message_id: string; conversation_id: string; conversation_type: string; thread_id: string; author_id: string;
  time: string; kind: 'created' | 'edited'; text: string; has_attachments: number;
}

/** Monday 00:00 UTC of the week of a store time, as YYYY-MM-DD. */
export function weekOf(storeTime: string): string {
  const d = new Date(`${storeTime.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

function excerpt(text: string, hits: Flag['hits']): string {
  const first = hits[0];
  if (!first) return '';
  const start = Math.max(0, first.start - 80);
  return (start > 0 ? '…' : '') + text.slice(start, Math.min(text.length, first.end + 80)) + (first.end + 80 < text.length ? '…' : '');
}

const emptyCounts = (): BacktestCounts => ({ scanned: 0, matched: 0, flagged: 0, byConversationType: {}, byWeek: {}, byTerm: {} });

function add(counts: BacktestCounts, f: Flag): void {
  counts.matched += 1;
  if (f.sampled) counts.flagged += 1;
  const bump = (m: Record<string, { matched: number; flagged: number }>, key: string) => {
    const c = (m[key] ??= { matched: 0, flagged: 0 });
    c.matched += 1;
    if (f.sampled) c.flagged += 1;
  };
  bump(counts.byConversationType, f.conversationType || '(unknown)');
  bump(counts.byWeek, weekOf(f.messageTime));
  for (const label of new Set(f.hits.map((h) => h.label))) counts.byTerm[label] = (counts.byTerm[label] ?? 0) + 1;
}

type Range = { from?: string; to?: string };
type Where = { sql: string[]; params: Record<string, unknown> };

/** The versions of the range after `after` (and up to `upTo`, inclusive), in (time, event_id) order. */
function windowOf(tenant: string, range: Range, after: Checkpoint['after'], upTo?: { time: string; eventId: string }): Where {
  const sql = ['tenant = {tenant:String}'];
  if (range.from) sql.push("time >= {from:DateTime64(3, 'UTC')}");
  if (range.to) sql.push("time < {to:DateTime64(3, 'UTC')}");
  if (after) sql.push("time >= {afterTime:DateTime64(3, 'UTC')} AND (time, event_id) > ({afterTime:DateTime64(3, 'UTC')}, {afterId:String})");
  if (upTo) sql.push("time <= {upToTime:DateTime64(3, 'UTC')} AND (time, event_id) <= ({upToTime:DateTime64(3, 'UTC')}, {upToId:String})");
  return {
    sql,
    params: { tenant, ...range, ...(after ? { afterTime: after.time, afterId: after.eventId } : {}), ...(upTo ? { upToTime: upTo.time, upToId: upTo.eventId } : {}) },
  };
}

interface Page {
  rows: VersionRow[];
  /** Versions of the page's window, candidates or not (the prefilter skipped the others: they cannot match). */
  scanned: number;
  /** The last position the page covers; undefined when it reached the end of the range. */
  last?: { time: string; eventId: string };
}

/**
 * One page of message versions after `after` in (time, event_id) order. With a
 * prefilter (common/supervision/prefilter.ts) only the candidates are read, and the
 * versions of the window the page spans are counted in the store.
 */
async function readPage(store: Store, tenant: string, range: Range, after: Checkpoint['after'], size: number, prefilter: { sql: string; params: Record<string, unknown> } | undefined): Promise<Page> {
  const w = windowOf(tenant, range, after);
  const rows = await store.query<VersionRow>(
    'backtest: read versions',
    `SELECT event_id, message_id, conversation_id, conversation_type, thread_id, author_id, time, kind, text, length(attachments) > 0 AS has_attachments
     FROM message_versions WHERE ${w.sql.join(' AND ')}${prefilter ? ` AND ${prefilter.sql}` : ''} ORDER BY time, event_id LIMIT 1 BY event_id LIMIT {size:UInt32}`,
    { ...w.params, ...prefilter?.params, size },
  );
  const lastRow = rows.at(-1);
  const last = rows.length < size || !lastRow ? undefined : { time: lastRow.time, eventId: lastRow.event_id };
  if (!prefilter) return { rows, scanned: rows.length, ...(last ? { last } : {}) };
  const c = windowOf(tenant, range, after, last);
  const [n] = await store.query<{ n: string }>('backtest: count window', `SELECT uniqExact(event_id) AS n FROM message_versions WHERE ${c.sql.join(' AND ')}`, c.params);
  return { rows, scanned: Number(n?.n ?? 0), ...(last ? { last } : {}) };
}

export function backtestJobKind(): JobKind<BacktestParams, Checkpoint> {
  return {
    kind: 'supervision-backtest',
    params: backtestParams,
    async run(ctx) {
      const p = ctx.params;
      const tenant = ctx.job.tenant;
      const policy = await createPolicyStore(ctx.store).get(tenant, p.policy, ctx.checkpoint?.version ?? p.version);
      const set = compilePolicySet(tenant, [policy]);
      // Only candidates are read when the lexicon can be prefiltered; otherwise every version is.
      const compiled = compilePrefilter([policy.definition.lexicon]);
      const prefilter = compiled ? prefilterSql(compiled) : undefined;
      const context = storeContextSource(ctx.store);
      const range = { ...(p.from ? { from: toStoreTime(Date.parse(p.from)) } : {}), ...(p.to ? { to: toStoreTime(Date.parse(p.to)) } : {}) };
      const [total] = await ctx.store.query<{ n: string }>('backtest: count versions',
        `SELECT count() AS n FROM message_versions WHERE tenant = {tenant:String}${range.from ? " AND time >= {from:DateTime64(3, 'UTC')}" : ''}${range.to ? " AND time < {to:DateTime64(3, 'UTC')}" : ''}`,
        { tenant, ...range });
      const cp: Checkpoint = ctx.checkpoint ?? { version: policy.version, counts: emptyCounts(), sample: [] };
      const t0 = performance.now();
      ctx.progress(cp.counts.scanned, Number(total?.n ?? 0));
      // The next page is read while this one is evaluated: the engine works on its own threads.
      let next: Promise<Page> | undefined = cp.finished ? undefined : readPage(ctx.store, tenant, range, cp.after, p.page, prefilter);
      while (next) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        const page: Page = await next;
        const rows = page.rows;
        if (rows.length === 0 && page.scanned === 0) break;
        next = page.last ? readPage(ctx.store, tenant, range, page.last, p.page, prefilter) : undefined;
        const messages: SupervisedMessage[] = rows.map((r) => ({
          eventId: r.event_id, messageId: r.message_id, conversationId: r.conversation_id, conversationType: r.conversation_type, threadId: r.thread_id,
          authorId: r.author_id, time: r.time, kind: r.kind, text: r.text, hasAttachments: Number(r.has_attachments) === 1,
        }));
        const flags = await flagMessages(set, messages, context);
        const texts = flags.length > 0 ? new Map(messages.map((m) => [m.eventId, m.text])) : new Map<string, string>();
        for (const f of flags) add(cp.counts, f);
        // The sample: the matches with the smallest item ids (hashes, so an even spread over the archive, the same on every run).
        cp.sample = [...cp.sample, ...flags.map((f): SampleEntry => ({
          item_id: f.itemId, event_id: f.eventId, message_id: f.messageId, conversation_id: f.conversationId, conversation_type: f.conversationType,
          time: fromStoreTime(f.messageTime), version_kind: f.versionKind, sampled: f.sampled, matches: f.hits, excerpt: excerpt(texts.get(f.eventId) ?? '', f.hits),
        }))].sort((a, b) => (a.item_id < b.item_id ? -1 : 1)).slice(0, p.sample);
        cp.counts.scanned += page.scanned;
        // The end of the range: past the last version read (a resumed run finds nothing after it).
        cp.after = page.last ?? (rows.length > 0 ? { time: rows.at(-1)!.time, eventId: rows.at(-1)!.event_id } : cp.after);
        if (!page.last) cp.finished = true;
        await ctx.saveCheckpoint(cp);
        ctx.progress(cp.counts.scanned, Math.max(Number(total?.n ?? 0), cp.counts.scanned));
      }
      const seconds = Math.round((performance.now() - t0) / 100) / 10;
      const file = writeWholeFile(join(ctx.workDir, 'backtest.json'), [JSON.stringify({ policy: { id: policy.policyId, version: policy.version, name: policy.definition.name }, params: p, counts: cp.counts, sample: cp.sample }, null, 2)]);
      return {
        summary: { policy_id: policy.policyId, policy_version: policy.version, ...cp.counts, seconds },
        files: [{ name: 'backtest.json', bytes: file.bytes, sha256: file.sha256 }],
      };
    },
    describe: (o) => `policy ${o.summary.policy_id} v${o.summary.policy_version}: ${o.summary.matched} matches (${o.summary.flagged} in the review sample) in ${o.summary.scanned} message versions`,
  };
}

/**
 * The `topics` job: one incremental run of topic analysis for the tenant
 * (analytics/topics/run.ts): the messages with a version or deletion stored since
 * the previous run, exclusions honoured. `full: true` analyses the tenant again from
 * nothing (after an analyzer upgrade, or to check an incremental result). Idempotent:
 * a run that stops leaves no run row, and the next one redoes its window.
 */
import { z } from 'zod';
import { runTopics } from '../../analytics/topics/run.js';
import { createAnalyzer, type Analyzer } from '../../analytics/topics/analyze.js';
import type { JobKind } from '../jobs/job-kind.js';

export const topicsParams = z.strictObject({ full: z.boolean().default(false) });
export type TopicsParams = z.output<typeof topicsParams>;

export function topicsJobKind(): JobKind<TopicsParams, undefined> {
  // One analyzer per process: its stem cache stays warm from one scheduled run to the next.
  let analyzer: Analyzer | undefined;
  return {
    kind: 'topics',
    params: topicsParams,
    async run(ctx) {
      analyzer ??= createAnalyzer();
      const r = await runTopics(ctx.store, ctx.job.tenant, { full: ctx.params.full, signal: ctx.signal, analyzer, progress: (done, total) => ctx.progress(done, total) });
      const ms = (n: number) => Math.round(n);
      return {
        summary: { messages: r.messages, deletions: r.deletions, excluded_conversations: r.excluded, full: r.full, watermark: r.watermark, ms: { read: ms(r.timings.read), analyze: ms(r.timings.analyze), write: ms(r.timings.write), total: ms(r.timings.total) } },
        files: [],
      };
    },
    describe: (o) => `topics: ${String(o.summary.messages)} messages analysed, ${String(o.summary.deletions)} deletions, ${String(o.summary.excluded_conversations)} conversations excluded${o.summary.full ? ' (full run)' : ''}`,
  };
}

/**
 * The `export` job: an eDiscovery package of the set the parameters define. It
 * reads the set as of a fixed time, hands every conversation-day to each format
 * writer, then has the packager bag, sign and ZIP it.
 *
 * Resume: the package is a function of the parameters and the as-of time, and every
 * writer is deterministic, so a restarted job rebuilds the bag from the start and
 * gives the same bytes as an uninterrupted run (the checkpoint records only how
 * often that happened).
 */
import { rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import type { JobKind } from '../jobs/job-kind.js';
import { resolveSubjects } from '../../common/audit/index.js';
import { InvalidJobParamsError } from '../../common/jobs/job-errors.js';
import { conversationDays, createPeopleCache, lookupConversations } from './conversation-days.js';
import { exportParams, type ExportFormat, type ExportParams } from './export-params.js';
import { batchConversations, createExportSetReader } from './export-set.js';
import type { FormatWriter, FormatWriterFactory, WrittenFile } from './formats/format-writer.js';
import type { Packager } from './packager.js';
import { encryptPackage } from '../packages/encrypt.js';

export interface ExportJobDeps {
  formats: Partial<Record<ExportFormat, FormatWriterFactory>>;
  packager: Packager;
  /** `custos <version>`, in every package. */
  generator: string;
}

const round = (ms: number) => Math.round(ms / 100) / 10;

interface ExportCheckpoint {
  rebuilds: number;
}

export function exportJobKind(deps: ExportJobDeps): JobKind<ExportParams, ExportCheckpoint> {
  const available = Object.keys(deps.formats);
  // Without `formats`, an export is in every format this build writes.
  const withFormats = (raw: unknown) => (raw && typeof raw === 'object' && !Array.isArray(raw) && !('formats' in raw) ? { ...raw, formats: available } : raw);
  const params = z.preprocess(withFormats, exportParams).superRefine((p, ctx) => {
    for (const f of p.formats) if (!deps.formats[f]) ctx.addIssue({ code: 'custom', path: ['formats'], message: `"${f}" is not available in this build (available: ${available.join(', ')})` });
  });
  return {
    kind: 'export',
    params,
    async run(ctx) {
      const p = ctx.params;
      const asOf = p.as_of ?? ctx.job.createdAt;
      await ctx.saveCheckpoint({ rebuilds: (ctx.checkpoint?.rebuilds ?? -1) + 1 });
      // The bag folder is named after the package (the ZIP's top folder follows it, RFC 8493 §4.2).
      const bagDir = join(ctx.workDir, ctx.job.id);
      rmSync(bagDir, { recursive: true, force: true });
      const dataDir = join(bagDir, 'data');
      const exportCtx = { packageId: ctx.job.id, tenant: ctx.job.tenant, asOf, generator: deps.generator };
      const writers: FormatWriter[] = p.formats.map((f) => {
        const factory = deps.formats[f];
        if (!factory) throw new InvalidJobParamsError('export', 'formats', `"${f}" is not available`);
        return factory(dataDir, exportCtx);
      });
      const reader = createExportSetReader(ctx.store, ctx.job.tenant, p, asOf);
      const t0 = performance.now();
      const conversations = await reader.conversations();
      const total = conversations.reduce((n, c) => n + c.messages, 0);
      const perConversation: Record<string, number> = {};
      let done = 0;
      ctx.progress(0, total);
      const days = { store: ctx.store, tenant: ctx.job.tenant, asOf, people: writers.some((w) => w.usesPeople !== false) ? await createPeopleCache(ctx.store, ctx.job.tenant) : undefined };
      const batches = batchConversations(conversations);
      // The next batch is read while this one is written (two batches in memory at most): the store works while the writers do.
      let next = batches.length > 0 ? reader.messages(batches[0]!) : undefined;
      for (let i = 0; i < batches.length; i++) {
        const batch = batches[i]!;
        const messages = next!;
        const named = await lookupConversations(ctx.store, ctx.job.tenant, batch);
        next = i + 1 < batches.length ? reader.messages(batches[i + 1]!) : undefined;
        for await (const day of conversationDays(days, named, messages)) {
          if (ctx.signal.aborted) throw ctx.signal.reason;
          for (const w of writers) await w.write(day);
          done += day.messages.length;
          const id = day.conversation.conversation_id;
          perConversation[id] = (perConversation[id] ?? 0) + day.messages.length;
          ctx.progress(done, Math.max(total, done));
        }
      }
      const t1 = performance.now();
      const files: Array<WrittenFile & { format: string }> = [];
      const perFormat: Record<string, { files: number; messages: number }> = {};
      for (const w of writers) {
        const written = await w.close();
        perFormat[w.format] = { files: written.length, messages: written.reduce((n, f) => n + f.messages, 0) };
        files.push(...written.map((f) => ({ ...f, format: w.format })));
      }
      const names = await resolveSubjects(ctx.store, [ctx.requestedBy, ctx.approvedBy].filter((r) => r.startsWith('sr_')));
      const person = (ref: string) => ({ subject: names.get(ref)?.subject ?? ref, ...(names.get(ref)?.name ? { name: names.get(ref)!.name } : {}) });
      const bag = await deps.packager(bagDir, files, {
        packageId: ctx.job.id, tenant: ctx.job.tenant, kind: 'export', filters: ctx.job.params, asOf,
        requestedBy: person(ctx.requestedBy), approvedBy: ctx.approvedBy ? [person(ctx.approvedBy)] : [], requestedAt: ctx.job.createdAt,
        countsPerFormat: perFormat, countsPerConversation: perConversation, generator: deps.generator,
      });
      // For recipients: the same ZIP encrypted with age, listed beside it (docs/packages.md).
      const sealed = p.recipients.length > 0 ? await encryptPackage(bag.zip.path, `${bag.zip.path}.age`, p.recipients) : undefined;
      const t2 = performance.now();
      const bytes = files.reduce((n, f) => n + f.bytes, 0);
      return {
        summary: { package_id: ctx.job.id, messages: done, conversations: Object.keys(perConversation).length, files: files.length, bytes, formats: perFormat, merkle_root: bag.merkleRoot, signing_key_id: bag.keyId, as_of: asOf, bag: bagDir,
          seconds: { read_and_write: round(t1 - t0), close_and_package: round(t2 - t1) } },
        files: [{ name: basename(bag.zip.path), bytes: bag.zip.bytes, sha256: bag.zip.sha256 }, ...(sealed ? [{ name: basename(sealed.path), bytes: sealed.bytes, sha256: sealed.sha256 }] : [])],
      };
    },
    describe: (o) => `${o.summary.messages} messages in ${o.summary.conversations} conversations, ${o.summary.files} files, ${o.summary.bytes} bytes, Merkle root ${o.summary.merkle_root}`,
  };
}

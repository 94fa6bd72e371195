/**
 * An import with the importer on a worker thread stores exactly what the in-thread
 * import stores and reports the same, into a real chDB store. Runs the compiled
 * modules (the worker exists only in dist/: build first, as npm test does).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { createEventWriter } from '../event-writer.js';
import { collectingReport } from './report.js';
import type { ImportOptions } from './run-import.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const dist = join(repoRoot, 'dist', 'ingest', 'importers');
const slackExport = resolve(repoRoot, '..', 'shared', 'data', 'slack-houstondatavis');
const fixtures = join(repoRoot, 'test', 'fixtures');

type Compiled = { runImport: typeof import('./run-import.js').runImport; createStoreSink: typeof import('./sinks.js').createStoreSink; offThreadAvailable: typeof import('./off-thread.js').offThreadAvailable };
let compiled: Compiled;
let ts: TestStore;
beforeAll(async () => {
  ts = await openTestStore('importers-off-thread');
  compiled = {
    ...((await import(join(dist, 'run-import.js'))) as typeof import('./run-import.js')),
    ...((await import(join(dist, 'sinks.js'))) as typeof import('./sinks.js')),
    ...((await import(join(dist, 'off-thread.js'))) as typeof import('./off-thread.js')),
  };
});
afterAll(async () => ts?.close());

async function importBoth(o: Omit<ImportOptions, 'tenant'>, tenant: string) {
  const run = async (t: string, inThread: boolean) => {
    const report = collectingReport();
    const summary = await compiled.runImport({ ...o, tenant: t, inThread }, { sink: compiled.createStoreSink(createEventWriter(ts.store), 500), report });
    return { summary, report };
  };
  return { off: await run(`${tenant}-off`, false), in: await run(`${tenant}-in`, true) };
}

/** Every stored row of a tenant, without the tenant and the time it was stored, in a stable order. */
async function stored(tenant: string) {
  const out: Record<string, unknown[]> = {};
  for (const table of ['message_versions', 'message_deletions', 'reactions', 'calls', 'app_invocations', 'admin_events']) {
    out[table] = await ts.store.query('test', `SELECT * EXCEPT (tenant, ingested_at) FROM ${table} WHERE tenant = {t:String} ORDER BY event_id`, { t: tenant });
  }
  return out;
}

const comparable = ({ ms: _ms, ...s }: Record<string, unknown>) => s;

describe('import with the importer on a worker thread', () => {
  it('is what the compiled build uses', () => {
    expect(existsSync(join(dist, 'import-worker.js')), 'dist/ is built by npm test').toBe(true);
    expect(compiled.offThreadAvailable()).toBe(true);
  });

  it('stores and reports the real Slack export as the in-thread import does', async () => {
    const both = await importBoth({ format: 'slack', path: slackExport }, 'hdv');
    expect(both.off.summary.written).toBeGreaterThan(1500);
    expect({ ...comparable(both.off.summary), tenant: '' }).toEqual({ ...comparable(both.in.summary), tenant: '' });
    expect(both.off.report.assumptions).toEqual(both.in.report.assumptions);
    expect(await stored('hdv-off')).toEqual(await stored('hdv-in'));
  });

  it('forwards problems and not-archived records in order (Mattermost fixture)', async () => {
    const both = await importBoth({ format: 'mattermost', path: join(fixtures, 'mattermost') }, 'mm');
    expect(both.off.report.problems).toEqual(both.in.report.problems);
    expect(both.off.report.notArchivedRecords).toEqual(both.in.report.notArchivedRecords);
    expect(both.off.report.problems.map((p) => p.reason)).toEqual(['unknown_record_type', 'not_json', 'record_error']);
    expect(await stored('mm-off')).toEqual(await stored('mm-in'));
  });

  it('an error of the import itself (an unreadable file) ends it off-thread too', async () => {
    const report = collectingReport();
    await expect(compiled.runImport({ format: 'teams', path: join(fixtures, 'nope.json'), tenant: 'x' }, { sink: compiled.createStoreSink(createEventWriter(ts.store)), report }))
      .rejects.toThrow(/nope\.json: cannot read it \(ENOENT\)/);
  });
});

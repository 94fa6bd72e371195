/**
 * `npm run bench [-- ingest|search|importers|auth ...]`: reproducible benchmarks that
 * print numbers. Each runs in its own process (chDB binds one data directory per
 * process) on a fresh embedded store and, where it needs one, the project's own
 * Kafka broker. Not tests: nothing here asserts.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benches: Record<string, () => Promise<unknown>> = {
  ingest: async () => (await import('./ingest.js')).runIngestBench(),
  search: async () => (await import('./search.js')).runSearchBench(),
  importers: async () => (await import('./importers.js')).runImportersBench(),
  auth: async () => (await import('./api-auth.js')).runAuthBench(),
  export: async () => (await import('./export.js')).runExportBench(),
  // Each format alone, then all together, each case in a process of its own (bench/export-formats.ts).
  'export-formats': async () => {
    const r = spawnSync(process.execPath, [fileURLToPath(new URL('./export-formats.js', import.meta.url))], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`export-formats exited ${r.status ?? r.signal}`);
  },
  'event-ids': async () => (await import('./event-ids.js')).runEventIdsBench(),
  'package-zip': async () => (await import('./package-zip.js')).runPackageZipBench(),
  // Issue 14: before/after of the search language on one archive (needs BENCH_BEFORE_DIST).
  'search-compare': async () => (await import('./search-compare.js')).runSearchCompare(),
  encryption: async () => (await import('./encryption.js')).runEncryptionBench(),
  supervision: async () => (await import('./supervision.js')).runSupervisionBench(),
  analytics: async () => (await import('./analytics.js')).runAnalyticsBench(),
  retention: async () => (await import('./retention.js')).runRetentionBench(),
  erasure: async () => (await import('./erasure.js')).runErasureBench(),
  'subject-access': async () => (await import('./subject-access.js')).runSubjectAccessBench(),
  'web-ui': async () => (await import('./web-ui.js')).runWebUiBench(),
  topics: async () => (await import('./topics.js')).runTopicsBench(),
  // Issue 14: where a search request's time goes, per store statement (needs the archive search-compare keeps with BENCH_KEEP=1).
  'search-profile': async () => (await import('./search-profile.js')).runSearchProfile(),
};

const args = process.argv.slice(2);
if (args[0] === '--one') {
  const name = args[1]!;
  const started = Date.now();
  await benches[name]!();
  console.log(`bench ${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} else {
  const names = args.length ? args : Object.keys(benches);
  const unknown = names.filter((n) => !benches[n]);
  if (unknown.length) {
    process.stderr.write(`bench: unknown benchmark ${unknown.map((u) => `"${u}"`).join(', ')} (have: ${Object.keys(benches).join(', ')})\n`);
    process.exit(2);
  }
  for (const name of names) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--one', name], { stdio: 'inherit' });
    if (r.status !== 0) {
      process.stderr.write(`bench ${name}: failed (exit ${r.status ?? r.signal})\n`);
      process.exit(1);
    }
  }
}

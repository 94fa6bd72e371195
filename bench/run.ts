/**
 * `npm run bench [-- ingest|search|importers ...]`: reproducible benchmarks that
 * print numbers. Each runs on a fresh embedded store and (where it needs one) the
 * project's own Kafka broker. Not tests: nothing here asserts.
 */
import { runIngestBench } from './ingest.js';

type Bench = () => Promise<void>;

const benches: Record<string, () => Promise<Bench>> = {
  ingest: async () => runIngestBench,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(benches);
for (const name of names) {
  const load = benches[name];
  if (!load) {
    process.stderr.write(`bench: unknown benchmark "${name}" (have: ${Object.keys(benches).join(', ')})\n`);
    process.exit(2);
  }
  const started = Date.now();
  await (await load())();
  console.log(`bench ${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Search latency and throughput through the real HTTP API (auth, Casbin, audit on),
 * over a fresh embedded store filled with synthetic but realistic messages:
 * Zipf-distributed words (English and French at the head, a long tail of rarer
 * word-like tokens), 5,000 authors, 2,000 conversations, a year of time, 3% edited,
 * 1% deleted, 20% with mentions, 5% with attachments.
 *
 * For each size: p50/p95/p99 of word (rare and common), author and time-range
 * searches, sequentially; then requests/s with 16 concurrent clients on loopback.
 * At the first size it also compares the `text` index with no index (hasToken,
 * ILIKE) and a tokenbf_v1 bloom filter on the same data (issue 2).
 * Environment: BENCH_SEARCH_SIZES (comma list, default 1000000,10000000),
 * BENCH_SEARCH_REQUESTS (per kind, default 100), BENCH_SEARCH_SECONDS (load, default 15).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Registry } from 'prom-client';
import { loadConfig } from '../common/config.js';
import { createLogger } from '../common/logger.js';
import { createStore, type Store } from '../common/store/store.js';
import { migrate } from '../migrations/runner.js';
import { packageRoot } from '../common/paths.js';
import { buildSecurity, createApp } from '../api/app.js';
import { apiRoutes } from '../api/routes/index.js';
import { fmt, summarize } from './lib/stats.js';
import { foldWords } from '../common/queries/search-query/fold.js';

const TENANT = 'bench';
const HEAD = ('the a to and of is for on in we it this that with release plan budget meeting customer invoice deploy review contract ' +
  'merci réunion projet client facture déploiement bonjour demain rapport équipe sprint roadmap ticket incident postmortem launch ' +
  'quarter numbers legal hold approve please thanks today tomorrow yes no ok update status call later week monday vendredi lundi ' +
  'semaine prochaine réponse question problème solution urgent important document fichier envoyé reçu vérifier compte mot passe').split(' ');
const SYL1 = ['ka', 'lo', 'mi', 'ré', 'su', 'pa', 'ti', 'né', 'vo', 'ga', 'be', 'du'];
const SYL2 = ['ra', 'to', 'bi', 'lé', 'nu', 'sé', 'mo', 'fa', 'di', 'po', 'ke', 'zu'];
const SYL3 = ['n', 's', 'x', 't', 'r', 'l', 'é', 'm', 'k', 'z', 'ch', 'nd'];
const TAIL = 20_000;

/** Head words, then a long tail of synthetic word-like tokens (unique, lowercase, no separators). */
export function vocabulary(): string[] {
  const tail = Array.from({ length: TAIL }, (_, i) => `${SYL1[i % 12]}${SYL2[Math.floor(i / 12) % 12]}${SYL3[Math.floor(i / 144) % 12]}${Math.floor(i / 1728) || ''}`);
  return [...new Set([...HEAD, ...tail])];
}

const YEAR_MS = 365 * 24 * 3600 * 1000;
const START = '2025-11-25 00:00:00.000';

/** INSERT ... SELECT FROM numbers: word k of message n has Zipf-like rank floor(V * u^3). */
/** `conversations` and `spanMs` shape the archive: the search bench uses 2,000 conversations over a year. */
export async function fill(store: Store, n: number, shape: { conversations?: number; spanMs?: number } = {}): Promise<void> {
  const conversations = shape.conversations ?? 2000;
  const vocab = vocabulary();
  const chunk = 1_000_000;
  for (let off = 0; off < n; off += chunk) {
    const count = Math.min(chunk, n - off);
    await store.command('bench: fill messages', `
      INSERT INTO message_versions (tenant, event_id, source, time, kind, message_id, conversation_id, conversation_type, thread_id, author_id, text, mentions, attachments, extra, origin)
      SELECT {tenant:String}, concat('e', toString(number)), 'slack://TBENCH',
        toDateTime64({start:String}, 3, 'UTC') + toIntervalMillisecond(intDiv(number * {span:UInt64}, {total:UInt64})),
        'created', concat('m', toString(number)), concat('C', toString(cityHash64(number, 1) % {conversations:UInt32})),
        ['channel', 'channel', 'channel', 'private', 'dm', 'group_dm'][1 + cityHash64(number, 1) % {conversations:UInt32} % 6],
        if(number % 10 = 0 AND number > 100, concat('m', toString(number - 1 - cityHash64(number, 2) % 50)), ''),
        concat('U', toString(cityHash64(number, 3) % 5000)),
        arrayStringConcat(arrayMap(k -> {vocab:Array(String)}[1 + toUInt32(length({vocab:Array(String)}) * pow((cityHash64(number, k, 4) % 1000003) / 1000003.0, 3))],
          range(5 + cityHash64(number, 5) % 26)), ' '),
        if(number % 5 = 0, [concat('U', toString(cityHash64(number, 6) % 5000))], []),
        if(number % 20 = 0, [('report.pdf', 'application/pdf', 1000 + number % 100000, '')], []),
        '', 'bench'
      FROM numbers({off:UInt64}, {count:UInt64})`,
    { tenant: TENANT, start: START, span: shape.spanMs ?? YEAR_MS, total: n, vocab, off, count, conversations });
    process.stdout.write(`  filled ${fmt(off + count)} / ${fmt(n)}\r`);
  }
  process.stdout.write('\n');
  await store.command('bench: edits', `
    INSERT INTO message_versions (tenant, event_id, source, time, kind, message_id, conversation_id, conversation_type, thread_id, author_id, text, mentions, attachments, extra, origin)
    SELECT tenant, concat(event_id, '-edit'), source, time + toIntervalMinute(3), 'edited', message_id, conversation_id, '', '', author_id,
      concat('corrigé ', text), [], [], '', 'bench'
    FROM message_versions WHERE tenant = {tenant:String} AND kind = 'created' AND cityHash64(message_id, 7) % 33 = 0`, { tenant: TENANT });
  await store.command('bench: deletions', `
    INSERT INTO message_deletions (tenant, event_id, source, time, message_id, conversation_id, deleted_by, extra, origin)
    SELECT tenant, concat(event_id, '-del'), source, time + toIntervalHour(1), message_id, conversation_id, author_id, '', 'bench'
    FROM message_versions WHERE tenant = {tenant:String} AND kind = 'created' AND cityHash64(message_id, 8) % 100 = 0`, { tenant: TENANT });
}

/**
 * Merges the freshly inserted parts (OPTIMIZE ... FINAL), as background merges do to
 * an archive long before it is searched: measuring right after a bulk insert would
 * measure dozens of small parts, each with its own text index, which no real
 * archive has for long.
 */
export async function settle(store: Store): Promise<void> {
  const t0 = performance.now();
  for (const t of ['message_versions', 'message_author_keys', 'message_edit_keys', 'message_edit_texts', 'message_deletions']) {
    await store.command('bench: optimize', `OPTIMIZE TABLE ${t} FINAL`, {}, { alter_sync: '2' } as never);
  }
  console.log(`  merged (OPTIMIZE FINAL) in ${fmt((performance.now() - t0) / 1000, 1)} s`);
}

interface Api { base: string; token: string; close(): Promise<void> }

async function startApi(store: Store, dataDir: string, audit = true): Promise<Api> {
  const config = loadConfig({ CUSTOS_DATA_DIR: dataDir, LOG_LEVEL: 'silent', CUSTOS_RATE_LIMIT_PER_MIN: '1000000' });
  const security = await buildSecurity({ config, store, publicUrl: 'http://127.0.0.1', audit });
  const { secret } = await security.tokens.create({ tenant: TENANT, role: 'compliance_officer', name: 'bench', createdBy: 'bench' });
  const app = createApp({ store, registry: new Registry(), log: createLogger('silent'), security, routes: apiRoutes({ store, cursorSecret: 'bench' }) });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/tenants/${TENANT}/messages`,
    token: secret,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function timed(api: Api, qs: string): Promise<{ ms: number; total: number }> {
  const t0 = performance.now();
  const res = await fetch(`${api.base}?${qs}`, { headers: { authorization: `Bearer ${api.token}` } });
  const body = (await res.json()) as { total?: number };
  if (res.status !== 200) throw new Error(`bench: ${qs} answered ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
  return { ms: performance.now() - t0, total: body.total ?? 0 };
}

const rnd = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

export function queryMix(n: number, requests: number): Record<string, string[]> {
  const r = rnd(42);
  const vocab = vocabulary();
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const day = (d: number) => new Date(Date.parse('2025-11-25T00:00:00Z') + d * 86_400_000).toISOString();
  const mk = (f: () => string) => Array.from({ length: requests }, f);
  return {
    'word (rare, rank 2k-20k)': mk(() => `q=${encodeURIComponent(vocab[2000 + Math.floor(r() * (vocab.length - 2000))]!)}`),
    'word (common, top 60)': mk(() => `q=${encodeURIComponent(pick(HEAD))}`),
    'two words, all': mk(() => `q=${encodeURIComponent(`${pick(HEAD.slice(10))} ${vocab[200 + Math.floor(r() * 2000)]}`)}`),
    'phrase': mk(() => `match=phrase&q=${encodeURIComponent(`${pick(HEAD.slice(4, 20))} ${pick(HEAD.slice(4, 20))}`)}`),
    'author': mk(() => `author=U${Math.floor(r() * 5000)}`),
    'time range (1 day)': mk(() => { const d = Math.floor(r() * 364); return `from=${day(d)}&to=${day(d + 1)}`; }),
    'author + 30 days': mk(() => { const d = Math.floor(r() * 334); return `author=U${Math.floor(r() * 5000)}&from=${day(d)}&to=${day(d + 30)}`; }),
    'word + conversation': mk(() => `q=${encodeURIComponent(pick(HEAD))}&conversation=C${Math.floor(r() * 2000)}`),
    // The query language (issue 14): folded words, prefixes, OR, quoted phrases, modifiers.
    'word, accents folded': mk(() => `q=${encodeURIComponent(pick(['reunion', 'equipe', 'deploiement', 'facture', 'probleme', 'reponse']))}`),
    'prefix (4 letters*)': mk(() => `q=${encodeURIComponent(`${pick(HEAD.filter((w) => w.length >= 6)).slice(0, 4)}*`)}`),
    'two words, OR': mk(() => `q=${encodeURIComponent(`${pick(HEAD.slice(10))} OR ${vocab[200 + Math.floor(r() * 2000)]}`)}`),
    'phrase (quoted, in q)': mk(() => `q=${encodeURIComponent(`"${pick(HEAD.slice(4, 20))} ${pick(HEAD.slice(4, 20))}"`)}`),
    'from: + 30 days (in q)': mk(() => { const d = Math.floor(r() * 334); return `q=${encodeURIComponent(`from:U${Math.floor(r() * 5000)} after:${day(d).slice(0, 10)} before:${day(d + 30).slice(0, 10)}`)}`; }),
    'in: + 30 days (in q)': mk(() => { const d = Math.floor(r() * 334); return `q=${encodeURIComponent(`in:C${Math.floor(r() * 2000)} after:${day(d).slice(0, 10)} before:${day(d + 30).slice(0, 10)}`)}`; }),
    // Modifiers mixed with words under OR / NOT (no index prunes an OR of a word and an author: the keys of every created version are read).
    'word OR from: (in q)': mk(() => `q=${encodeURIComponent(`${vocab[2000 + Math.floor(r() * (vocab.length - 2000))]} OR from:U${Math.floor(r() * 5000)}`)}`),
    'word -in: (in q)': mk(() => `q=${encodeURIComponent(`${pick(HEAD)} -in:C${Math.floor(r() * 2000)}`)}`),
    _n: [String(n)],
  };
}

async function latency(api: Api, n: number, requests: number): Promise<string[]> {
  const mix = queryMix(n, requests);
  const lines: string[] = [];
  for (const [kind, qss] of Object.entries(mix)) {
    if (kind.startsWith('_')) continue;
    for (const qs of qss.slice(0, 5)) await timed(api, qs); // warm-up
    const ms: number[] = [];
    let totals = 0;
    for (const qs of qss) {
      const r = await timed(api, qs);
      ms.push(r.ms);
      totals += r.total;
    }
    const s = summarize(ms);
    lines.push(`  ${kind.padEnd(26)} p50 ${fmt(s.p50, 1).padStart(7)} ms  p95 ${fmt(s.p95, 1).padStart(7)} ms  p99 ${fmt(s.p99, 1).padStart(7)} ms  (n=${s.n}, mean total ${fmt(totals / qss.length)})`);
    console.log(lines[lines.length - 1]);
  }
  return lines;
}

async function load(api: Api, n: number, clients: number, seconds: number): Promise<string> {
  const mix = Object.entries(queryMix(n, 200)).filter(([k]) => !k.startsWith('_')).flatMap(([, v]) => v);
  const end = Date.now() + seconds * 1000;
  let done = 0;
  let i = 0;
  const ms: number[] = [];
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (Date.now() < end) {
      const r = await timed(api, mix[i++ % mix.length]!);
      ms.push(r.ms);
      done++;
    }
  }));
  const s = summarize(ms);
  const line = `  ${clients} concurrent clients, ${seconds} s, mixed queries: ${fmt(done / ((performance.now() - started) / 1000), 1)} requests/s, p50 ${fmt(s.p50, 1)} ms, p95 ${fmt(s.p95, 1)} ms, p99 ${fmt(s.p99, 1)} ms`;
  console.log(line);
  return line;
}

/** Issue 2: the text index against no index (hasToken, ILIKE) and a tokenbf_v1 bloom filter, same rows. */
async function compareIndexes(store: Store): Promise<void> {
  const cols = `tenant LowCardinality(String), event_id String, time DateTime64(3, 'UTC'), conversation_id String, message_id String, text String`;
  await store.command('bench: noidx', `CREATE TABLE bench_noidx (${cols}) ENGINE = MergeTree ORDER BY (tenant, time, event_id)`);
  await store.command('bench: tokenbf', `CREATE TABLE bench_tokenbf (${cols}, INDEX idx_tbf lowerUTF8(text) TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 1) ENGINE = MergeTree ORDER BY (tenant, time, event_id)`);
  for (const t of ['bench_noidx', 'bench_tokenbf']) {
    const t0 = performance.now();
    await store.command('bench: copy', `INSERT INTO ${t} SELECT tenant, event_id, time, conversation_id, message_id, text FROM message_versions WHERE tenant = {tenant:String}`, { tenant: TENANT });
    console.log(`  copied into ${t} in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  }
  const sizes = await store.query<{ table: string; name: string; bytes: string }>('bench: index sizes', `
    SELECT table, name, data_compressed_bytes AS bytes FROM system.data_skipping_indices WHERE database = currentDatabase() AND name IN ('idx_text_norm', 'idx_tbf')`);
  for (const s of sizes) console.log(`  index ${s.table}.${s.name}: ${fmt(Number(s.bytes) / 1048576, 1)} MiB compressed`);
  const vocab = vocabulary();
  const r = rnd(7);
  const words = [...Array.from({ length: 15 }, () => vocab[2000 + Math.floor(r() * (vocab.length - 2000))]!), ...Array.from({ length: 5 }, () => HEAD[Math.floor(r() * HEAD.length)]!)];
  const variants: Array<[string, string, string]> = [
    // idx_text is gone (migration 0016): exact tokens are found through the folded index, as export sets do.
    ['text index (folded) + exact: hasAllTokens', 'message_versions', 'hasAllTokens(text_norm, [{wf:String}]) AND hasAllTokens(lowerUTF8(text), [{w:String}])'],
    ['no index: hasToken(lowerUTF8)', 'bench_noidx', 'hasToken(lowerUTF8(text), {w:String})'],
    ['no index: ILIKE (substring!)', 'bench_noidx', "text ILIKE concat('%', {w:String}, '%')"],
    ['tokenbf_v1: hasToken(lowerUTF8)', 'bench_tokenbf', 'hasToken(lowerUTF8(text), {w:String})'],
  ];
  for (const [label, table, cond] of variants) {
    const params = (w: string) => (cond.includes('{wf:') ? { tenant: TENANT, w, wf: foldWords(w).join(' ') } : { tenant: TENANT, w });
    const countMs: number[] = [];
    const topMs: number[] = [];
    let totals = 0;
    for (const w of words) {
      let t0 = performance.now();
      const [c] = await store.query<{ n: string }>('bench: compare count', `SELECT count() AS n FROM ${table} WHERE tenant = {tenant:String} AND ${cond}`, params(w));
      countMs.push(performance.now() - t0);
      totals += Number(c!.n);
      t0 = performance.now();
      await store.query('bench: compare top', `SELECT conversation_id, message_id FROM ${table} WHERE tenant = {tenant:String} AND ${cond} ORDER BY time DESC LIMIT 50`, params(w));
      topMs.push(performance.now() - t0);
    }
    const c = summarize(countMs);
    const t = summarize(topMs);
    console.log(`  ${label.padEnd(34)} count: p50 ${fmt(c.p50, 1)} / p95 ${fmt(c.p95, 1)} ms; newest 50: p50 ${fmt(t.p50, 1)} / p95 ${fmt(t.p95, 1)} ms; matches ${fmt(totals)}`);
  }
  await store.command('bench: drop', 'DROP TABLE bench_noidx');
  await store.command('bench: drop', 'DROP TABLE bench_tokenbf');
}

export async function runSearchBench(sizes: number[] = (process.env.BENCH_SEARCH_SIZES ?? '1000000,10000000').split(',').map(Number)): Promise<void> {
  const requests = Number(process.env.BENCH_SEARCH_REQUESTS ?? 100);
  const seconds = Number(process.env.BENCH_SEARCH_SECONDS ?? 15);
  for (const [i, n] of sizes.entries()) {
    const dataDir = join(packageRoot(), '.bench', `search-${n}`);
    rmSync(dataDir, { recursive: true, force: true });
    const store = await createStore(loadConfig({ CUSTOS_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), { command: 'bench search', queryTimeoutS: 600 });
    try {
      await migrate(store);
      console.log(`search bench: ${fmt(n)} messages`);
      const t0 = performance.now();
      await fill(store, n);
      await settle(store);
      const [rows] = await store.query<{ n: string; parts: string }>('bench: rows', `SELECT (SELECT count() FROM message_versions) AS n, (SELECT count() FROM system.parts WHERE active AND table = 'message_versions' AND database = currentDatabase()) AS parts`);
      console.log(`  stored ${fmt(Number(rows!.n))} versions in ${fmt((performance.now() - t0) / 1000, 1)} s (${rows!.parts} parts)`);
      const api = await startApi(store, dataDir);
      try {
        console.log('  latency through HTTP (sequential, newest 50 + exact total):');
        await latency(api, n, requests);
        await load(api, n, 16, seconds);
      } finally {
        await api.close();
      }
      // The same load without the audit log, to show what the per-request audit append costs.
      const quiet = await startApi(store, dataDir, false);
      try {
        process.stdout.write('  without audit:');
        await load(quiet, n, 16, seconds);
      } finally {
        await quiet.close();
      }
      if (i === 0) {
        console.log(`  index comparison at ${fmt(n)} messages (store queries, count and newest 50, 20 words):`);
        await compareIndexes(store);
      }
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

/**
 * eDiscovery export through the built CLI, as an operator runs it: the known
 * archive imported with `custos import events`, exported with `custos jobs run
 * export`, checked by `custos package verify`, the Library of Congress BagIt
 * validator and openssl. Then a crash: the export process SIGKILLed in the middle,
 * resumed, and its package byte for byte equal to an uninterrupted run of the same
 * job (taken from a copy of the data directory made while the job was queued).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { killStartedCli, runCli, startCli } from '../test/helpers/cli.js';
import { exportOrder, knownArchive, type KnownArchive } from '../test/helpers/known-archive.js';
import { ensureVenv } from '../test/helpers/python-venv.js';
import { waitFor } from '../test/helpers/events.js';
import { assertValidatorAvailable, validateRsmf } from '../reports/exports/testing/rsmf-validator.js';

let root: string;
let data: string;
let archive: KnownArchive;
const env = () => ({ CUSTOS_DATA_DIR: data });

function importArchive(a: KnownArchive, dir: string): void {
  const file = join(root, `${a.tenant}.jsonl`);
  writeFileSync(file, a.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const r = runCli(['import', 'events', file, '--tenant', a.tenant, '--report', join(root, `${a.tenant}-import-report.jsonl`)], { CUSTOS_DATA_DIR: dir });
  expect(r.status, r.stderr).toBe(0);
}

/** Every file of a package, path -> bytes. */
function filesOf(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => readdirSync(d).forEach((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : out.set(relative(dir, join(d, n)), readFileSync(join(d, n)))));
  walk(dir);
  return out;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'custos-export-cli-'));
  data = join(root, 'data');
  archive = knownArchive('kx');
  importArchive(archive, data);
}, 120_000);
afterAll(async () => {
  await killStartedCli();
  rmSync(root, { recursive: true, force: true });
});

describe('custos jobs run export', () => {
  it('writes a package that custos, the LoC BagIt validator and openssl all accept, holding every message once', () => {
    const out = join(root, 'pkg');
    const r = runCli(['jobs', 'run', 'export', '--tenant', 'kx', '--out', out, '--json'], env());
    expect(r.status, r.stderr).toBe(0);
    const job = JSON.parse(r.stdout) as { id: string; state: string; result: { messages: number; merkle_root: string } };
    expect(job).toMatchObject({ state: 'done', result: { messages: archive.messages.length } });
    expect(r.stderr).toMatch(new RegExp(`export job ${job.id} done in [\\d.]+ s: ${archive.messages.length} messages in 3 conversations, \\d+ files, \\d+ bytes, Merkle root ${job.result.merkle_root}`));
    const lines = readFileSync(join(out, 'data', 'messages.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { conversation_id: string; message_id: string; versions: unknown[] });
    expect(lines.map((l) => `${l.conversation_id}/${l.message_id}`)).toEqual(exportOrder(archive.messages).map((m) => `${m.conversation_id}/${m.message_id}`));
    expect(lines.reduce((n, l) => n + l.versions.length, 0)).toBe(archive.messages.reduce((n, m) => n + m.texts.length, 0));

    const verify = runCli(['package', 'verify', out], env());
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stdout + verify.stderr).toContain(`Merkle root ${job.result.merkle_root}`);
    const python = ensureVenv('bagit', ['bagit==1.9.0']);
    const loc = spawnSync(python, ['-m', 'bagit', '--validate', out], { encoding: 'utf8' });
    expect(loc.status, loc.stderr).toBe(0);
    const pem = runCli(['keys', 'show', '--tenant', 'kx'], env());
    writeFileSync(join(root, 'pub.pem'), pem.stdout);
    const ssl = spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', join(root, 'pub.pem'), '-rawin', '-in', join(out, 'tagmanifest-sha256.txt'), '-sigfile', join(out, 'tagmanifest-sha256.txt.sig')], { encoding: 'utf8' });
    expect(ssl.stdout + ssl.stderr).toContain('Signature Verified Successfully');

    // Relativity's own validator, strict, on every RSMF file of the real package.
    assertValidatorAvailable();
    const rsmf = [...filesOf(join(out, 'data')).keys()].filter((f) => f.endsWith('.rsmf'));
    expect(rsmf.length).toBe(new Set(archive.messages.map((m) => `${m.conversation_id}/${new Date(m.timeMs).toISOString().slice(0, 10)}`)).size);
    for (const f of rsmf) expect(validateRsmf(join(out, 'data', f)), f).toMatchObject({ ok: true });

    const csv = join(out, 'data', 'messages.csv');
    const bytes = readFileSync(csv);
    bytes[bytes.length - 3] ^= 1;
    writeFileSync(csv, bytes);
    const bad = runCli(['package', 'verify', out], env());
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('data/messages.csv');
  });

  it('refuses bad options with one line naming the option', () => {
    const r = runCli(['jobs', 'run', 'export', '--tenant', 'kx', '--from', 'yesterday'], env());
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^custos: --from: must be an RFC 3339 date-time with an offset\n$/);
    const f = runCli(['jobs', 'run', 'export', '--tenant', 'kx', '--formats', 'pdf'], env());
    expect(f.stderr).toMatch(/^custos: --formats: /);
  });
});

describe('an export killed in the middle', () => {
  it('resumes and gives the same package, byte for byte, as an uninterrupted run of the same job', async () => {
    const big = knownArchive('kbig', 1500);
    importArchive(big, data);
    const submitted = runCli(['jobs', 'submit', 'export', '--tenant', 'kbig', '--json'], env());
    expect(submitted.status, submitted.stderr).toBe(0);
    const id = (JSON.parse(submitted.stdout) as { id: string }).id;
    // The reference: the same queued job, run to the end in a copy of the data directory
    // (the tenant's signing key made first, so both sign with the same one).
    expect(runCli(['keys', 'show', '--tenant', 'kbig'], env()).status).toBe(0);
    const copy = join(root, 'data-copy');
    cpSync(data, copy, { recursive: true });
    const reference = runCli(['jobs', 'resume', id, '--tenant', 'kbig', '--out', join(root, 'ref')], { CUSTOS_DATA_DIR: copy });
    expect(reference.status, reference.stderr).toBe(0);

    const run = startCli(['jobs', 'resume', id, '--tenant', 'kbig'], env());
    const partial = join(data, 'jobs', 'kbig', id, id, 'data');
    await waitFor('the export to be writing', async () => existsSync(partial) && readdirSync(partial).length > 0, 60_000, 20);
    run.child.kill('SIGKILL');
    expect((await run.exited).signal).toBe('SIGKILL');
    const shown = runCli(['jobs', 'show', id, '--tenant', 'kbig', '--json'], env());
    expect(JSON.parse(shown.stdout)).toMatchObject({ state: 'running', attempt: 1 });

    const resumed = runCli(['jobs', 'resume', id, '--tenant', 'kbig', '--out', join(root, 'resumed'), '--json'], env());
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ state: 'done', attempt: 2 });
    const a = filesOf(join(root, 'ref'));
    const b = filesOf(join(root, 'resumed'));
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, bytes] of a) expect(b.get(name)!.equals(bytes), name).toBe(true);
    expect(runCli(['package', 'verify', join(root, 'resumed')], env()).status).toBe(0);
  }, 300_000);
});

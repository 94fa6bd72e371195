/** The `custos` command as a user runs it: one-line failures, the data-dir lock, stats keys, demo. */
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { killStartedCli, runCli, startCli } from '../test/helpers/cli.js';
import { testDataDir } from '../test/helpers/store.js';
import { waitFor } from '../test/helpers/events.js';

const dirs: string[] = [];
const dir = (label: string) => {
  const d = testDataDir(label);
  dirs.push(d);
  return d;
};
afterAll(async () => {
  await killStartedCli();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe('custos CLI', () => {
  it('stops on bad configuration with one line naming the variable', () => {
    const r = runCli(['stats', '--tenant', 'acme'], { CUSTOS_DATA_DIR: dir('cfg'), PORT: 'eighty' });
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual(['custos: invalid configuration: PORT: must be a whole number']);
  });

  it('rejects a bad tenant id in one line', () => {
    const r = runCli(['stats', '--tenant', "x' OR 1=1"], { CUSTOS_DATA_DIR: dir('tenant') });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^custos: --tenant: .* is not a tenant id/);
  });

  it('fills the demo once and reports it with the keys DESIGN.md names', () => {
    const d = dir('demo');
    const first = runCli(['demo', '--days', '10', '--users', '40', '--messages-per-day', '50'], { CUSTOS_DATA_DIR: d });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^demo: tenant "demo": [\d,]+ events, [\d,]+ newly stored \(0 already there\)/);
    const again = runCli(['demo', '--days', '10', '--users', '40', '--messages-per-day', '50'], { CUSTOS_DATA_DIR: d });
    expect(again.stdout).toContain('already holds data; nothing added');
    const stats = runCli(['stats', '--tenant', 'demo'], { CUSTOS_DATA_DIR: d });
    expect(stats.status, stats.stderr).toBe(0);
    const s = JSON.parse(stats.stdout);
    for (const key of ['tenant', 'messages', 'message_versions', 'deleted_messages', 'reactions', 'calls', 'app_invocations', 'admin_events', 'users', 'conversations', 'first_event_time', 'last_event_time', 'sources']) {
      expect(s).toHaveProperty(key);
    }
    expect(s.users).toBe(40);
    expect(s.messages).toBeGreaterThan(100);
    expect(s.message_versions).toBeGreaterThan(s.messages);
    expect(s.first_event_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Object.values(s.sources as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(s.events);
  });

  it('refuses a second process on a data directory in use, naming the holder', async () => {
    const d = dir('lock');
    const serve = startCli(['serve'], { CUSTOS_DATA_DIR: d, PORT: '0' });
    try {
      await waitFor('serve to listen', async () => /listening on/.test(serve.stderr()), 30_000);
      const r = runCli(['stats', '--tenant', 'acme'], { CUSTOS_DATA_DIR: d });
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^custos: data directory .* is in use by process ${serve.child.pid} \\(custos serve, started `));
    } finally {
      serve.child.kill('SIGTERM');
      const exit = await serve.exited;
      expect(exit.code).toBe(0);
    }
  });
});

/**
 * With a ClickHouse server, the answer caches of analytics and search know the data
 * changed from a digest of the tables' active parts (common/store/parts-digest.ts),
 * not the process's write count, since other processes write too. No server runs
 * here, so the same statements run on the embedded engine's system tables, with the
 * write count hidden as a server's store has none: the digest must change when the
 * tables it covers get a row and stay when nothing was written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../test/helpers/store.js';
import type { Store } from '../common/store/store.js';
import { archiveVersion } from '../common/queries/totals-cache.js';
import { analyticsDataVersion } from './answer-cache.js';
import { writeAnalyticsSettings } from './settings.js';

let t: TestStore;
let server: Store;
beforeAll(async () => {
  t = await openTestStore('data-version-server');
  server = Object.assign(Object.create(t.store) as Store, { writeGeneration: () => undefined });
}, 120_000);
afterAll(async () => t?.close());

describe("a server's data version from its active parts", () => {
  it('changes when a covered table gets a row, and not otherwise', async () => {
    const [a1, s1] = [await analyticsDataVersion(server), await archiveVersion(server)];
    const [a2, s2] = [await analyticsDataVersion(server), await archiveVersion(server)];
    expect([a2.full, a2.exact, s2]).toEqual([a1.full, a1.exact, s1]);
    expect(s1).toMatch(/^\d+:\d+:\d+$/);

    await writeAnalyticsSettings(t.store, 'acme', { time_zone: 'Europe/Paris' });
    const [a3, s3] = [await analyticsDataVersion(server), await archiveVersion(server)];
    // The settings and the zone's offsets are read by analytics answers, exactly (a change of zone must show at once).
    expect(a3.full).not.toBe(a1.full);
    expect(a3.exact).not.toBe(a1.exact);
    expect(s3).not.toBe(s1);
  });
});

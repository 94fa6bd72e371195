/**
 * Local midnights are computed in two places: in the store from the tenant's offsets
 * (analytics_local_time: topic periods, engagement day ends) and in JavaScript from
 * the IANA zone (search date modifiers, the compliance officer's link from a topic).
 * Both must give the first instant of each local date, which this test finds on its
 * own with Intl, for every day of three years in zones whose midnight is skipped,
 * repeated, or moved by half an hour.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/helpers/store.js';
import { AWKWARD_ZONES, datesBetween, localDayStart } from '../../test/helpers/local-day-start.js';
import { localMidnight } from '../../common/queries/search-query/dates.js';
import { writeAnalyticsSettings } from '../settings.js';
import { dayStarts } from './topic-sql.js';

const DATES = datesBetween('2025-01-01', '2027-12-31');
const tenantOf = (zone: string) => zone.replace(/[^A-Za-z]/g, '-').toLowerCase();

let t: TestStore;
beforeAll(async () => {
  t = await openTestStore('local-midnights');
  for (const zone of AWKWARD_ZONES) await writeAnalyticsSettings(t.store, tenantOf(zone), { time_zone: zone });
}, 120_000);
afterAll(async () => t?.close());

describe('local midnights in the store and in JavaScript', () => {
  it.each(AWKWARD_ZONES)('%s: every day of 2025-2027 starts at the same instant in both, the first of its local date', async (zone) => {
    const rows = await t.store.query<{ day: string; day_start: string }>('test: day starts',
      `SELECT toString(day) AS day, toString(day_start) AS day_start FROM (${dayStarts('SELECT arrayJoin({days:Array(Date)}) AS day')})`,
      { tenant: tenantOf(zone), days: DATES });
    const inStore = new Map(rows.map((r) => [r.day, Date.parse(`${r.day_start.replace(' ', 'T')}Z`)]));
    const wrong: string[] = [];
    for (const date of DATES) {
      const truth = localDayStart(zone, date);
      const [y, m, d] = date.split('-').map(Number) as [number, number, number];
      if (inStore.get(date) !== truth) wrong.push(`store ${date}: ${new Date(inStore.get(date)!).toISOString()} instead of ${new Date(truth).toISOString()}`);
      if (localMidnight(zone, y, m - 1, d) !== truth) wrong.push(`js ${date}`);
    }
    expect(wrong).toEqual([]);
  });
});

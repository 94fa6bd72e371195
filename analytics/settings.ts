/**
 * The tenant's analytics settings: time zone, working hours and weekend. They are
 * read by the views as rows arrive (through analytics_local_time) and by every
 * figure that turns local days into UTC instants. A change applies to rows that
 * arrive after it; `metrics-backfill` recomputes what came before.
 */
import { z } from 'zod';
import type { Store } from '../common/store/store.js';
import { isTimeZone, zoneOffsets, type OffsetSpan } from './zone-offsets.js';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM (24 h)');

export const analyticsSettingsSchema = z.strictObject({
  time_zone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris').default('UTC'),
  work_start: hhmm.default('09:00'),
  work_end: hhmm.default('18:00'),
  /** ISO weekdays off: 1 Monday .. 7 Sunday. */
  weekend: z.array(z.number().int().min(1).max(7)).max(7).default([6, 7]),
}).refine((s) => minutes(s.work_start) < minutes(s.work_end), { message: 'work_start must be before work_end', path: ['work_end'] });

export type AnalyticsSettings = z.output<typeof analyticsSettingsSchema>;

/** What a tenant without settings gets; the views use the same defaults (migrations/0009). */
export const DEFAULT_SETTINGS: AnalyticsSettings = { time_zone: 'UTC', work_start: '09:00', work_end: '18:00', weekend: [6, 7] };

export function minutes(hhmmText: string): number {
  const [h, m] = hhmmText.split(':').map(Number);
  return h! * 60 + m!;
}

interface SettingsRow {
  time_zone: string;
  work_start_min: number;
  work_end_min: number;
  weekend: number[];
}

const pad = (n: number) => String(n).padStart(2, '0');
const hhmmOf = (min: number) => `${pad(Math.floor(min / 60))}:${pad(min % 60)}`;

export async function readAnalyticsSettings(store: Store, tenant: string): Promise<AnalyticsSettings> {
  const rows = await store.query<SettingsRow>('analytics: read settings',
    'SELECT time_zone, work_start_min, work_end_min, weekend FROM analytics_settings FINAL WHERE tenant = {tenant:String}', { tenant });
  const r = rows[0];
  if (!r) return DEFAULT_SETTINGS;
  return { time_zone: r.time_zone, work_start: hhmmOf(Number(r.work_start_min)), work_end: hhmmOf(Number(r.work_end_min)), weekend: r.weekend.map(Number) };
}

const storeTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

export function localTimeRows(tenant: string, s: AnalyticsSettings, spans: OffsetSpan[] = zoneOffsets(s.time_zone)) {
  const mask = s.weekend.reduce((m, d) => m | (1 << d), 0);
  // The first span reaches back to the earliest time a DateTime64 holds, so no event falls before it.
  return spans.map((span, i) => ({
    tenant,
    from_time: i === 0 ? '1900-01-01 00:00:00.000' : storeTime(span.fromMs),
    offset_s: span.offsetS,
    work_start_min: minutes(s.work_start),
    work_end_min: minutes(s.work_end),
    weekend_mask: mask,
  }));
}

/** Stores the settings and the zone's offsets the views read; the old offsets go first, synchronously. */
export async function writeAnalyticsSettings(store: Store, tenant: string, input: unknown): Promise<AnalyticsSettings> {
  const s = analyticsSettingsSchema.parse(input);
  const rows = localTimeRows(tenant, s);
  await store.command('analytics: clear local time', 'ALTER TABLE analytics_local_time DELETE WHERE tenant = {tenant:String}', { tenant }, { mutations_sync: '2' });
  await store.insert('analytics: local time', 'analytics_local_time', rows);
  await store.insert('analytics: settings', 'analytics_settings', [{
    tenant, time_zone: s.time_zone, work_start_min: minutes(s.work_start), work_end_min: minutes(s.work_end), weekend: s.weekend, updated_at: storeTime(Date.now()),
  }]);
  return s;
}

/**
 * The UTC instant each local date starts at in the tenant's zone (analytics_local_time;
 * UTC for a tenant without settings): the first instant whose local date it is.
 *
 * Each span of one offset reaches local times [from + offset, next from + offset). The
 * date starts in the first span whose local times go past its midnight: at midnight
 * less that span's offset, or, where the zone skips midnight (Santiago and Havana
 * spring forward at 00:00), at the span's first instant. Choosing the span by where
 * its local times begin instead would take the second of two midnights where a zone
 * repeats one (Havana falls back from 01:00 to 00:00), an hour late.
 * `days` is a SELECT of one Date column `day`; the answer has `day` and `day_start`.
 */
export function dayStarts(days: string): string {
  return `
  SELECT d.day AS day, greatest(toDateTime64(d.day, 3, 'UTC') - toIntervalSecond(z.offset_s), toDateTime64(z.from_time, 3, 'UTC')) AS day_start
  FROM (SELECT {tenant:String} AS zone_tenant, day, toDateTime64(day, 3, 'UTC') AS midnight FROM (${days})) AS d
  ASOF LEFT JOIN (
    SELECT tenant, from_time, offset_s,
      leadInFrame(from_time, 1, toDateTime64('2200-01-01 00:00:00', 3, 'UTC')) OVER (ORDER BY from_time ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) + toIntervalSecond(offset_s) AS local_end
    FROM analytics_local_time WHERE tenant = {tenant:String}) AS z
  ON z.tenant = d.zone_tenant AND d.midnight < z.local_end`;
}

/**
 * IANA time zones through the runtime's Intl data, for the parts that work in a
 * tenant's or a user's zone (search dates, analytics days).
 */

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads the offset of `zone` (local wall time minus UTC, in ms, whole seconds) at any
 * UTC instant; the formatter is built once per reader, since building it costs more
 * than formatting.
 */
export function zoneOffsetReader(zone: string): (t: number) => number {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  return (t: number) => {
    const p: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(t))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
    return wall - Math.floor(t / 1000) * 1000;
  };
}

/** Slack time stamps: `ts` strings such as "1433558319.000002" (seconds.micro) and epoch-second numbers. */

/** Epoch milliseconds of a Slack `ts`, without float rounding; NaN when it is not one. */
export function slackTsToMs(ts: unknown): number {
  if (typeof ts === 'number') return Number.isFinite(ts) ? Math.floor(ts * 1000) : NaN;
  if (typeof ts !== 'string') return NaN;
  const m = /^(\d{1,12})(?:\.(\d{1,9}))?$/.exec(ts);
  if (!m) return NaN;
  return Number(m[1]) * 1000 + Number(((m[2] ?? '') + '000').slice(0, 3));
}

/** `<@U061A1R2R>` and `<@U061A1R2R|name>` mention tokens: the distinct user ids, in order. */
export function slackMentions(text: string): string[] {
  const ids = new Set<string>();
  for (const m of text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)) ids.add(m[1]!);
  return [...ids];
}

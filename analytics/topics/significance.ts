/**
 * Is a term rising? A one-sided two-proportion z-test (pooled) of the share of a
 * cell's messages that use the term in a period against the same share over the
 * previous periods: a term going from 1 to 3 messages in a busy week is not a
 * trend, one going from 1 in 2,000 to 40 in 500 is. A raw ratio would call both.
 */

/** Standard normal upper tail, P(Z >= z) (Abramowitz and Stegun 7.1.26 through erfc; error under 1.5e-7). */
export function normalUpperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

export interface RiseTest { rate: number; baselineRate: number; z: number; pValue: number }

/** x1 of n1 messages in the period, x0 of n0 in the baseline. Undefined when either side has no messages. */
export function riseTest(x1: number, n1: number, x0: number, n0: number): RiseTest | undefined {
  if (n1 <= 0 || n0 <= 0) return undefined;
  const p1 = x1 / n1;
  const p0 = x0 / n0;
  const pooled = (x1 + x0) / (n1 + n0);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  const z = se === 0 ? 0 : (p1 - p0) / se;
  return { rate: p1, baselineRate: p0, z, pValue: normalUpperTail(z) };
}

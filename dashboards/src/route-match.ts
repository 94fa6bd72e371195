/**
 * Path patterns of the UI's pages ("/ui/:tenant/messages/:conversationId/:messageId")
 * matched against a location path. Segments are percent-decoded; a pattern
 * segment `:name` takes one whole, non-empty segment. Pure, so it is unit-tested.
 */
export type Params = Record<string, string>;

/** A percent-decoded path segment, or undefined when it is not valid percent-encoding (`%E0%A4%A`). */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export function matchPath(pattern: string, path: string): Params | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return undefined;
  const params: Params = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const h = decodeSegment(have[i]!);
    if (h === undefined) return undefined;
    if (w.startsWith(':')) params[w.slice(1)] = h;
    else if (w !== h) return undefined;
  }
  return params;
}

/** A pattern filled with params, each percent-encoded: the inverse of matchPath. */
export function buildPath(pattern: string, params: Params): string {
  return pattern.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`buildPath ${pattern}: no value for :${name}`);
    return encodeURIComponent(v);
  });
}

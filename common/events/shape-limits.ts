/**
 * Depth and breadth limits for the parts of an event that are kept verbatim
 * (unknown data fields and CloudEvents extensions). JSON.parse builds any depth,
 * but JSON.stringify, structured clone and most tooling recurse, so a record of
 * 80 KB nested 40,000 levels deep would throw far from here and stop ingest. The
 * walk below is iterative: no input can make it recurse.
 */

/** Deepest nesting kept, counted from the record itself (its `data` is level 1). */
export const MAX_EVENT_DEPTH = 64;
/** Most members of any one object or array kept. */
export const MAX_EVENT_MEMBERS = 10_000;

export type ShapeViolation = { reason: 'too_deep' | 'too_wide'; detail: string };

interface Pending {
  value: unknown;
  depth: number;
  /** Kept as a chain, so a path string is built only for the node that breaks a limit. */
  parent: Pending | undefined;
  step: string;
}

function pathOf(node: Pending): string {
  const steps: string[] = [];
  for (let n: Pending | undefined = node; n; n = n.parent) steps.push(n.step);
  const path = steps.reverse().join('');
  return path.length > 120 ? `${path.slice(0, 120)}...` : path;
}

/** The first place where `value` (found at `path`, `depth` levels down) breaks a limit. */
export function checkShape(value: unknown, path: string, depth: number): ShapeViolation | undefined {
  const stack: Pending[] = [{ value, depth, parent: undefined, step: path }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.value;
    if (v === null || typeof v !== 'object') continue;
    if (node.depth > MAX_EVENT_DEPTH) {
      return { reason: 'too_deep', detail: `${pathOf(node)}: nested deeper than ${MAX_EVENT_DEPTH} levels` };
    }
    const keys = Array.isArray(v) ? undefined : Object.keys(v);
    const size = keys ? keys.length : (v as unknown[]).length;
    if (size > MAX_EVENT_MEMBERS) {
      return { reason: 'too_wide', detail: `${pathOf(node)}: has ${size} members, more than ${MAX_EVENT_MEMBERS}` };
    }
    const d = node.depth + 1;
    if (keys) for (const k of keys) stack.push({ value: (v as Record<string, unknown>)[k], depth: d, parent: node, step: `.${k.slice(0, 40)}` });
    else (v as unknown[]).forEach((item, i) => stack.push({ value: item, depth: d, parent: node, step: `[${i}]` }));
  }
  return undefined;
}

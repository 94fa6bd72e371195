/**
 * The privacy floor (DESIGN.md "Analytics for managers"), the one module every
 * aggregate shown to a manager goes through (engagement series, summary, reports,
 * and later topics). A figure is shown only when it covers at least k distinct
 * people. Rules, per period:
 *  1. a cell of fewer than k people is hidden (`fewer_than_k_people`);
 *  2. a group that may not be named (a conversation of fewer than k members) is
 *     neither shown nor named: it is counted in `unnamed_groups`;
 *  3. difference attack: the total of the period (which the summary or an ungrouped
 *     series shows) minus the shown groups is what the hidden groups hold. While the
 *     hidden cells cover some but fewer than k distinct people, the smallest shown
 *     group is hidden too (`difference_with_shown_groups`). The hidden cells' people
 *     are known exactly (as hashes, never leaving the server) because each covers
 *     fewer than k of them; a hidden cell of k or more covers enough on its own.
 * Every hidden cell is listed with its reason.
 */

export const MIN_K = 5;
/**
 * The most k may be. The queries collect the hashed people of a cell only up to this
 * many (a fixed clause, `groupUniqArrayIf(1000)`), which is every one of them in any
 * cell under k.
 */
export const MAX_K = 1000;
/** SQL: up to MAX_K hashed people of the rows where `cond` holds (what `few` is built from). */
export const fewPeopleSql = (cond: string) => `arrayMap(h -> toString(h), groupUniqArrayIf(1000)(sipHash64(user_id), ${cond}))`;

export type SuppressionReason = 'fewer_than_k_people' | 'difference_with_shown_groups' | 'conversation_under_k_members';

export interface Cell {
  period: string;
  group: string;
  value: number | null;
  /** Distinct people the figure covers. */
  people: number;
  /** Hashes of those people when fewer than k (for rule 3); empty otherwise. */
  few: readonly string[];
}

export interface Suppressed {
  period: string;
  /** null for a group that may not be named. */
  group: string | null;
  reason: SuppressionReason;
  /** How many unnamed groups this entry stands for. */
  count?: number;
}

export interface FloorResult {
  shown: Cell[];
  suppressed: Suppressed[];
}

export class PrivacyFloorError extends Error {}

export function checkK(k: number): void {
  if (!Number.isInteger(k) || k < MIN_K || k > MAX_K) throw new PrivacyFloorError(`k must be a whole number of at least ${MIN_K} (and at most ${MAX_K}), got ${k}`);
}

/**
 * Applies the floor to the cells of one answer. `unnamed` says which groups may not
 * be named; `grouped` is false for an ungrouped answer (one cell per period).
 */
export function applyPrivacyFloor(cells: readonly Cell[], k: number, o: { unnamed?: (group: string) => boolean } = {}): FloorResult {
  checkK(k);
  const shown: Cell[] = [];
  const suppressed: Suppressed[] = [];
  const byPeriod = new Map<string, Cell[]>();
  for (const c of cells) {
    const list = byPeriod.get(c.period) ?? [];
    list.push(c);
    byPeriod.set(c.period, list);
  }
  for (const [period, list] of byPeriod) {
    const hiddenPeople = new Set<string>();
    let saturated = false;
    const hide = (c: Cell) => {
      if (c.people >= k || c.few.length !== c.people) saturated = true;
      for (const h of c.few) hiddenPeople.add(h);
    };
    const visible: Cell[] = [];
    let unnamed = 0;
    for (const c of list) {
      if (o.unnamed?.(c.group)) {
        unnamed += 1;
        hide(c);
      } else if (c.people < k) {
        suppressed.push({ period, group: c.group, reason: 'fewer_than_k_people' });
        hide(c);
      } else visible.push(c);
    }
    if (unnamed > 0) suppressed.push({ period, group: null, reason: 'conversation_under_k_members', count: unnamed });
    // Smallest first; ties by name so the same data always hides the same group.
    visible.sort((a, b) => a.people - b.people || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
    while (!saturated && hiddenPeople.size > 0 && hiddenPeople.size < k && visible.length > 0) {
      const c = visible.shift()!;
      suppressed.push({ period, group: c.group, reason: 'difference_with_shown_groups' });
      hide(c);
    }
    shown.push(...visible);
  }
  return { shown, suppressed };
}

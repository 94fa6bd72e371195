/** The exclusions form to the API's body: pure, so it is unit-tested. */
export const EXCLUSION_REASONS = ['objection', 'policy'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface ExclusionChange {
  conversationId: string;
  body: { excluded: boolean; reason: ExclusionReason; note?: string };
}

/**
 * `lift` is the "analyse it again" button. The reason is sent as chosen: a value the
 * select does not offer (a hand-edited page) is the API's to refuse, naming the field.
 */
export function exclusionChange(form: Record<string, string>, lift: boolean): ExclusionChange {
  const note = (form.note ?? '').trim();
  return { conversationId: (form.conversation ?? '').trim(), body: { excluded: !lift, reason: (form.reason ?? '') as ExclusionReason, ...(note ? { note } : {}) } };
}

import { describe, expect, it } from 'vitest';
import { exclusionChange } from './topic-exclusions-form.js';

describe('topic exclusions form', () => {
  it('excludes with the reason and a trimmed note, or lifts with the other button', () => {
    expect(exclusionChange({ conversation: ' C-works ', reason: 'objection', note: ' letter 114 ' }, false)).toEqual({ conversationId: 'C-works', body: { excluded: true, reason: 'objection', note: 'letter 114' } });
    expect(exclusionChange({ conversation: 'C-works', reason: 'policy', note: '' }, true)).toEqual({ conversationId: 'C-works', body: { excluded: false, reason: 'policy' } });
  });
});

import { describe, expect, it } from 'vitest';
import { holdRequest } from './hold-request.js';

describe('hold form to request', () => {
  it('splits ids, makes the end day inclusive and trims', () => {
    const f = new URLSearchParams({ case_name: ' Case 7 ', reason: 'litigation', custodians: 'U1, U2  U3', conversations: 'C1', from: '2026-10-01', to: '2026-10-31', q: ' budget ' });
    expect(holdRequest(f)).toEqual({ case_name: 'Case 7', reason: 'litigation', custodians: ['U1', 'U2', 'U3'], conversations: ['C1'], from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z', q: 'budget' });
  });

  it('leaves empty and invalid fields out, so the server names what is missing', () => {
    expect(holdRequest(new URLSearchParams({ case_name: '', custodians: ' ', from: '2026-02-31' }))).toEqual({ case_name: '', reason: '' });
  });
});

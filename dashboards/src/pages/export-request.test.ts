import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, exportRequest, idList } from './export-request.js';

describe('export request', () => {
  it('splits id lists at commas and spaces', () => {
    expect(idList('U1, U2  U3,')).toEqual(['U1', 'U2', 'U3']);
    expect(idList(null)).toEqual([]);
  });

  it('defaults to every format, deleted messages and edits in, no filter', () => {
    expect(exportRequest(new URLSearchParams())).toEqual({ include_deleted: true, include_edits: true, formats: [...EXPORT_FORMATS] });
  });

  it('maps the form: words, people, conversations, whole UTC days, formats; drops unknown values', () => {
    const f = new URLSearchParams({ q: ' budget ', custodians: 'U1 U2', conversations: 'C1', conversation_types: 'dm,bogus', from: '2026-10-01', to: '2026-10-31', include_deleted: 'false', include_edits: 'false', formats: 'jsonl,eml,exe' });
    expect(exportRequest(f)).toEqual({
      q: 'budget', custodians: ['U1', 'U2'], conversations: ['C1'], conversation_types: ['dm'],
      from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z', include_deleted: false, include_edits: false, formats: ['jsonl', 'eml'],
    });
  });
});

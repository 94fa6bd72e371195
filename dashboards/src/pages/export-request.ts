/**
 * The export form's fields (as the URL keeps them, so they survive a step-up sign-in)
 * to the body of POST .../exports (docs/exports.md). The API documents that body only
 * as an object, so its shape is stated here; the server validates it and names the field.
 */
import { dayToInstant } from '../format/times.js';

export const EXPORT_FORMATS = ['jsonl', 'csv', 'eml', 'rsmf', 'parquet'] as const;
export const CONVERSATION_TYPES = ['channel', 'private', 'dm', 'group_dm'] as const;

export type ExportRequest = {
  q?: string;
  custodians?: string[];
  conversations?: string[];
  conversation_types?: string[];
  from?: string;
  to?: string;
  include_deleted: boolean;
  include_edits: boolean;
  formats: string[];
};

/** "U1, U2  U3" -> ["U1", "U2", "U3"]: ids are separated by commas or white space. */
export function idList(text: string | null): string[] {
  return (text ?? '').split(/[\s,]+/).filter((s) => s.length > 0);
}

export function exportRequest(f: URLSearchParams): ExportRequest {
  const from = dayToInstant(f.get('from') ?? '');
  const to = dayToInstant(f.get('to') ?? '', true);
  const custodians = idList(f.get('custodians'));
  const conversations = idList(f.get('conversations'));
  const types = idList(f.get('conversation_types')).filter((t) => (CONVERSATION_TYPES as readonly string[]).includes(t));
  const formats = idList(f.get('formats')).filter((t) => (EXPORT_FORMATS as readonly string[]).includes(t));
  const q = (f.get('q') ?? '').trim();
  return {
    ...(q ? { q } : {}),
    ...(custodians.length ? { custodians } : {}),
    ...(conversations.length ? { conversations } : {}),
    ...(types.length ? { conversation_types: types } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    include_deleted: f.get('include_deleted') !== 'false',
    include_edits: f.get('include_edits') !== 'false',
    formats: formats.length ? formats : [...EXPORT_FORMATS],
  };
}

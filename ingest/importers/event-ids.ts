/**
 * Deterministic event ids. The importers derive every id from the source's own
 * identifiers (Slack channel + ts, Teams message id, ...) or, where a source has
 * none (IRC lines, Mattermost posts), from the record's content. The same record
 * therefore always gets the same id, and the event writer's exactly-once check
 * stores a re-import or an overlapping export only once.
 */
import { createHash } from 'node:crypto';
import type { ImportFormat, RawEvent } from './types.js';

/** `<format>-<32 hex>`: sha256 over the source and the natural key parts. */
export function deriveEventId(format: ImportFormat, source: string, key: readonly (string | number)[]): string {
  const h = createHash('sha256');
  // Length-prefixed parts: ['a', 'b'] and ['a\u0000b'] must not collide.
  for (const part of [source, ...key.map(String)]) h.update(`${part.length}:${part};`);
  return `${format}-${h.digest('hex').slice(0, 32)}`;
}

/** A short content hash used as a message id where the source has no id of its own. */
export function contentId(parts: readonly (string | number)[]): string {
  const h = createHash('sha256');
  for (const part of parts.map(String)) h.update(`${part.length}:${part};`);
  return h.digest('hex').slice(0, 24);
}

/** Builds draft events for one format, tenant and source. */
export class EventFactory {
  constructor(
    readonly format: ImportFormat,
    readonly tenant: string,
    public source: string,
  ) {}

  /** `key` must identify the record and the event (e.g. [conversation, ts, 'reaction', emoji, user]). */
  make(type: string, timeMs: number, key: readonly (string | number)[], data: Record<string, unknown>): RawEvent {
    return {
      specversion: '1.0',
      id: deriveEventId(this.format, this.source, [type, ...key]),
      source: this.source,
      type,
      time: Number.isFinite(timeMs) ? new Date(timeMs).toISOString() : 'invalid',
      tenant: this.tenant,
      data,
    };
  }
}

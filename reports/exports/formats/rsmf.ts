/**
 * RSMF (Relativity Short Message Format) 2.0: one `.rsmf` per conversation and UTC
 * day, at `rsmf/<conversation, path-safe>/<YYYY-MM-DD>.rsmf`. The file is an RFC 5322
 * message whose only attachment is `rsmf.zip` (base64, Content-Disposition
 * attachment, filename rsmf.zip, as Relativity requires), next to a text/plain body
 * with the transcript (what Relativity indexes as extracted text). The X-RSMF-*
 * fields roll the manifest up. See docs/exports.md "RSMF".
 */
import type { ConversationDay, ExportContext } from '../export-record.js';
import { createDayFileWriter } from './day-file-writer.js';
import type { FormatWriterFactory } from './format-writer.js';
import { dayHeaders, messageIdFor } from './mail-headers.js';
import { attachmentPart, boundaryFor, multipartBody, textPart } from './mime-body.js';
import { asciiField, utf8Field, utf8ListField } from './mime-header.js';
import { buildManifest, eventCollectionId, platformOf, type RsmfManifest } from './rsmf-manifest.js';
import { zipManifest } from './rsmf-zip.js';
import { renderTextTranscript } from './transcript-text.js';

export function rsmfHeaders(manifest: RsmfManifest, group: ConversationDay, ctx: ExportContext): string {
  const times = manifest.events.map((e) => e.timestamp).sort();
  let out = asciiField('X-RSMF-Version', manifest.version);
  out += utf8Field('X-RSMF-Generator', ctx.generator);
  if (times.length > 0) {
    out += asciiField('X-RSMF-BeginDate', times[0]!);
    out += asciiField('X-RSMF-EndDate', times[times.length - 1]!);
  }
  out += asciiField('X-RSMF-EventCount', String(manifest.events.length));
  out += utf8Field('X-RSMF-Application', platformOf(group));
  const names = manifest.participants.map((p) => p.display);
  // The validator splits the list at commas: a name holding one cannot be listed, so then the field is left out.
  if (names.every((n) => !n.includes(','))) out += utf8ListField('X-RSMF-Participants', names);
  out += utf8Field('X-RSMF-EventCollectionID', eventCollectionId(group, ctx));
  return out;
}

export async function renderRsmf(group: ConversationDay, ctx: ExportContext): Promise<string[]> {
  const manifest = buildManifest(group, ctx);
  const json = Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
  const lastTime = manifest.events.map((e) => e.timestamp).sort().pop() ?? `${group.day}T00:00:00.000Z`;
  const zip = await zipManifest(json, lastTime);
  const boundary = boundaryFor(messageIdFor('rsmf', group, ctx));
  const headers =
    dayHeaders('rsmf', group, ctx) +
    rsmfHeaders(manifest, group, ctx) +
    asciiField('Content-Type', `multipart/mixed; boundary="${boundary}"`);
  const body = multipartBody(boundary, [textPart('plain', renderTextTranscript(group, ctx)), attachmentPart('rsmf.zip', 'application/zip', zip)]);
  return [headers, '\r\n', body];
}

export const createRsmfWriter: FormatWriterFactory = (dir, ctx) =>
  createDayFileWriter(dir, ctx, { format: 'rsmf', extension: 'rsmf', render: renderRsmf });

/**
 * EML: one RFC 5322 / MIME message per conversation and UTC day, at
 * `eml/<conversation, path-safe>/<YYYY-MM-DD>.eml`, a multipart/alternative with a
 * text/plain and a text/html transcript (UTF-8, base64). See docs/exports.md "EML".
 */
import type { ConversationDay, ExportContext } from '../export-record.js';
import { createDayFileWriter } from './day-file-writer.js';
import type { FormatWriterFactory } from './format-writer.js';
import { dayHeaders, messageIdFor } from './mail-headers.js';
import { boundaryFor, multipartBody, textPart } from './mime-body.js';
import { asciiField } from './mime-header.js';
import { renderHtmlTranscript } from './transcript-html.js';
import { renderTextTranscript } from './transcript-text.js';

export function renderEml(group: ConversationDay, ctx: ExportContext): string[] {
  const boundary = boundaryFor(messageIdFor('eml', group, ctx));
  const headers = dayHeaders('eml', group, ctx) + asciiField('Content-Type', `multipart/alternative; boundary="${boundary}"`);
  const body = multipartBody(boundary, [
    textPart('plain', renderTextTranscript(group, ctx)),
    textPart('html', renderHtmlTranscript(group, ctx)),
  ]);
  return [headers, '\r\n', body];
}

export const createEmlWriter: FormatWriterFactory = (dir, ctx) =>
  createDayFileWriter(dir, ctx, { format: 'eml', extension: 'eml', render: renderEml });

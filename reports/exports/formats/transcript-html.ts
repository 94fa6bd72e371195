/**
 * The HTML transcript of a conversation-day: the same content as the text one, with
 * thread replies nested under their root. Every value from the archive goes through
 * escapeHtml, in text and in attributes alike; the document has no scripts, no remote
 * resources and no links, so opening it in a review tool runs nothing.
 */
import type { ConversationDay, ExportContext, ExportMessage } from '../export-record.js';
import { attachmentLine, currentReactions, membershipLine } from './transcript-text.js';
import { arrangeTranscript, conversationTitle, DayPeople, type TranscriptItem } from './transcript.js';
import { readableUtc } from './utc-time.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const STYLE =
  'body{font-family:sans-serif}.message{margin:.8em 0;border-top:1px solid #ccc}' +
  '.text{white-space:pre-wrap}.replies{margin-left:2em}.meta{color:#555;font-size:90%}';

export function renderHtmlTranscript(group: ConversationDay, ctx: ExportContext): string {
  const people = new DayPeople(group, ctx.tenant);
  const title = `${conversationTitle(group)}, ${group.day}`;
  const body = arrangeTranscript(group)
    .map((item) => htmlItem(item, people))
    .join('\n');
  return [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>`,
    htmlPreamble(group, ctx),
    `<ul class="participants">${people.involved().map((id) => `<li>${escapeHtml(people.roster(id))}</li>`).join('')}</ul>`,
    body,
    '</body></html>',
    '',
  ].join('\n');
}

function htmlPreamble(group: ConversationDay, ctx: ExportContext): string {
  const c = group.conversation;
  return (
    `<h1>${escapeHtml(conversationTitle(group))}</h1>\n` +
    `<p class="meta">${escapeHtml(`${c.conversation_type}, id ${c.conversation_id}; day ${group.day}, all times UTC; ` +
      `tenant ${ctx.tenant}, package ${ctx.packageId}, as of ${readableUtc(ctx.asOf)}`)}</p>`
  );
}

function htmlItem(item: TranscriptItem, people: DayPeople): string {
  if (item.kind === 'membership') return `<p class="membership meta">${escapeHtml(membershipLine(item.change, people))}</p>`;
  const note = item.rootMissing
    ? meta(`Reply ${item.message.thread_position} in thread #${item.message.thread_id} (its root is not in this file)`)
    : '';
  const replies = item.replies.length === 0 ? '' : `\n<div class="replies">\n${item.replies.map((r) => htmlMessage(r, people, '')).join('\n')}\n</div>`;
  return htmlMessage(item.message, people, note + replies);
}

function meta(text: string): string {
  return `<div class="meta">${escapeHtml(text)}</div>`;
}

function htmlMessage(m: ExportMessage, people: DayPeople, inner: string): string {
  const parts = [
    `<div class="message" data-message-id="${escapeHtml(m.message_id)}">`,
    `<div class="meta"><b>${escapeHtml(people.label(m.author_id))}</b> ${escapeHtml(readableUtc(m.time))} #${escapeHtml(m.message_id)}</div>`,
    ...htmlVersions(m, people),
  ];
  if (m.deletion) parts.push(meta(`Deleted ${readableUtc(m.deletion.time)} by ${people.label(m.deletion.deleted_by)}`));
  for (const a of m.attachments) parts.push(meta(attachmentLine(a)));
  if (m.mentions.length > 0) parts.push(meta(`Mentions: ${m.mentions.map((id) => people.label(id)).join(', ')}`));
  for (const [emoji, users] of currentReactions(m)) parts.push(meta(`Reaction ${emoji} now: ${users.map((u) => people.label(u)).join(', ')}`));
  for (const r of m.reactions.history) parts.push(meta(`Reaction ${r.emoji} ${r.action} by ${people.label(r.user_id)} at ${readableUtc(r.time)}`));
  if (m.context) parts.push(meta('Context: shown around a hit, not itself a hit'));
  if (inner !== '') parts.push(inner);
  parts.push('</div>');
  return parts.join('\n');
}

function htmlVersions(m: ExportMessage, people: DayPeople): string[] {
  if (m.versions.length <= 1) return m.versions.map((v) => `<div class="text">${escapeHtml(v.text)}</div>`);
  return m.versions.flatMap((v) => [
    meta(`Version ${v.index}${v.current ? ', current' : ''}: ${v.kind} ${readableUtc(v.time)} by ${people.label(v.by)}`),
    `<div class="text${v.current ? '' : ' earlier'}">${escapeHtml(v.text)}</div>`,
  ]);
}

/**
 * Teams message bodies are HTML. The archive stores text: line breaks for <br>
 * and block ends, `@Name` for <at> mentions, the alt text of <emoji> and images,
 * no other tags, and HTML entities decoded (html-entities) last, so `&lt;b&gt;`
 * stays the literal text "<b>".
 */
import { decode } from 'html-entities';

export function htmlToText(html: string): string {
  const text = html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<at\b[^>]*>([\s\S]*?)<\/at\s*>/gi, (_m, name: string) => '@' + name.replace(/<[^>]*>/g, ''))
    .replace(/<(?:emoji|img)\b[^>]*?\balt="([^"]*)"[^>]*>/gi, '$1')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(?:p|div|li|tr|h[1-6]|blockquote|pre)\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '');
  return decode(text)
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

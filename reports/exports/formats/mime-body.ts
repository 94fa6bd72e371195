/** MIME body parts (RFC 2045/2046) for the mail formats: base64 content, CRLF, lines of 76. */
import { createHash } from 'node:crypto';
import { asciiField } from './mime-header.js';

const CRLF = '\r\n';

/** Text in its canonical form (RFC 2046 4.1.1): every line break is CRLF. */
export function canonicalText(text: string): string {
  return text.replace(/\r\n|\r|\n/g, CRLF);
}

export function base64Lines(data: Buffer): string {
  const b64 = data.toString('base64');
  let out = '';
  for (let i = 0; i < b64.length; i += 76) out += b64.slice(i, i + 76) + CRLF;
  return out;
}

/**
 * A boundary derived from the message's identity, so output is reproducible. `=_`
 * cannot occur in base64 content, so no part can contain it (RFC 2046 5.1.1).
 */
export function boundaryFor(seed: string): string {
  return `=_custos_${createHash('sha256').update(seed, 'utf8').digest('hex').slice(0, 32)}`;
}

export function textPart(subtype: 'plain' | 'html', text: string): string {
  return (
    asciiField('Content-Type', `text/${subtype}; charset=utf-8`) +
    asciiField('Content-Transfer-Encoding', 'base64') +
    CRLF +
    base64Lines(Buffer.from(canonicalText(text), 'utf8'))
  );
}

export function attachmentPart(filename: string, contentType: string, data: Buffer): string {
  return (
    asciiField('Content-Type', `${contentType}; name="${filename}"`) +
    asciiField('Content-Disposition', `attachment; filename="${filename}"`) +
    asciiField('Content-Transfer-Encoding', 'base64') +
    CRLF +
    base64Lines(data)
  );
}

/** The body of a multipart entity: each part after a delimiter, then the close delimiter. */
export function multipartBody(boundary: string, parts: string[]): string {
  return parts.map((part) => `--${boundary}${CRLF}${part}`).join(CRLF) + `${CRLF}--${boundary}--${CRLF}`;
}

/**
 * Streams the elements of a top-level JSON array (`[ {...}, {...} ]`) one at a
 * time, so a users.json of a large workspace or a long day file never has to be
 * held whole. Each element is cut out by a small scanner (strings, escapes,
 * nesting) and parsed alone: a broken element is yielded as an error at its
 * index and the rest of the file is still read.
 */
import type { Readable } from 'node:stream';
import { CustosError } from '../../common/errors.js';

export class NotAJsonArrayError extends CustosError {}

export type ArrayElement = { index: number; value: unknown } | { index: number; error: string };

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff;

/**
 * A file up to this size is parsed whole by JSON.parse when it is valid, a few times
 * faster than cutting it up here (Slack day files are mostly far smaller); a larger
 * one, or one that does not parse, is scanned element by element.
 */
const WHOLE_BYTES = 4 * 1024 * 1024;

export async function* jsonArrayElements(stream: Readable, wholeBytes = WHOLE_BYTES): AsyncGenerator<ArrayElement> {
  stream.setEncoding('utf8');
  const chunks = (stream as AsyncIterable<string>)[Symbol.asyncIterator]();
  const head: string[] = [];
  let size = 0;
  let ended = false;
  while (size <= wholeBytes) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    size += next.value.length;
  }
  if (ended) {
    const whole = wholeArray(head.join(''));
    if (whole) {
      for (let index = 0; index < whole.length; index++) yield { index, value: whole[index] };
      return;
    }
  }
  yield* scanElements(head, ended ? undefined : chunks);
}

function wholeArray(text: string): unknown[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : undefined;
  } catch {
    // Not valid as a whole: the scanner finds which elements are broken and reads the others.
    return undefined;
  }
}

async function* scanElements(head: string[], rest: AsyncIterator<string> | undefined): AsyncGenerator<ArrayElement> {
  let state: 'start' | 'inside' | 'done' = 'start';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let pending = ''; // text of the element in progress from earlier chunks
  let started = false;
  let index = 0;
  const finish = (text: string): ArrayElement => {
    const at = index++;
    try {
      return { index: at, value: JSON.parse(text) as unknown };
    } catch (err) {
      return { index: at, error: `not valid JSON: ${(err as Error).message.slice(0, 200)}` };
    }
  };
  for await (const chunk of concat(head, rest)) {
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (state !== 'inside') {
        if (isSpace(c)) continue;
        if (state === 'start' && c === 91 /* [ */) {
          state = 'inside';
          continue;
        }
        throw new NotAJsonArrayError(state === 'start' ? 'is not a JSON array' : 'has text after the closing ]');
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92 /* \ */) escaped = true;
        else if (c === 34 /* " */) inString = false;
        continue;
      }
      if (depth === 0 && (c === 44 /* , */ || c === 93 /* ] */)) {
        if (started) {
          yield finish(pending + chunk.slice(from, i));
          pending = '';
          started = false;
        }
        if (c === 93) state = 'done';
        continue;
      }
      if (!started) {
        if (isSpace(c)) continue;
        started = true;
        from = i;
      }
      if (c === 34) inString = true;
      else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) depth--;
    }
    if (started) {
      pending += chunk.slice(from);
      from = 0;
    }
  }
  if (state !== 'done') throw new NotAJsonArrayError(state === 'start' ? 'is empty, not a JSON array' : 'ends before the closing ]');
}

async function* concat(head: string[], rest: AsyncIterator<string> | undefined): AsyncGenerator<string> {
  yield* head;
  if (!rest) return;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

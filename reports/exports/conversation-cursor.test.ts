/** Taking ranges of conversations from one sorted read: in order, skipping, restarting, ending. */
import { describe, expect, it } from 'vitest';
import { ConversationCursor, compareUtf8 } from './conversation-cursor.js';

type Row = { conversation_id: string; n: number };
const rows: Row[] = ['a', 'a', 'b', 'c', 'c', 'c', 'd', '\u{1F600}', '\uFFFD'].map((c, n) => ({ conversation_id: c, n }));

/** A read of `rows` from `first` on, in blocks of `size`, that records where each read started. */
function source(size: number, opened: string[]) {
  const sorted = [...rows].sort((x, y) => compareUtf8(x.conversation_id, y.conversation_id) || x.n - y.n);
  return async function* (first: string): AsyncGenerator<Row[]> {
    opened.push(first);
    const from = sorted.filter((r) => compareUtf8(r.conversation_id, first) >= 0);
    for (let i = 0; i < from.length; i += size) yield from.slice(i, i + size);
  };
}

async function take(c: ConversationCursor<Row>, ids: string[]): Promise<number[]> {
  const sorted = [...ids].sort(compareUtf8);
  const out: number[] = [];
  for await (const b of c.take(new Set(ids), sorted[0]!, sorted.at(-1)!)) out.push(...b.map((r) => r.n));
  return out;
}

describe('conversation cursor', () => {
  it('orders ids by UTF-8 bytes, as the engine does', () => {
    expect(['\u{1F600}', '\uFFFD', 'a'].sort(compareUtf8)).toEqual(['a', '\uFFFD', '\u{1F600}']);
  });

  it('gives each range its rows from one read, whatever the block size, skipping conversations not asked for', async () => {
    for (const size of [1, 2, 4, 100]) {
      const opened: string[] = [];
      const c = new ConversationCursor(source(size, opened));
      expect(await take(c, ['a'])).toEqual([0, 1]);
      expect(await take(c, ['b', 'd'])).toEqual([2, 6]);
      expect(await take(c, ['\uFFFD', '\u{1F600}'])).toEqual([8, 7]);
      expect(await take(c, ['\u{1F601}'])).toEqual([]);
      expect(opened).toEqual(['a']);
      await c.close();
    }
  });

  it('restarts the read at a range that starts before its position', async () => {
    const opened: string[] = [];
    const c = new ConversationCursor(source(2, opened));
    expect(await take(c, ['c'])).toEqual([3, 4, 5]);
    expect(await take(c, ['b'])).toEqual([2]);
    expect(await take(c, ['c'])).toEqual([3, 4, 5]);
    expect(opened).toEqual(['c', 'b']);
    await c.close();
  });
});

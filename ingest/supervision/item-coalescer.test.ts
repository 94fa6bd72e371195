import { describe, expect, it } from 'vitest';
import type { Flag } from '../../common/supervision/flagging.js';
import { createItemCoalescer } from './item-coalescer.js';

const flag = (id: string, sampled = true) => ({ itemId: id, sampled }) as Flag;

describe('review item coalescer', () => {
  it('writes the items of concurrent batches together, one insert at a time, and skips batches with nothing sampled', async () => {
    const inserts: string[][] = [];
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    const writer = createItemCoalescer({
      async write(flags) {
        inserts.push(flags.map((f) => f.itemId));
        if (inserts.length === 1) await first;
        return flags.length;
      },
    });
    const a = writer.write([flag('a')]);
    const b = writer.write([flag('b1'), flag('b2', false)]);
    const c = writer.write([flag('c')]);
    const none = writer.write([flag('n', false)]);
    release();
    expect(await Promise.all([a, b, c, none])).toEqual([1, 1, 1, 0]);
    expect(inserts).toEqual([['a'], ['b1', 'b2', 'c']]);
  });

  it('rejects every caller of a failed insert, and the next write goes through', async () => {
    let fail = true;
    const writer = createItemCoalescer({
      async write(flags) {
        if (fail) throw new Error('store away');
        return flags.length;
      },
    });
    await expect(writer.write([flag('a')])).rejects.toThrow('store away');
    fail = false;
    expect(await writer.write([flag('a')])).toBe(1);
  });
});

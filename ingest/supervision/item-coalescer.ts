/**
 * Group commit for review items, as write-coalescer.ts does for events: ingest
 * handles several partitions at once, and each batch with a match would otherwise
 * make an insert of a few rows of its own (about one in a hundred messages matches,
 * so nearly every batch has one, and an insert costs the store milliseconds of CPU
 * whatever its size). One insert runs at a time; the items that arrive meanwhile go
 * together in the next. Each caller resolves when its own items are stored, and an
 * error reaches every caller of the failed insert, whose retry then re-enters here.
 */
import type { Flag } from '../../common/supervision/flagging.js';
import type { ReviewQueue } from '../../common/supervision/review-queue.js';

interface Waiting {
  flags: readonly Flag[];
  resolve: (written: number) => void;
  reject: (err: unknown) => void;
}

export type ItemWriter = Pick<ReviewQueue, 'write'>;

export function createItemCoalescer(queue: ItemWriter): ItemWriter {
  let waiting: Waiting[] = [];
  let running = false;

  async function drain(): Promise<void> {
    running = true;
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      try {
        await queue.write(batch.flatMap((w) => w.flags));
        for (const w of batch) w.resolve(w.flags.filter((f) => f.sampled).length);
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    running = false;
  }

  return {
    write(flags) {
      if (!flags.some((f) => f.sampled)) return Promise.resolve(0);
      return new Promise<number>((resolve, reject) => {
        waiting.push({ flags, resolve, reject });
        if (!running) void drain();
      });
    },
  };
}

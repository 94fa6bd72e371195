import { describe, expect, it } from 'vitest';
import { IngestHealthTracker } from './ingest-health.js';

function tracker() {
  let now = 0;
  const t = new IngestHealthTracker({ stallMs: 10_000, now: () => now });
  return { t, advance: (ms: number) => (now += ms) };
}

describe('ingest health', () => {
  it('is consuming only once it has joined the group', () => {
    const { t } = tracker();
    expect(t.snapshot()).toMatchObject({ state: 'stopped', consuming: false });
    t.starting();
    expect(t.snapshot()).toMatchObject({ state: 'starting', consuming: false });
    t.joined(3);
    expect(t.snapshot()).toMatchObject({ state: 'consuming', consuming: true, partitions: 3 });
    t.rebalancing();
    expect(t.snapshot()).toMatchObject({ state: 'joining', consuming: false });
  });

  it('says not_assigned for a member without partitions, and counts it as consuming (idle by assignment)', () => {
    const { t } = tracker();
    t.starting();
    t.joined(0);
    expect(t.snapshot()).toMatchObject({ state: 'not_assigned', consuming: true, partitions: 0 });
  });

  it('is stalled when a batch is in hand and nothing was committed for longer than the limit', () => {
    const { t, advance } = tracker();
    t.starting();
    t.joined(2);
    advance(60_000);
    expect(t.snapshot().state).toBe('consuming'); // idle, nothing in hand
    t.batchInHand(1);
    advance(9_000);
    expect(t.snapshot().state).toBe('consuming');
    advance(2_000);
    expect(t.snapshot()).toMatchObject({ state: 'stalled', consuming: false, sinceProgressS: 11 });
    t.committed();
    expect(t.snapshot().state).toBe('consuming');
    t.batchInHand(-1);
  });

  it('keeps crashed (with the reason) through the stop before a restart, until the next start', () => {
    const { t } = tracker();
    t.starting();
    t.joined(1);
    t.crashed('broker gone');
    t.stopped();
    expect(t.snapshot()).toMatchObject({ state: 'crashed', consuming: false, lastError: 'broker gone', partitions: 0 });
    t.restarted();
    t.starting();
    expect(t.snapshot()).toMatchObject({ state: 'starting', restarts: 1 });
  });
});

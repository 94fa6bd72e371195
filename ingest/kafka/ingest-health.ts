/**
 * What Kafka ingest is doing right now, for /readyz and /metrics. An archive that
 * stops archiving must say so: a crashed consumer, one still joining its group, and
 * one whose batches make no progress are all "not consuming", whatever the brokers
 * answer to a metadata request.
 */

export type IngestState =
  | 'stopped'
  | 'starting' // connecting, subscribing
  | 'joining' // in a group rebalance
  | 'consuming' // has partitions and commits
  | 'not_assigned' // in the group with no partitions (more members than partitions)
  | 'stalled' // batches in hand, no commit for longer than the stall limit
  | 'crashed'; // waiting to restart after a failure

export interface IngestHealth {
  state: IngestState;
  /** True when this process ingests what it is given: consuming, or idle by assignment. */
  consuming: boolean;
  partitions: number;
  /** Restarts after a crash since the process started. */
  restarts: number;
  lastError?: string;
  /** Seconds since the last commit (or since the start when none yet). */
  sinceProgressS: number;
}

export interface HealthTrackerOptions {
  /** A batch in hand with no commit for this long is `stalled`. */
  stallMs: number;
  now?: () => number;
}

export class IngestHealthTracker {
  private base: Exclude<IngestState, 'stalled' | 'not_assigned'> = 'stopped';
  private partitions = 0;
  private restarts = 0;
  private lastError: string | undefined;
  private lastProgress: number;
  private inHand = 0;
  private readonly now: () => number;

  constructor(private readonly o: HealthTrackerOptions) {
    this.now = o.now ?? Date.now;
    this.lastProgress = this.now();
  }

  starting(): void {
    this.base = 'starting';
    this.partitions = 0;
    this.inHand = 0;
    this.lastProgress = this.now();
  }

  rebalancing(): void {
    this.base = 'joining';
  }

  joined(partitions: number): void {
    this.base = 'consuming';
    this.partitions = partitions;
    this.lastProgress = this.now();
  }

  crashed(error: string): void {
    this.base = 'crashed';
    this.lastError = error.slice(0, 500);
    this.partitions = 0;
  }

  restarted(): void {
    this.restarts++;
  }

  /** A stop for a restart keeps `crashed`, so the wait before the restart still says why. */
  stopped(): void {
    if (this.base !== 'crashed') this.base = 'stopped';
    this.partitions = 0;
  }

  /** A batch was accepted (+1) or finished, committed or not (-1). */
  batchInHand(delta: 1 | -1): void {
    if (this.inHand === 0 && delta === 1) this.lastProgress = this.now();
    this.inHand = Math.max(0, this.inHand + delta);
  }

  committed(): void {
    this.lastProgress = this.now();
  }

  snapshot(): IngestHealth {
    const sinceMs = this.now() - this.lastProgress;
    let state: IngestState = this.base;
    if (state === 'consuming' && this.partitions === 0) state = 'not_assigned';
    if (state === 'consuming' && this.inHand > 0 && sinceMs > this.o.stallMs) state = 'stalled';
    return {
      state,
      consuming: state === 'consuming' || state === 'not_assigned',
      partitions: this.partitions,
      restarts: this.restarts,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      sinceProgressS: Math.round(sinceMs / 1000),
    };
  }
}

/** What the steps of one ingest run share: metrics, log, the retry bound and the stop flag. */
import type { Logger } from '../../common/logger.js';
import type { IngestMetrics } from '../../common/metrics.js';

export interface StepContext {
  metrics: IngestMetrics;
  log: Logger;
  retryMaxMs: number;
  stopped: () => boolean;
}

/** The batch a step works on: where it came from and how to keep the group membership alive. */
export interface BatchRef {
  topic: string;
  partition: number;
  heartbeat: () => Promise<void>;
}

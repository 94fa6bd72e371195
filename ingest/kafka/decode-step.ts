/**
 * Step 1: a fetched partition batch becomes rows and rejections. On the worker
 * thread when there is one; a batch the worker cannot answer (it failed or died) is
 * decoded in-thread, where decodeBatch isolates any record that throws.
 */
import type { Logger } from '../../common/logger.js';
import { errorMessage } from '../../common/errors.js';
import { decodeBatch, type DecodedBatch, type SourceRecord } from './decode-batch.js';
import { createDecodePool, type DecodePool } from './decode-pool.js';
import type { PolicySnapshot } from '../supervision/policy-cache.js';

export interface DecodeStep {
  decode(topic: string, partition: number, records: readonly SourceRecord[]): Promise<DecodedBatch>;
  close(): Promise<void>;
}

/** `policies`: when ingest supervises, the worker also screens message texts with them (supervise-step.ts). */
export function createDecodeStep(o: { maxEventBytes: number; inWorker: boolean; log: Logger; policies?: () => PolicySnapshot }): DecodeStep {
  let pool: DecodePool | undefined = o.inWorker ? createDecodePool(o.policies) : undefined;
  return {
    async decode(topic, partition, records) {
      if (!pool) return decodeBatch(topic, partition, records, o.maxEventBytes);
      try {
        return await pool.decode(topic, partition, records, o.maxEventBytes);
      } catch (err) {
        o.log.error({ topic, partition, err: errorMessage(err) }, 'decode worker failed on a batch; decoding it in-thread');
        return decodeBatch(topic, partition, records, o.maxEventBytes);
      }
    },
    async close() {
      await pool?.close();
      pool = undefined;
    },
  };
}

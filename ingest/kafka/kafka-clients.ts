/**
 * The kafkajs clients of one ingest run. A consumer that crashed is never reused:
 * every (re)start builds fresh clients, so no state of the failed run leaks into
 * the next one.
 */
import { Kafka, Partitioners, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import type { Logger } from '../../common/logger.js';
import { errorMessage } from '../../common/errors.js';
import { registerCompressionCodecs } from './codecs.js';

export interface KafkaConnection {
  brokers: string[];
  clientId: string;
  groupId: string;
  /** kafkajs' own retries of one request before it reports a failure (tests shorten them). */
  requestRetry?: { retries: number; maxRetryTime: number };
}

export interface KafkaClients {
  consumer: Consumer;
  producer: Producer;
  admin: Admin;
}

function kafkaLogLevel(log: Logger): logLevel {
  return log.isLevelEnabled('debug') ? logLevel.INFO : logLevel.ERROR;
}

function createKafka(o: KafkaConnection, log: Logger): Kafka {
  registerCompressionCodecs();
  return new Kafka({
    clientId: o.clientId,
    brokers: o.brokers,
    logLevel: kafkaLogLevel(log),
    logCreator: () => ({ namespace, level, log: entry }) => {
      const { message, ...rest } = entry;
      log.child({ kafka: namespace }).warn({ ...rest, level }, message);
    },
    retry: o.requestRetry ?? { retries: 10, maxRetryTime: 30_000 },
  });
}

export function createKafkaClients(o: KafkaConnection, log: Logger): KafkaClients {
  const kafka = createKafka(o, log);
  const consumer = kafka.consumer({
    groupId: o.groupId,
    maxBytesPerPartition: 8 * 1024 * 1024,
    maxBytes: 64 * 1024 * 1024,
    maxWaitTimeInMs: 100,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    // kafkajs would restart a crashed consumer itself, in place, with the old run's
    // state; the supervisor restarts it with fresh clients instead, and says so.
    retry: { ...(o.requestRetry ?? { retries: 10, maxRetryTime: 30_000 }), restartOnFailure: async () => false },
  });
  // The DLQ keeps the source key, so the default (murmur2, Java-compatible) partitioner keeps a conversation's rejects together.
  const producer = kafka.producer({ allowAutoTopicCreation: true, createPartitioner: Partitioners.DefaultPartitioner });
  return { consumer, producer, admin: kafka.admin() };
}

export async function ensureTopics(admin: Admin, topics: string[], log: Logger): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length === 0) return;
  try {
    await admin.createTopics({ topics: missing.map((topic) => ({ topic })), waitForLeaders: true });
    log.info({ topics: missing }, 'created missing topics with the broker defaults');
  } catch (err) {
    log.warn({ topics: missing, err: errorMessage(err) }, 'could not create missing topics; subscribing anyway');
  }
}

/**
 * A metadata probe that lives across runs, so /readyz can tell "Kafka is down" from
 * "ingest crashed" while no run is up.
 */
export function createReachabilityProbe(o: KafkaConnection, log: Logger): { reachable(timeoutMs: number): Promise<boolean>; close(): Promise<void> } {
  let admin: Admin | undefined;
  return {
    async reachable(timeoutMs) {
      admin ??= createKafka({ ...o, requestRetry: { retries: 0, maxRetryTime: timeoutMs } }, log).admin();
      const a = admin;
      const probe = a.connect().then(() => a.describeCluster()).then(() => true, () => false);
      const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref());
      const ok = await Promise.race([probe, timeout]);
      if (!ok) {
        admin = undefined;
        void a.disconnect().catch(() => undefined);
      }
      return ok;
    },
    async close() {
      await admin?.disconnect();
      admin = undefined;
    },
  };
}

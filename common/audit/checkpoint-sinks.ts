/**
 * Where checkpoints go, outside the store, and how a verifier reads them back:
 * - a directory: `<dir>/<tenant>/<seq, 20 digits>.json`, one file per checkpoint,
 *   written under a temporary name and renamed, never overwritten (an existing file
 *   for the same seq is left alone). Put it on other storage (WORM bucket mount,
 *   another host) for it to be worth anything;
 * - a Kafka topic: one record per checkpoint, key = tenant, value = the JSON.
 *   Give the topic a long retention (or compaction off): it is the evidence.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { CustosError } from '../errors.js';
import { TENANT_PATTERN } from '../events/schemas.js';
import { parseCheckpoint, type Checkpoint } from './checkpoint.js';

export interface CheckpointSink {
  readonly name: string;
  publish(c: Checkpoint): Promise<void>;
  close(): Promise<void>;
}

const fileName = (seq: number) => `${String(seq).padStart(20, '0')}.json`;

export function directorySink(dir: string): CheckpointSink {
  const root = resolve(dir);
  return {
    name: `directory ${root}`,
    async publish(c) {
      const tenantDir = join(root, c.tenant);
      mkdirSync(tenantDir, { recursive: true });
      const file = join(tenantDir, fileName(c.seq));
      if (existsSync(file)) return;
      const tmp = join(tenantDir, `.${randomUUID()}.tmp`);
      try {
        writeFileSync(tmp, JSON.stringify(c) + '\n', { flag: 'wx' });
        renameSync(tmp, file);
      } finally {
        rmSync(tmp, { force: true });
      }
    },
    async close() {},
  };
}

/** Every checkpoint in a directory written by directorySink (all tenants, or one). */
export function readCheckpointDirectory(dir: string, tenant?: string): Checkpoint[] {
  const root = resolve(dir);
  if (!existsSync(root)) throw new CustosError(`--checkpoints: no directory ${root}`);
  const tenants = tenant !== undefined ? [tenant] : readdirSync(root).filter((t) => TENANT_PATTERN.test(t));
  const out: Checkpoint[] = [];
  for (const t of tenants) {
    const tenantDir = join(root, t);
    if (!existsSync(tenantDir)) continue;
    for (const f of readdirSync(tenantDir).filter((n) => n.endsWith('.json')).sort()) {
      const c = parseCheckpoint(readFileSync(join(tenantDir, f), 'utf8'), join(tenantDir, f));
      if (c.tenant !== t) throw new CustosError(`${join(tenantDir, f)}: a checkpoint of tenant ${c.tenant} in the folder of tenant ${t}`);
      out.push(c);
    }
  }
  return out;
}

export interface KafkaCheckpointOptions {
  brokers: string[];
  clientId: string;
  topic: string;
}

export async function kafkaSink(o: KafkaCheckpointOptions): Promise<CheckpointSink> {
  const kafka = new Kafka({ clientId: o.clientId, brokers: o.brokers, logLevel: logLevel.NOTHING, retry: { retries: 5 } });
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: true, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  return {
    name: `kafka topic ${o.topic}`,
    async publish(c) {
      await producer.send({ topic: o.topic, acks: -1, messages: [{ key: c.tenant, value: JSON.stringify(c) }] });
    },
    close: () => producer.disconnect(),
  };
}

/** Every checkpoint on the topic, from the beginning to the end offsets read at the start. */
export async function readCheckpointTopic(o: KafkaCheckpointOptions, tenant?: string, timeoutMs = 60_000): Promise<Checkpoint[]> {
  const kafka = new Kafka({ clientId: o.clientId, brokers: o.brokers, logLevel: logLevel.NOTHING, retry: { retries: 3 } });
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(o.topic)) throw new CustosError(`--checkpoints: no Kafka topic ${o.topic} on ${o.brokers.join(',')}`);
    ends = new Map((await admin.fetchTopicOffsets(o.topic)).map((p) => [p.partition, BigInt(p.high)]));
  } finally {
    await admin.disconnect();
  }
  const remaining = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
  const out: Checkpoint[] = [];
  if (remaining.size === 0) return out;
  // A throwaway group: reading the evidence must not move anyone's committed offsets.
  const groupId = `custos-audit-verify-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: o.topic, fromBeginning: true });
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new CustosError(`--checkpoints: reading Kafka topic ${o.topic} took over ${timeoutMs / 1000} s`)), timeoutMs);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            if (!remaining.has(partition)) return;
            const where = `${o.topic}/${partition}@${message.offset}`;
            const c = parseCheckpoint(message.value?.toString('utf8') ?? '', where);
            if (tenant === undefined || c.tenant === tenant) out.push(c);
            if (BigInt(message.offset) + 1n >= ends.get(partition)!) remaining.delete(partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              done();
            }
          },
        })
        .catch((err: unknown) => {
          clearTimeout(timer);
          fail(err);
        });
    });
  } finally {
    await consumer.disconnect();
    const admin2 = kafka.admin();
    // Best effort: a leftover empty group of a read-only verifier harms nothing and expires with the broker's offsets retention.
    await admin2.connect().then(() => admin2.deleteGroups([groupId])).catch(() => undefined).finally(() => admin2.disconnect());
  }
  return out;
}

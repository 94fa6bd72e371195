/** Talks to the real test broker: unique topics per test file, produce, read the DLQ, committed offsets. */
import { Kafka, logLevel, type IHeaders, type Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';

export interface TestTopics {
  messages: string;
  admin: string;
  dlq: string;
  groupId: string;
}

export function uniqueTopics(label: string): TestTopics {
  const id = `${label}-${randomUUID().slice(0, 8)}`;
  return { messages: `${id}.messages`, admin: `${id}.admin`, dlq: `${id}.dlq`, groupId: `${id}-group` };
}

/** kafkajs warns once per producer about its v2 partitioner change unless told which one. */
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

export function testKafka(brokers: string): Kafka {
  return new Kafka({ clientId: 'custos-test', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

/**
 * Creates the topics and waits until every partition has a leader. kafkajs' own
 * waitForLeaders can fail with "does not host this topic-partition" while a fresh
 * topic's metadata propagates, so the wait is ours.
 */
export async function createTopics(kafka: Kafka, t: TestTopics, partitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = [t.messages, t.admin, t.dlq];
    await admin.createTopics({ waitForLeaders: false, topics: topics.map((topic) => ({ topic, numPartitions: partitions })) });
    for (let i = 0; ; i++) {
      const ready = await admin.fetchTopicMetadata({ topics }).then(
        (m) => m.topics.every((x) => x.partitions.length === partitions && x.partitions.every((p) => p.leader >= 0)),
        () => false,
      );
      if (ready) return;
      if (i > 100) throw new Error(`topics ${topics.join(', ')} have no leaders after 10 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

export async function produceJson(producer: Producer, topic: string, records: Array<{ key: string; value: unknown }>): Promise<void> {
  await producer.send({
    topic,
    acks: -1,
    messages: records.map((r) => ({ key: r.key, value: typeof r.value === 'string' || Buffer.isBuffer(r.value) ? (r.value as string | Buffer) : JSON.stringify(r.value) })),
  });
}

/** Sum over partitions of (end offset - committed offset) for a group: 0 when it has consumed everything. */
export async function groupLag(kafka: Kafka, groupId: string, topics: string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let lag = 0;
    const committed = await admin.fetchOffsets({ groupId, topics });
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const c = committed.find((x) => x.topic === topic)?.partitions ?? [];
      for (const p of ends) {
        const done = Number(c.find((x) => x.partition === p.partition)?.offset ?? -1);
        lag += Number(p.high) - Math.max(done, 0);
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

export interface DlqRecord {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export async function readTopic(kafka: Kafka, topic: string, expected: number, timeoutMs = 20_000): Promise<DlqRecord[]> {
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const out: DlqRecord[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${out.length} of ${expected} records from ${topic}`)), timeoutMs);
    void consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {} as IHeaders)) headers[k] = String(Array.isArray(v) ? v[0] : v);
        out.push({ key: message.key ? message.key.toString() : null, value: message.value, headers });
        if (out.length >= expected) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return out;
}

/**
 * Sends rejected records to the DLQ topic, unchanged, with headers that say why and
 * where they came from. The caller commits offsets only after this resolves.
 */
import type { IHeaders, Message, Producer } from 'kafkajs';
import type { Rejected } from './decode-batch.js';

export const DLQ_HEADERS = {
  reason: 'custos-dlq-reason',
  detail: 'custos-dlq-detail',
  step: 'custos-dlq-step',
  topic: 'custos-dlq-source-topic',
  partition: 'custos-dlq-source-partition',
  offset: 'custos-dlq-source-offset',
  time: 'custos-dlq-time',
} as const;

export function dlqMessage(topic: string, partition: number, r: Rejected, now = new Date()): Message {
  const headers: IHeaders = {
    ...(r.record.headers ?? {}),
    [DLQ_HEADERS.reason]: r.reason,
    [DLQ_HEADERS.detail]: r.detail,
    [DLQ_HEADERS.step]: r.step,
    [DLQ_HEADERS.topic]: topic,
    [DLQ_HEADERS.partition]: String(partition),
    [DLQ_HEADERS.offset]: r.record.offset,
    [DLQ_HEADERS.time]: now.toISOString(),
  };
  return { key: r.record.key, value: r.record.value, headers };
}

export async function sendToDlq(producer: Producer, dlqTopic: string, topic: string, partition: number, rejected: readonly Rejected[]): Promise<void> {
  if (rejected.length === 0) return;
  await producer.send({ topic: dlqTopic, acks: -1, messages: rejected.map((r) => dlqMessage(topic, partition, r)) });
}

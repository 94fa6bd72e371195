/**
 * Starts a real single-node Kafka broker (scripts/kafka-broker.sh) for the test
 * run, unless KAFKA_BROKERS names one already, and stops it afterwards.
 */
import type { TestProject } from 'vitest/node';
import { startBroker } from '../bench/lib/kafka-broker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const given = process.env.KAFKA_BROKERS;
  if (given) {
    project.provide('kafkaBrokers', given);
    return () => {};
  }
  const broker = await startBroker(process.cwd(), 'tests');
  project.provide('kafkaBrokers', broker.brokers);
  return () => broker.stop();
}

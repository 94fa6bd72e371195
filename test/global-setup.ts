/**
 * Starts a real single-node Kafka broker (scripts/kafka-broker.sh) for the test
 * run, unless KAFKA_BROKERS names one already, and stops it afterwards.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
  }
}

async function freePortPair(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
      s.on('error', reject);
    });
    // The controller listens on port + 1: check that one too.
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer().listen(port + 1, '127.0.0.1', () => s.close(() => resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok && port < 65000) return port;
  }
  throw new Error('no free port pair for the test broker');
}

export default async function setup(project: TestProject): Promise<() => void> {
  const given = process.env.KAFKA_BROKERS;
  if (given) {
    project.provide('kafkaBrokers', given);
    return () => {};
  }
  const root = process.cwd();
  const dir = join(root, '.test-runs', `kafka-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const port = await freePortPair();
  const script = join(root, 'scripts', 'kafka-broker.sh');
  const out = execFileSync('bash', [script, 'start', dir, String(port)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const brokers = out.trim().split('\n').pop()!;
  project.provide('kafkaBrokers', brokers);
  return () => {
    execFileSync('bash', [script, 'stop', dir], { stdio: 'inherit' });
    rmSync(dir, { recursive: true, force: true });
  };
}

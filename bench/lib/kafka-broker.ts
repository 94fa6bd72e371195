/**
 * Starts the project's single-node Kafka broker (scripts/kafka-broker.sh) on a free
 * loopback port pair, for the tests' global setup and the benchmarks.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer().listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    s.on('error', () => resolve(false));
  });
}

async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    if ((await portFree(port)) && (await portFree(port + 1))) return port;
  }
  throw new Error('no free port pair for the test broker');
}

export interface Broker {
  brokers: string;
  stop(): void;
}

export async function startBroker(root: string, label: string): Promise<Broker> {
  const dir = join(root, '.test-runs', `kafka-${label}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const port = await freePortPair();
  const script = join(root, 'scripts', 'kafka-broker.sh');
  const out = execFileSync('bash', [script, 'start', dir, String(port)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return {
    brokers: out.trim().split('\n').pop()!,
    stop() {
      execFileSync('bash', [script, 'stop', dir], { stdio: 'inherit' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Who holds an embedded data directory. chDB itself refuses a second process
 * (it flocks `status`); this file only lets the refusal name the holder.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'custos.holder.json';

export interface Holder {
  pid: number;
  command: string;
  startedAt: string;
}

export function writeHolder(dataDir: string, command: string): void {
  mkdirSync(dataDir, { recursive: true });
  const holder: Holder = { pid: process.pid, command, startedAt: new Date().toISOString() };
  writeFileSync(join(dataDir, FILE), JSON.stringify(holder));
}

export function clearHolder(dataDir: string): void {
  try {
    const h = JSON.parse(readFileSync(join(dataDir, FILE), 'utf8')) as Holder;
    if (h.pid === process.pid) rmSync(join(dataDir, FILE), { force: true });
  } catch {
    // no holder file, or not ours: nothing to clear
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The live process that holds the directory, if any. Checked before chDB opens it:
 * the engine's own refusal (a flock on `status`) prints a native message we cannot
 * silence, and it stays the final arbiter when this file is stale or missing.
 */
export function liveHolder(dataDir: string): Holder | undefined {
  try {
    const h = JSON.parse(readFileSync(join(dataDir, FILE), 'utf8')) as Holder;
    return h.pid !== process.pid && alive(h.pid) ? h : undefined;
  } catch {
    return undefined;
  }
}

export function describeHolder(dataDir: string): string {
  try {
    const h = JSON.parse(readFileSync(join(dataDir, FILE), 'utf8')) as Holder;
    return `process ${h.pid} (${h.command}, started ${h.startedAt})`;
  } catch {
    return 'another process';
  }
}

/**
 * SHA-256 and SHA-512 of a stream of chunks, computed on a worker thread: for a flat
 * file (JSON Lines, CSV, Parquet) the two digests were about a sixth of the main
 * thread's time, which also assembles and writes every message. Chunks are copied
 * (the caller's buffer may still be queued on the file stream) and the copy is
 * transferred, not cloned. At most MAX_IN_FLIGHT bytes wait for the worker, so memory
 * stays flat when the worker falls behind.
 */
import { Worker } from 'node:worker_threads';
import { CustosError } from '../../common/errors.js';

/** Bytes handed to the worker and not yet hashed before `update` waits. */
export const MAX_IN_FLIGHT = 8 << 20;

/**
 * The worker's code, evaluated rather than loaded from a file: it needs only
 * node:crypto, and a file path would differ between the built code (dist/, .js) and
 * the tests (run from the TypeScript sources).
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const h256 = createHash('sha256');
const h512 = createHash('sha512');
parentPort.on('message', (m) => {
  if (m === 'end') {
    parentPort.postMessage({ sha256: h256.digest('hex'), sha512: h512.digest('hex') });
    parentPort.close();
    return;
  }
  const chunk = new Uint8Array(m);
  h256.update(chunk);
  h512.update(chunk);
  parentPort.postMessage(chunk.length);
});
`;

export class HashThreadError extends CustosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`hash thread: ${message}`, options);
  }
}

export class ThreadHasher {
  private readonly worker: Worker;
  private inFlight = 0;
  private failure: Error | null = null;
  private waiting: Array<() => void> = [];
  private result: ((d: { sha256: string; sha512: string }) => void) | null = null;
  private failed: ((e: Error) => void) | null = null;
  private ended = false;

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    // An export that fails before close must not keep the process alive for its idle hasher.
    this.worker.unref();
    this.worker.on('message', (m: number | { sha256: string; sha512: string }) => {
      if (typeof m === 'number') {
        this.inFlight -= m;
        this.wake();
      } else this.result?.(m);
    });
    this.worker.on('error', (err) => this.fail(new HashThreadError(err.message, { cause: err })));
    this.worker.on('exit', (code) => {
      if (!this.ended || code !== 0) this.fail(new HashThreadError(`exited with code ${code} before the digests were read`));
    });
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.failed?.(err);
    this.wake();
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = [];
    for (const resolve of w) resolve();
  }

  /** Hands `chunk` (copied) to the worker; waits while too many bytes are still unhashed. */
  async update(chunk: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    if (chunk.length === 0) return;
    const copy = new Uint8Array(chunk);
    this.inFlight += copy.length;
    this.worker.postMessage(copy.buffer, [copy.buffer]);
    if (this.inFlight > MAX_IN_FLIGHT) {
      // Waiting on the worker alone must keep the process alive.
      this.worker.ref();
      while (this.inFlight > MAX_IN_FLIGHT && !this.failure) await new Promise<void>((resolve) => this.waiting.push(resolve));
      this.worker.unref();
    }
    if (this.failure) throw this.failure;
  }

  /** The digests of every chunk given, in order; the worker then exits. */
  async digest(): Promise<{ sha256: string; sha512: string }> {
    if (this.failure) throw this.failure;
    const done = new Promise<{ sha256: string; sha512: string }>((resolve, reject) => {
      this.result = resolve;
      this.failed = reject;
    });
    this.ended = true;
    this.worker.ref();
    this.worker.postMessage('end');
    return done;
  }
}

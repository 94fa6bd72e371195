/**
 * A package (export or access-request ZIP) encrypted for its recipients with age
 * (https://age-encryption.org/v1, npm `age-encryption` by Filippo Valsorda, the
 * format's author), so it can travel by e-mail or USB: only a holder of one of the
 * recipients' identities can open it, with any age implementation (`age -d -i key`).
 * The file is streamed (64 KiB chunks, as the format is), never held whole in memory.
 * The signed package inside is unchanged: after decryption, `custos package verify`
 * and any BagIt validator check it as before.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Encrypter } from 'age-encryption';
import { CustosError } from '../../common/errors.js';

/** age X25519 recipients (`age1...`, Bech32) and the post-quantum hybrid ones (`age1pq1...`). */
export const AGE_RECIPIENT = /^age1(pq1)?[02-9ac-hj-np-z]{20,2000}$/;

export class RecipientError extends CustosError {
  constructor(readonly recipient: string, problem: string) {
    super(`--recipient "${recipient.slice(0, 80)}": ${problem}`);
  }
}

export interface EncryptedPackage {
  path: string;
  bytes: number;
  /** SHA-256 of the encrypted file (hex), for a job's file list and Repr-Digest. */
  sha256: string;
  recipients: string[];
}

/** An age encrypter for the recipients; a malformed one is refused by name (checked before any file is touched). */
export function encrypterFor(recipients: readonly string[]): Encrypter {
  if (recipients.length === 0) throw new CustosError('--recipient: at least one age recipient (age1...) is needed');
  const e = new Encrypter();
  for (const r of recipients) {
    if (!AGE_RECIPIENT.test(r)) throw new RecipientError(r, 'is not an age recipient (age1..., as `age-keygen -y` prints it)');
    try {
      e.addRecipient(r);
    } catch (err) {
      throw new RecipientError(r, `refused by age: ${(err as Error).message}`);
    }
  }
  return e;
}

/** Encrypts `input` for every recipient into `output` (written under a temporary name, then renamed). */
export async function encryptPackage(input: string, output: string, recipients: readonly string[]): Promise<EncryptedPackage> {
  const e = encrypterFor(recipients);
  const source = Readable.toWeb(createReadStream(input)) as unknown as ReadableStream<Uint8Array>;
  const encrypted = await e.encrypt(source);
  const tmp = `${output}.${process.pid}.tmp`;
  let bytes = 0;
  const hash = createHash('sha256');
  const counted = Readable.fromWeb(encrypted as unknown as WebReadableStream<Uint8Array>).on('data', (c: Uint8Array) => {
    bytes += c.length;
    hash.update(c);
  });
  try {
    await pipeline(counted, createWriteStream(tmp, { flags: 'w', mode: 0o600 }));
    renameSync(tmp, output);
  } finally {
    rmSync(tmp, { force: true });
  }
  return { path: output, bytes, sha256: hash.digest('hex'), recipients: [...recipients] };
}

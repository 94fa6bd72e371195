/**
 * Secret keys shared through the store (secret_keys table), so every instance that
 * uses the same store derives the same pseudonyms. The oldest row for a name wins:
 * two instances racing to create a key both end up reading the same one.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';

export async function loadOrCreateStoreKey(store: Store, name: string): Promise<Buffer> {
  const read = async () =>
    store.query<{ key_b64: string }>('keys: read', 'SELECT key_b64 FROM secret_keys WHERE name = {name:String} ORDER BY created_at, nonce LIMIT 1', { name });
  let rows = await read();
  if (rows.length === 0) {
    await store.insert('keys: create', 'secret_keys', [{ name, key_b64: randomBytes(32).toString('base64'), nonce: randomUUID() }]);
    rows = await read();
  }
  const key = Buffer.from(rows[0]!.key_b64, 'base64');
  if (key.length < 32) throw new Error(`secret key ${name} in the store is shorter than 256 bits`);
  return key;
}

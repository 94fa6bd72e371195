/**
 * The export job's packager on reports/packages: the tenant's signing key, the
 * signed BagIt bag with its custody record, and a ZIP of it for downloads. Every
 * time in the package comes from the job (its creation), so a re-run of the same
 * job gives the same bytes.
 */
import { dirname, join, basename } from 'node:path';
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { writeBag } from '../packages/bag-writer.js';
import { loadOrCreateSigningKey } from '../../common/keys/signing-keys.js';
import { zipBag } from '../packages/zip.js';
import type { JsonValue } from '../packages/custody.js';
import type { Packager } from './packager.js';

async function sha256Of(path: string): Promise<string> {
  const h = createHash('sha256');
  const s = createReadStream(path);
  s.on('data', (chunk) => h.update(chunk));
  await once(s, 'end');
  return h.digest('hex');
}

export function createExportPackager(o: { dataDir: string; version: string }): Packager {
  return async (bagDir, files, c) => {
    const signer = loadOrCreateSigningKey(o.dataDir, c.tenant);
    const bag = await writeBag({
      bagDir,
      files: [...files],
      signer,
      custody: {
        kind: 'ediscovery_export', jobId: c.packageId, tenant: c.tenant, filters: c.filters as { [key: string]: JsonValue }, asOf: c.asOf,
        requestedBy: c.requestedBy, requestedAt: c.requestedAt, approvedBy: c.approvedBy, approvedAt: null,
        createdAt: c.requestedAt, messagesPerConversation: c.countsPerConversation, software: { name: 'custos', version: o.version },
      },
    });
    const zipPath = join(dirname(bagDir), `${basename(bagDir)}.zip`);
    const zip = await zipBag(bagDir, zipPath, { time: new Date(c.requestedAt) });
    // The download's hash is read back once: it is what the audit entry and Repr-Digest carry.
    return { merkleRoot: bag.merkleRoot, keyId: bag.keyId, zip: { path: zipPath, bytes: zip.bytes, sha256: await sha256Of(zipPath) } };
  };
}

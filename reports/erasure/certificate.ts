/**
 * The erasure certificate: what one run removed (counts per table), what it
 * pseudonymized, what it kept and why (the hold, with its case), what the registry
 * says erasure does not reach and why, the physical rewrite and the verification.
 * It names the person only by the keyed subject hash and the request id: never a
 * name, e-mail or user id, nor message text. Signed with the tenant's Ed25519 key,
 * like export packages and retention receipts: `certificate.json` and its raw
 * signature `certificate.json.sig` (`openssl pkeyutl -verify -rawin`, the key from
 * GET /v1/tenants/{t}/signing-keys), and kept in `erasure_certificates`.
 */
import { join } from 'node:path';
import { canonicalJson } from '../../common/audit/index.js';
import type { JobFile } from '../../common/jobs/job-model.js';
import type { Store } from '../../common/store/store.js';
import type { Signer } from '../../common/keys/signing-keys.js';
import { toStoreTime } from '../../common/events/time.js';
import { writeWholeFile } from '../exports/hashed-file.js';

export interface CertificateBody {
  kind: 'custos-erasure-certificate';
  version: 1;
  certificate_id: string;
  tenant: string;
  request_id: string;
  job_id: string;
  subject_hash: string;
  /** What replaced the person in other people's records. */
  pseudonym: string;
  /** How many identifiers of each kind were erased (added to the erased-subjects list as keyed hashes). */
  identifiers: { user_ids: number; emails: number; display_names: number };
  state: 'done' | 'waiting-on-holds';
  /** Per table: rows deleted, rows of others pseudonymized, rows left as they are because a hold keeps their record. */
  removed: Record<string, { deleted: number; pseudonymized: number; held: number }>;
  /** Records (messages, calls, app invocations) naming the person that a hold keeps, per family and hold. */
  kept: Array<{ family: string; records: number; hold_id: string; case: string; why: string }>;
  not_reached: Array<{ table: string; why: string }>;
  rewrite: { waited_ms: number; outdated_parts_removed: number };
  verification: { passed: boolean; tables: Record<string, { left: number; held: number }> };
  started_at: string;
  finished_at: string;
  signing_key_id: string;
}

export async function issueCertificate(store: Store, workDir: string, signer: Signer, body: Omit<CertificateBody, 'signing_key_id'>): Promise<{ files: JobFile[] }> {
  const full: CertificateBody = { ...body, signing_key_id: signer.keyId };
  const json = Buffer.from(canonicalJson(full));
  const signature = Buffer.from(await signer.sign(json));
  const files: JobFile[] = [];
  for (const [name, buf] of [['certificate.json', json], ['certificate.json.sig', signature]] as const) {
    const d = writeWholeFile(join(workDir, name), [buf]);
    files.push({ name, bytes: d.bytes, sha256: d.sha256 });
  }
  await store.insert('erasure: save certificate', 'erasure_certificates', [{
    tenant: body.tenant, request_id: body.request_id, certificate_id: body.certificate_id, job_id: body.job_id, state: body.state,
    issued_at: toStoreTime(Date.parse(body.finished_at)), certificate: json.toString('utf8'), key_id: signer.keyId, signature: signature.toString('base64'),
  }]);
  return { files };
}

export interface StoredCertificate { certificateId: string; jobId: string; state: string; certificate: string; keyId: string; signature: string }

export async function listCertificates(store: Store, tenant: string, requestId: string): Promise<StoredCertificate[]> {
  const rows = await store.query<{ certificate_id: string; job_id: string; state: string; certificate: string; key_id: string; signature: string }>('erasure: certificates',
    'SELECT certificate_id, job_id, state, certificate, key_id, signature FROM erasure_certificates FINAL WHERE tenant = {tenant:String} AND request_id = {id:String} ORDER BY issued_at, certificate_id',
    { tenant, id: requestId });
  return rows.map((r) => ({ certificateId: r.certificate_id, jobId: r.job_id, state: r.state, certificate: r.certificate, keyId: r.key_id, signature: r.signature }));
}

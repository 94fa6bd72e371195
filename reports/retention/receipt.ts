/**
 * The deletion receipt of a real run: what went (counts per family, rule,
 * conversation, table and partition, the path each partition took), the cut-offs and
 * policy version that decided it, what each hold kept, the statements' ids, the
 * rewrite wait, and the after-run count. Never message text: only ids and figures.
 * Signed with the tenant's Ed25519 key, like export packages: `receipt.json` and its
 * raw signature `receipt.json.sig` (`openssl pkeyutl -verify -rawin`, the key from
 * GET /v1/tenants/{t}/signing-keys).
 */
import { join } from 'node:path';
import { canonicalJson } from '../../common/audit/index.js';
import type { JobFile } from '../../common/jobs/job-model.js';
import type { RetentionReport } from '../../common/retention/assess.js';
import type { RetentionPolicy } from '../../common/retention/policy.js';
import { saveReceipt } from '../../common/retention/receipts.js';
import type { Store } from '../../common/store/store.js';
import { writeWholeFile } from '../exports/hashed-file.js';
import type { Signer } from '../../common/keys/signing-keys.js';
import type { RewriteResult } from './rewrite.js';
import type { Statement } from './remove.js';

export interface ReceiptInput {
  jobId: string;
  tenant: string;
  policy: RetentionPolicy;
  planned: RetentionReport;
  statements: Statement[];
  rewrite: RewriteResult;
  recordsLeft: number;
  startedAt: string;
  finishedAt: string;
}

export async function writeReceipt(store: Store, workDir: string, signer: Signer, r: ReceiptInput): Promise<{ receiptId: string; files: JobFile[] }> {
  const receiptId = `rcpt_${r.jobId.slice(4)}`;
  const { skipped: _skipped, ...removed } = r.planned;
  const body = {
    kind: 'custos-retention-receipt', version: 1, receipt_id: receiptId, job_id: r.jobId, tenant: r.tenant, policy_version: r.planned.policy_version, policy: r.policy,
    as_of: r.planned.as_of, removed, statements: r.statements, rewrite: r.rewrite, after: { records_left: r.recordsLeft },
    started_at: r.startedAt, finished_at: r.finishedAt, signing_key_id: signer.keyId,
  };
  const json = Buffer.from(canonicalJson(body));
  const signature = Buffer.from(await signer.sign(json));
  const files: JobFile[] = [];
  for (const [name, buf] of [['receipt.json', json], ['receipt.json.sig', signature]] as const) {
    const d = writeWholeFile(join(workDir, name), [buf]);
    files.push({ name, bytes: d.bytes, sha256: d.sha256 });
  }
  await saveReceipt(store, { tenant: r.tenant, receiptId, jobId: r.jobId, policyVersion: r.planned.policy_version, startedAt: r.startedAt, finishedAt: r.finishedAt, receipt: json.toString('utf8'), keyId: signer.keyId, signature: signature.toString('base64') });
  return { receiptId, files };
}

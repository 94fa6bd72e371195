/**
 * custody.json: what defined the set, who asked and approved, what the package
 * holds and how to check it (docs/packages.md, "custody.json"). Built only from the
 * inputs, with keys in a fixed order, so the same inputs give the same bytes.
 */
import { comparePaths, payloadMerkleRoot } from './merkle.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Actor {
  /** Stable subject: an OIDC `sub`, `token:<id>`, `cli:<user>`. */
  subject: string;
  /** As shown to people, when known. */
  name?: string;
  role?: string;
}

/** What the package job knows about itself; all times RFC 3339 UTC. */
export interface CustodyInput {
  /** `ediscovery_export`, `access_request`, ...: one mechanism for every kind. */
  kind: string;
  /** The job id; also bag-info.txt's External-Identifier. */
  jobId: string;
  tenant: string;
  /** The job's parameters that select the set (query, custodians, conversations, time range, formats...). */
  filters: { [key: string]: JsonValue };
  /** The set is the archive as it stood at this time. */
  asOf: string;
  requestedBy: Actor;
  requestedAt: string;
  /** Empty when the kind needs no approval. */
  approvedBy?: Actor[];
  approvedAt?: string | null;
  /** When the package was completed: Bagging-Date and the ZIP entry times come from it. */
  createdAt: string;
  /** Messages per conversation id in the set (each message once, whatever the formats). */
  messagesPerConversation: Record<string, number>;
  software: { name: string; version: string };
}

export interface PayloadFile {
  /** Relative to data/, `/`-separated. */
  path: string;
  bytes: number;
  sha256: string;
  /** Messages carried by this file (0 for files that carry none). */
  messages: number;
}

export const MERKLE_CONSTRUCTION = 'RFC 6962 MTH, SHA-256; leaves = SHA-256(0x00 || file SHA-256) over data/ files in UTF-8 byte order of path; nodes = SHA-256(0x01 || left || right)';
export const SIGNED_FILE = 'tagmanifest-sha256.txt';
export const SIGNATURE_FILE = 'tagmanifest-sha256.txt.sig';

/** The format of a payload file is its extension (DESIGN.md: "eDiscovery formats in data/, by extension"). */
export function formatOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** Object keys sorted (UTF-8 byte order) at every depth: filters are caller-shaped, their key order is not meaningful. */
function canonical(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort(comparePaths).map((k) => [k, canonical(value[k]!)]));
  }
  return value;
}

export function custodyDocument(input: CustodyInput, files: PayloadFile[], keyId: string): { [key: string]: JsonValue } {
  const sorted = [...files].sort((a, b) => comparePaths(a.path, b.path));
  const perFormat: { [format: string]: { files: number; bytes: number; messages: number } } = {};
  for (const f of sorted) {
    const slot = (perFormat[formatOf(f.path)] ??= { files: 0, bytes: 0, messages: 0 });
    slot.files += 1;
    slot.bytes += f.bytes;
    slot.messages += f.messages;
  }
  const perConversation = Object.entries(input.messagesPerConversation).sort(([a], [b]) => comparePaths(a, b));
  const actor = (a: Actor): JsonValue => ({ subject: a.subject, name: a.name ?? null, role: a.role ?? null });
  return {
    custody_version: 1,
    kind: input.kind,
    job_id: input.jobId,
    tenant: input.tenant,
    created_at: input.createdAt,
    definition: { as_of: input.asOf, filters: canonical(input.filters) },
    requested: { by: actor(input.requestedBy), at: input.requestedAt },
    approved: { by: (input.approvedBy ?? []).map(actor), at: input.approvedAt ?? null },
    counts: {
      files: sorted.length,
      bytes: sorted.reduce((n, f) => n + f.bytes, 0),
      messages: perConversation.reduce((n, [, c]) => n + c, 0),
      per_format: Object.fromEntries(Object.keys(perFormat).sort(comparePaths).map((k) => [k, perFormat[k]!])),
      // A list, not an object: conversation ids are arbitrary strings, and JS puts integer-like keys first.
      per_conversation: perConversation.map(([conversation_id, messages]) => ({ conversation_id, messages })),
    },
    payload: {
      hash: 'sha256',
      merkle_root: payloadMerkleRoot(sorted),
      merkle_construction: MERKLE_CONSTRUCTION,
      files: sorted.map((f) => ({ path: `data/${f.path}`, bytes: f.bytes, sha256: f.sha256 })),
    },
    software: { name: input.software.name, version: input.software.version },
    signature: { algorithm: 'Ed25519', key_id: keyId, signed_file: SIGNED_FILE, signature_file: SIGNATURE_FILE, encoding: 'raw 64 bytes (RFC 8032)' },
  };
}

export function custodyJson(input: CustodyInput, files: PayloadFile[], keyId: string): string {
  return JSON.stringify(custodyDocument(input, files, keyId), null, 2) + '\n';
}

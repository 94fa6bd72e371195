/** The audit log: an append-only, per-tenant hash chain of who did what, when, from where. */
export * from './entry.js';
export { AuditWriter, type AuditSubject } from './writer.js';
export { verifyAuditChain, listAuditTenants, type VerifyResult, type ChainBreak, type VerifyOptions } from './verify.js';
export { checkpointPayload, checkpointSignatureValid, saveCheckpoint, latestCheckpoint, type AuditCheckpoint } from './checkpoint.js';
export { searchAuditLog, resolveSubjects, type AuditSearch, type AuditPage, type SubjectName } from './search.js';
export { loadPseudonymizer, pseudonymizer, SUBJECT_REF_PATTERN, type Pseudonymizer } from './pseudonym.js';
export { toApiEntry } from './rows.js';

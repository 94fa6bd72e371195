/** The audit log: an append-only, per-tenant hash chain of who did what, when, from where. */
export * from './entry.js';
export { AuditWriter, type AuditSubject } from './writer.js';
export { verifyAuditChain, listAuditTenants, type VerifyResult, type ChainBreak, type VerifyOptions } from './verify.js';
export { chainStartPayload, chainStartSignatureValid, saveChainStart, latestChainStart, type AuditChainStart } from './chain-start.js';
export { searchAuditLog, resolveSubjects, type AuditSearch, type AuditPage, type SubjectName } from './search.js';
export { loadPseudonymizer, pseudonymizer, SUBJECT_REF_PATTERN, type Pseudonymizer } from './pseudonym.js';
export { toApiEntry } from './rows.js';
export { signCheckpoint, checkpointProblem, parseCheckpoint, signedBytes, CHECKPOINT_FORMAT, type Checkpoint } from './checkpoint.js';
export { CheckpointPublisher, type PublishRound } from './checkpoint-publisher.js';
export { directorySink, kafkaSink, readCheckpointDirectory, readCheckpointTopic, type CheckpointSink } from './checkpoint-sinks.js';
export { verifyAgainstCheckpoints, type CheckpointVerifyResult, type CheckpointFinding } from './verify-checkpoints.js';

/** Names for the answer bodies the pages show, taken from the generated API types (never restated). */
import type { paths } from './schema.js';

type Json<P extends keyof paths, M extends 'get' | 'post', S extends number = 200> = paths[P][M] extends { responses: { [K in S]: { content: { 'application/json': infer T } } } } ? T : never;

export type Me = Json<'/v1/tenants/{tenant}/me', 'get'>;
export type Scope = Me['scopes'][number];
export type SessionInfo = Json<'/auth/me', 'get'>;
export type MessagePage = Json<'/v1/tenants/{tenant}/messages', 'get'>;
export type MessageItem = MessagePage['items'][number];
export type MessageSearchQuery = NonNullable<paths['/v1/tenants/{tenant}/messages']['get']['parameters']['query']>;
export type MessageDetail = Json<'/v1/tenants/{tenant}/conversations/{conversationId}/messages/{messageId}', 'get'>;
export type JobPage = Json<'/v1/tenants/{tenant}/jobs', 'get'>;
export type Job = Json<'/v1/tenants/{tenant}/jobs/{jobId}', 'get'>;
export type AuditPage = Json<'/v1/tenants/{tenant}/audit', 'get'>;
export type AuditEntry = AuditPage['items'][number];
export type AuditQuery = NonNullable<paths['/v1/tenants/{tenant}/audit']['get']['parameters']['query']>;
export type AuditVerification = Json<'/v1/tenants/{tenant}/audit/verify', 'get'>;

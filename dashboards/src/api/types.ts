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
export type HoldList = Json<'/v1/tenants/{tenant}/holds', 'get'>;
export type Hold = HoldList['items'][number];
export type HoldDetail = Json<'/v1/tenants/{tenant}/holds/{holdId}', 'get'>;
export type HoldCoverage = HoldDetail['covers'];
export type ReviewPage = Json<'/v1/tenants/{tenant}/supervision/items', 'get'>;
export type ReviewItem = ReviewPage['items'][number];
export type ReviewMatch = ReviewItem['matches'][number];
export type ReviewQuery = NonNullable<paths['/v1/tenants/{tenant}/supervision/items']['get']['parameters']['query']>;
export type OpenedReviewItem = Json<'/v1/tenants/{tenant}/supervision/items/{itemId}', 'get'>;
export type ReviewHistory = Json<'/v1/tenants/{tenant}/supervision/items/{itemId}/history', 'get'>;
export type ReviewBody = NonNullable<paths['/v1/tenants/{tenant}/supervision/items/{itemId}/review']['post']['requestBody']>['content']['application/json'];
export type HoldBody = NonNullable<paths['/v1/tenants/{tenant}/holds']['post']['requestBody']>['content']['application/json'];
export type Engagement = Json<'/v1/tenants/{tenant}/analytics/engagement', 'get'>;
export type EngagementQuery = NonNullable<paths['/v1/tenants/{tenant}/analytics/engagement']['get']['parameters']['query']>;
export type EngagementSummary = Json<'/v1/tenants/{tenant}/analytics/engagement/summary', 'get'>;
export type RetentionExplanation = Json<'/v1/tenants/{tenant}/messages/{conversationId}/{messageId}/retention', 'get'>;
export type Topics = Json<'/v1/tenants/{tenant}/analytics/topics', 'get'>;
export type TopicsQuery = NonNullable<paths['/v1/tenants/{tenant}/analytics/topics']['get']['parameters']['query']>;

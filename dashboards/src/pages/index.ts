/**
 * The page registry: every page of the UI, the scopes its API calls need, and where
 * it sits in the navigation. The shell (app.tsx) shows a person only the pages whose
 * scopes GET .../me says they hold, and lands them on the highest `landing` one.
 * Adding a page is one entry here (dashboards/README.md); the scope names are the
 * API's own type, so a renamed scope fails the build.
 */
import { AuditPage } from './audit.js';
import { EngagementPage, startEngagementLoads } from './engagement.js';
import { ExportNewPage } from './export-new.js';
import { HoldPage } from './hold.js';
import { HoldsPage } from './holds.js';
import { JobPage } from './job.js';
import { JobsPage } from './jobs.js';
import { MessagePage } from './message.js';
import type { PageDef } from './page.js';
import { ReviewItemPage } from './review-item.js';
import { ReviewQueuePage } from './review-queue.js';
import { SearchPage } from './search.js';
import { SubjectRequestPage } from './subject-request.js';
import { SubjectRequestNewPage } from './subject-request-new.js';
import { SubjectRequestsPage } from './subject-requests.js';
import { TopicsPage } from './topics.js';
import { TopicExclusionsPage } from './topic-exclusions.js';

export const PAGES: readonly PageDef[] = [
  { id: 'search', pattern: '/search', scopes: ['messages:read'], nav: 'search', landing: 100, component: SearchPage },
  { id: 'message', pattern: '/messages/:conversationId/:messageId', scopes: ['messages:read'], component: MessagePage },
  { id: 'audit', pattern: '/audit', scopes: ['audit:read'], nav: 'audit', landing: 90, component: AuditPage },
  { id: 'jobs', pattern: '/jobs', scopes: ['jobs:read'], nav: 'jobs', landing: 10, component: JobsPage },
  { id: 'job', pattern: '/jobs/:jobId', scopes: ['jobs:read'], component: JobPage },
  { id: 'export-new', pattern: '/exports/new', scopes: ['exports:create'], nav: 'exportNew', component: ExportNewPage },
  { id: 'holds', pattern: '/holds', scopes: ['holds:read'], nav: 'holds', landing: 5, component: HoldsPage },
  { id: 'hold', pattern: '/holds/:holdId', scopes: ['holds:read'], component: HoldPage },
  { id: 'review-queue', pattern: '/supervision', scopes: ['supervision:read'], nav: 'reviewQueue', landing: 20, component: ReviewQueuePage },
  { id: 'engagement', pattern: '/engagement', scopes: ['metrics:read'], nav: 'engagement', landing: 50, component: EngagementPage, early: startEngagementLoads },
  { id: 'review-item', pattern: '/supervision/:itemId', scopes: ['supervision:read'], component: ReviewItemPage },
  // The DPO's pages (docs/subject-requests.md): the list is where a DPO lands, above search.
  { id: 'subject-requests', pattern: '/subject-requests', scopes: ['subject_requests:read'], nav: 'subjectRequests', landing: 110, component: SubjectRequestsPage },
  { id: 'subject-request-new', pattern: '/subject-requests/new', scopes: ['subject_requests:manage'], nav: 'subjectRequestNew', component: SubjectRequestNewPage },
  { id: 'subject-request', pattern: '/subject-requests/:requestId', scopes: ['subject_requests:read'], component: SubjectRequestPage },
  { id: 'topics', pattern: '/topics', scopes: ['metrics:read'], nav: 'topics', component: TopicsPage },
  { id: 'topic-exclusions', pattern: '/topics/exclusions', scopes: ['topics:exclude'], nav: 'topicExclusions', component: TopicExclusionsPage },
];

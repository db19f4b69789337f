export { createInboxService, type InboxService } from './inbox.service.ts';
export { inboxRoutes } from './inbox.routes.ts';

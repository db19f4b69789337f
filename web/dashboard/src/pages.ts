import { type ComponentType, lazy } from 'react';

/**
 * Every screen but sign-in is its own chunk, loaded when its route is first shown: the first load (sign-in, then
 * the shell) carries Mantine, the router and the query client, not the inbox or the assistant editor.
 * Pages keep named exports (house style); `lazy` wants a default, hence the small adapter.
 */
const page = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(() => load().then((m) => ({ default: m[name] })));

export const SetupPage = page(() => import('./auth/SetupPage'), 'SetupPage');
export const InvitePage = page(() => import('./auth/InvitePage'), 'InvitePage');
export const AssistantsPage = page(() => import('./assistants/AssistantsPage'), 'AssistantsPage');
export const AssistantNewPage = page(() => import('./assistants/AssistantNewPage'), 'AssistantNewPage');
export const AssistantEditPage = page(() => import('./assistants/AssistantEditPage'), 'AssistantEditPage');
export const ApiKeysPage = page(() => import('./keys/ApiKeysPage'), 'ApiKeysPage');
export const InboxPage = page(() => import('./inbox/InboxPage'), 'InboxPage');
export const SessionsPage = page(() => import('./account/SessionsPage'), 'SessionsPage');
export const KnowledgePage = page(() => import('./knowledge/KnowledgePage'), 'KnowledgePage');
export const PlaygroundPage = page(() => import('./playground/PlaygroundPage'), 'PlaygroundPage');
export const ProvidersPage = page(() => import('./providers/ProvidersPage'), 'ProvidersPage');
export const MembersPage = page(() => import('./members/MembersPage'), 'MembersPage');
export const WebhooksPage = page(() => import('./webhooks/WebhooksPage'), 'WebhooksPage');
export const WebhookDetailPage = page(() => import('./webhooks/WebhookDetailPage'), 'WebhookDetailPage');
export const UsagePage = page(() => import('./usage/UsagePage'), 'UsagePage');
export const AuditLogPage = page(() => import('./audit/AuditLogPage'), 'AuditLogPage');
export const ContactsPage = page(() => import('./contacts/ContactsPage'), 'ContactsPage');
export const ContactDetailPage = page(() => import('./contacts/ContactDetailPage'), 'ContactDetailPage');

import { apiKeysRoutes } from '../features/api-keys/index.ts';
import { auditRoutes } from '../features/audit/index.ts';
import { assistantsRoutes } from '../features/assistants/index.ts';
import { type DashboardBuild, dashboardAssetRoutes } from '../features/dashboard/index.ts';
import { brandRoutes, docsRoutes, type DocPage } from '../features/docs/index.ts';
import { healthRoutes } from '../features/health/index.ts';
import { authRoutes, membersRoutes } from '../features/members/index.ts';
import { knowledgeRoutes } from '../features/knowledge/index.ts';
import { orgsRoutes } from '../features/orgs/index.ts';
import { chatStateRoutes, chatsRoutes, memoriesRoutes } from '../features/chats/index.ts';
import { contactsRoutes, segmentsRoutes } from '../features/contacts/index.ts';
import { channelsRoutes } from '../features/channels/index.ts';
import { inboxRoutes } from '../features/inbox/index.ts';
import { providersRoutes } from '../features/providers/index.ts';
import { runtimeRoutes } from '../features/runtime/index.ts';
import { type WidgetBuild, widgetAssetRoutes, widgetRoutes } from '../features/widget/index.ts';
import { setupRoutes } from '../features/setup/index.ts';
import { usageRoutes } from '../features/usage/index.ts';
import { webhooksRoutes } from '../features/webhooks/index.ts';
import type { RouteDef } from '../http/define-route.ts';
import type { Deps } from './deps.ts';

/** The route table: every HTTP operation Parley serves, as data. */
export function routeTable(
  deps: Deps,
  docs: { pages: DocPage[]; openapi: () => unknown },
  builds: { widget: WidgetBuild; dashboard: DashboardBuild },
): RouteDef[] {
  return [
    ...healthRoutes({ ping: () => deps.database.ping() }),
    ...orgsRoutes(deps.orgs),
    ...apiKeysRoutes(deps.apiKeys),
    ...authRoutes(deps.auth, deps.members),
    ...setupRoutes(deps.setup, { attemptsPerIp: deps.config.members.signInLimitPerIp }),
    ...membersRoutes(deps.members),
    ...assistantsRoutes(deps.assistants, { createLimitPerHour: deps.config.assistantCreateLimitPerHour }),
    ...runtimeRoutes(deps.runtime, { timeoutMs: deps.config.llm.timeoutMs }),
    ...chatsRoutes(deps.chats),
    ...chatStateRoutes(deps.chats, deps.chatState, deps.chatLive, deps.typing),
    ...memoriesRoutes(deps.memories),
    ...widgetRoutes(deps.widget, deps.customers, deps.chatLive, deps.typing, deps.runtime, { timeoutMs: deps.config.llm.timeoutMs }),
    ...widgetAssetRoutes(builds.widget, { widgetLive: (id) => deps.widget.widgetLive(id), publicUrl: deps.config.publicUrl }),
    ...inboxRoutes(deps.inbox),
    ...channelsRoutes(deps.channels),
    ...contactsRoutes(deps.contacts),
    ...segmentsRoutes(deps.segments),
    ...usageRoutes(deps.usage),
    ...providersRoutes(deps.providers),
    ...knowledgeRoutes(deps.knowledge),
    ...auditRoutes(deps.audit),
    ...webhooksRoutes(deps.webhooks),
    ...dashboardAssetRoutes(builds.dashboard),
    ...docsRoutes({ ...docs, publicUrl: deps.config.publicUrl }),
    ...brandRoutes(),
  ];
}

import { Container, Text, Title } from '@mantine/core';
import { Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import type { Role, User } from './api/client';
import { may } from './auth/permissions';
import { SignInPage } from './auth/SignInPage';
import { useCurrentUser, useSetupState } from './auth/session';
import { ApiKeysPage, AssistantEditPage, AssistantNewPage, AssistantsPage, AuditLogPage, ContactDetailPage, ContactsPage, InboxPage, KnowledgePage, MembersPage, PlaygroundPage, ProvidersPage, SessionsPage, SetupPage, UsagePage, WebhookDetailPage, WebhooksPage } from './pages';
import { Layout } from './shell/Layout';
import { useOrg } from './shell/orgs';
import { ErrorAlert, Loading } from './ui/QueryState';

/** Setup while the instance has no user, sign-in while there is no session, the app otherwise. */
export function Gate() {
  const setup = useSetupState();
  const user = useCurrentUser();
  if (setup.isPending || user.isPending) return <Loading label="Loading Parley" />;
  if (setup.error || user.error) return <Container py="xl"><ErrorAlert error={setup.error ?? user.error} /></Container>;
  if (setup.data.needs_setup) {
    return (
      <Suspense fallback={<Loading label="Loading Parley" />}>
        <SetupPage />
      </Suspense>
    );
  }
  if (!user.data) return <SignInPage />;
  return <SignedInApp user={user.data} />;
}

/**
 * Where an org's pages start for a role: the inbox for those who work conversations and do not set assistants up
 * (MANAGER, AGENT), the assistants for the others.
 */
const startPage = (role: Role | undefined) => (may(role, 'chats:write') && !may(role, 'assistants:manage') ? 'inbox' : 'assistants');
const roleIn = (user: User, orgId: string) => user.memberships.find((m) => m.org_id === orgId)?.role;

/** `/o/{org_id}`: the org's start page for the member's role there (a sub-org reached as a parent's ADMIN too). */
function OrgStart() {
  return <Navigate to={startPage(useOrg().org?.role)} replace />;
}

function SignedInApp({ user }: { user: User }) {
  const home = user.default_org_id ?? user.memberships[0]?.org_id;
  return (
    <Routes>
      <Route element={<Layout user={user} />}>
        <Route index element={home ? <Navigate to={`/o/${home}/${startPage(roleIn(user, home))}`} replace /> : <NoOrg />} />
        <Route path="o/:orgId">
          <Route index element={<OrgStart />} />
          <Route path="assistants" element={<AssistantsPage />} />
          <Route path="assistants/new" element={<AssistantNewPage />} />
          <Route path="assistants/:assistantId" element={<AssistantEditPage />} />
          <Route path="knowledge" element={<KnowledgePage />} />
          <Route path="playground" element={<PlaygroundPage />} />
          <Route path="api-keys" element={<ApiKeysPage />} />
          <Route path="inbox/:chatId?" element={<InboxPage />} />
          <Route path="providers" element={<ProvidersPage />} />
          <Route path="members" element={<MembersPage />} />
          <Route path="webhooks" element={<WebhooksPage />} />
          <Route path="webhooks/:webhookId" element={<WebhookDetailPage />} />
          <Route path="usage" element={<UsagePage />} />
          <Route path="audit-log" element={<AuditLogPage />} />
          <Route path="contacts" element={<ContactsPage />} />
          <Route path="contacts/:contactId" element={<ContactDetailPage />} />
        </Route>
        <Route path="account/sessions" element={<SessionsPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

function NoOrg() {
  return (
    <Container size="sm">
      <Title order={1} size="h2">No organization yet</Title>
      <Text mt="sm">You are not a member of any organization. Ask an admin to invite you.</Text>
    </Container>
  );
}

function NotFound() {
  return (
    <Container size="sm">
      <Title order={1} size="h2">Page not found</Title>
      <Text mt="sm">This address is not a page of the dashboard. Use the navigation to find your way.</Text>
    </Container>
  );
}

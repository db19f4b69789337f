import { Badge, Select, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Role, type Schemas, unwrap } from '../api/client';
import { may } from '../auth/permissions';
import { useCurrentUser } from '../auth/session';
import { useOrg } from '../shell/orgs';
import { ConfirmButton } from '../ui/ConfirmButton';
import { type Column, EmptyState, ListTable } from '../ui/ListTable';
import { notify } from '../ui/notify';
import { PageHeader } from '../ui/PageHeader';
import { ErrorAlert } from '../ui/QueryState';
import { InvitesSection } from './InvitesSection';
import { membersKey, ROLES, useMembers } from './queries';

type Member = Schemas['Member'];

/** The org's members and their roles; a role with members:manage also changes roles, removes members and invites. */
export function MembersPage() {
  const { orgId, org } = useOrg();
  const me = useCurrentUser().data;
  const client = useQueryClient();
  const members = useMembers(orgId);
  const canManage = may(org?.role, 'members:manage');
  const [error, setError] = useState<unknown>(null);
  const refresh = () => void client.invalidateQueries({ queryKey: membersKey(orgId) });
  const path = (m: Member) => ({ org_id: orgId, member_id: m.id });

  const changeRole = async (m: Member, role: Role) => {
    setError(null);
    try {
      await unwrap(api.PATCH('/orgs/{org_id}/members/{member_id}', { params: { path: path(m) }, body: { role } }));
      notify(`${m.name || m.email} is now ${ROLES.find((r) => r.value === role)?.label ?? role}`);
    } catch (e) {
      setError(e);
    }
    refresh();
  };

  const remove = async (m: Member) => {
    await unwrap(api.DELETE('/orgs/{org_id}/members/{member_id}', { params: { path: path(m) } }));
    notify(`Removed ${m.name || m.email}`);
    refresh();
  };

  const columns: Column<Member>[] = [
    {
      label: 'Member',
      render: (m) => (
        <>
          <Text fw={500} size="sm">
            {m.name || m.email} {m.user_id === me?.id ? <Badge size="xs" variant="light">You</Badge> : null}
          </Text>
          <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            {m.email}
          </Text>
        </>
      ),
    },
    {
      label: 'Role',
      render: (m) =>
        canManage ? (
          <Select
            aria-label={`Role of ${m.name || m.email}`}
            size="xs"
            w={124}
            allowDeselect={false}
            data={ROLES.map((r) => ({ value: r.value, label: r.label }))}
            value={m.role}
            onChange={(v) => v && v !== m.role && void changeRole(m, v as Role)}
          />
        ) : (
          ROLES.find((r) => r.value === m.role)?.label ?? m.role
        ),
    },
    {
      label: 'Status',
      render: (m) => <Badge color={m.status === 'ACTIVE' ? 'teal' : 'gray'} variant="light">{m.status === 'ACTIVE' ? 'Active' : 'Away'}</Badge>,
      visibleFrom: 'sm',
    },
    { label: 'Joined', render: (m) => new Date(m.created_at).toLocaleDateString(), nowrap: true, visibleFrom: 'sm' },
    {
      label: 'Actions',
      hideLabel: true,
      render: (m) =>
        canManage && m.user_id !== me?.id ? (
          <ConfirmButton
            size="xs"
            title={`Remove ${m.name || m.email}?`}
            message="They lose access to this organization at once; their signed-in sessions here end. Their past replies stay in the inbox."
            confirmLabel="Remove member"
            onConfirm={() => remove(m)}
            aria-label={`Remove ${m.name || m.email}`}
          >
            Remove
          </ConfirmButton>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader title="Members" description="The people of this organization and what their role lets them do." />
      <Stack gap="xl">
        <div>
          {error ? <ErrorAlert error={error} /> : null}
          <ListTable
            query={members}
            more={members}
            columns={columns}
            rowKey={(m) => m.id}
            loadingLabel="Loading members"
            label="Members"
            minWidth={320}
            empty={<EmptyState title="No members">Nobody is a member of this organization.</EmptyState>}
          />
        </div>
        {canManage ? (
          <section aria-labelledby="invites-title">
            <Title id="invites-title" order={2} size="h3" mb="sm">
              Invites
            </Title>
            <InvitesSection orgId={orgId} />
          </section>
        ) : null}
      </Stack>
    </>
  );
}

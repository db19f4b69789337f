import { Alert, Button, Code, CopyButton, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, type Role, type Schemas, unwrap } from '../api/client';
import { ConfirmButton } from '../ui/ConfirmButton';
import { type Column, ListTable } from '../ui/ListTable';
import { notify } from '../ui/notify';
import { ErrorAlert } from '../ui/QueryState';
import { invitesKey, ROLES, useInvites } from './queries';

type Invite = Schemas['Invite'];

/** Pending invites: create one (its link is shown once, when it was not emailed), see them, revoke them. */
export function InvitesSection({ orgId }: { orgId: string }) {
  const client = useQueryClient();
  const invites = useInvites(orgId);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('AGENT');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<Schemas['CreatedInvite'] | null>(null);
  const refresh = () => void client.invalidateQueries({ queryKey: invitesKey(orgId) });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const invite = await unwrap(api.POST('/orgs/{org_id}/invites', { params: { path: { org_id: orgId } }, body: { email: email.trim(), role } }));
      setCreated(invite);
      setEmail('');
      refresh();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (i: Invite) => {
    await unwrap(api.DELETE('/orgs/{org_id}/invites/{invite_id}', { params: { path: { org_id: orgId, invite_id: i.id } } }));
    if (created?.id === i.id) setCreated(null);
    notify(`Revoked the invite of ${i.email}`);
    refresh();
  };

  const columns: Column<Invite>[] = [
    { label: 'Email', render: (i) => <Text size="sm" style={{ wordBreak: 'break-all' }}>{i.email}</Text> },
    { label: 'Role', render: (i) => ROLES.find((r) => r.value === i.role)?.label ?? i.role },
    {
      label: 'Expires',
      nowrap: true,
      visibleFrom: 'sm',
      render: (i) => (new Date(i.expires_at) <= new Date() ? 'Expired' : new Date(i.expires_at).toLocaleDateString()),
    },
    {
      label: 'Actions',
      hideLabel: true,
      render: (i) => (
        <ConfirmButton
          size="xs"
          title={`Revoke the invite of ${i.email}?`}
          message="Its link stops working at once. You can invite them again later."
          confirmLabel="Revoke invite"
          onConfirm={() => revoke(i)}
          aria-label={`Revoke the invite of ${i.email}`}
        >
          Revoke
        </ConfirmButton>
      ),
    },
  ];

  // The API gives the link as a path on this instance; the invitee needs the whole address.
  const link = created?.url ? new URL(created.url, window.location.origin).href : null;

  return (
    <Stack>
      <form onSubmit={submit}>
        <Group align="flex-end" wrap="wrap">
          <TextInput label="Email" type="email" required maxLength={254} value={email} onChange={(e) => setEmail(e.currentTarget.value)} miw={240} style={{ flex: 1 }} />
          <Select
            label="Role"
            allowDeselect={false}
            data={ROLES.map((r) => ({ value: r.value, label: r.label }))}
            value={role}
            onChange={(v) => v && setRole(v as Role)}
            w={160}
          />
          <Button type="submit" loading={busy}>
            Invite
          </Button>
        </Group>
      </form>
      {error ? <ErrorAlert error={error} /> : null}
      {created ? (
        <Alert color={link ? 'blue' : 'teal'} title={`Invited ${created.email}`} withCloseButton closeButtonLabel="Dismiss" onClose={() => setCreated(null)}>
          {link ? (
            <Stack gap="xs">
              <Text size="sm">Send them this link yourself. It works once, until {new Date(created.expires_at).toLocaleString()}, and is not shown again.</Text>
              <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} aria-label="Invite link">
                {link}
              </Code>
              <Group>
                <CopyButton value={link}>
                  {({ copied, copy }) => (
                    <Button size="xs" variant={copied ? 'filled' : 'light'} color={copied ? 'teal' : undefined} onClick={copy}>
                      {copied ? 'Copied' : 'Copy the link'}
                    </Button>
                  )}
                </CopyButton>
              </Group>
            </Stack>
          ) : (
            <Text size="sm">The invite link was emailed to them.</Text>
          )}
        </Alert>
      ) : null}
      <ListTable
        query={invites}
        more={invites}
        columns={columns}
        rowKey={(i) => i.id}
        loadingLabel="Loading invites"
        label="Pending invites"
        minWidth={320}
        empty={<Text size="sm" c="dimmed">No pending invites.</Text>}
      />
    </Stack>
  );
}

import { Badge, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../api/client';
import { ConfirmButton } from '../ui/ConfirmButton';
import { type Column, EmptyState, ListTable } from '../ui/ListTable';
import { PageHeader } from '../ui/PageHeader';
import { notify } from '../ui/notify';

const KEY = ['user', 'sessions'];
type Session = Schemas['Session'];

/** Where the user is signed in; a lost laptop's session can be ended from here. */
export function SessionsPage() {
  const client = useQueryClient();
  const sessions = useQuery({ queryKey: KEY, queryFn: () => unwrap(api.GET('/user/sessions')) });

  const revoke = async (id: string) => {
    await unwrap(api.DELETE('/user/sessions/{session_id}', { params: { path: { session_id: id } } }));
    notify('Session ended');
    await client.invalidateQueries({ queryKey: KEY });
  };

  const columns: Column<Session>[] = [
    {
      label: 'Browser',
      maw: 360,
      render: (s) => (
        <>
          <Text size="sm" lineClamp={2}>
            {s.user_agent ?? 'Unknown'}
          </Text>
          {s.current ? <Badge variant="light" mt={4}>This browser</Badge> : null}
        </>
      ),
    },
    { label: 'IP address', render: (s) => s.ip ?? '-' },
    { label: 'Signed in', render: (s) => new Date(s.created_at).toLocaleString() },
    { label: 'Last active', render: (s) => new Date(s.last_seen_at).toLocaleString() },
    {
      label: 'Actions',
      hideLabel: true,
      render: (s) =>
        s.current ? null : (
          <ConfirmButton size="xs" title="End this session?" message="That browser is signed out at once." confirmLabel="End session" onConfirm={() => revoke(s.id)}>
            End
          </ConfirmButton>
        ),
    },
  ];

  return (
    <>
      <PageHeader title="Sessions" description="The browsers where you are signed in. End any you do not recognise." />
      <ListTable
        query={sessions}
        columns={columns}
        rowKey={(s) => s.id}
        loadingLabel="Loading sessions"
        minWidth={720}
        empty={<EmptyState title="No sessions">You are signed in with no session on record.</EmptyState>}
      />
    </>
  );
}

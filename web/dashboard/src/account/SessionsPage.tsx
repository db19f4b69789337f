import { Badge, Table, Text, VisuallyHidden } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { ConfirmButton } from '../ui/ConfirmButton';
import { PageHeader } from '../ui/PageHeader';
import { ErrorAlert, Loading } from '../ui/QueryState';
import { notify } from '../ui/notify';

const KEY = ['user', 'sessions'];

/** Where the user is signed in; a lost laptop's session can be ended from here. */
export function SessionsPage() {
  const client = useQueryClient();
  const sessions = useQuery({ queryKey: KEY, queryFn: () => unwrap(api.GET('/user/sessions')) });

  const revoke = async (id: string) => {
    await unwrap(api.DELETE('/user/sessions/{session_id}', { params: { path: { session_id: id } } }));
    notify('Session ended');
    await client.invalidateQueries({ queryKey: KEY });
  };

  return (
    <>
      <PageHeader title="Sessions" description="The browsers where you are signed in. End any you do not recognise." />
      {sessions.isPending ? <Loading label="Loading sessions" /> : null}
      {sessions.error ? <ErrorAlert error={sessions.error} /> : null}
      {sessions.data ? (
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Browser</Table.Th>
                <Table.Th>IP address</Table.Th>
                <Table.Th>Signed in</Table.Th>
                <Table.Th>Last active</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sessions.data.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td maw={360}>
                    <Text size="sm" lineClamp={2}>
                      {s.user_agent ?? 'Unknown'}
                    </Text>
                    {s.current ? <Badge variant="light" mt={4}>This browser</Badge> : null}
                  </Table.Td>
                  <Table.Td>{s.ip ?? '-'}</Table.Td>
                  <Table.Td>{new Date(s.created_at).toLocaleString()}</Table.Td>
                  <Table.Td>{new Date(s.last_seen_at).toLocaleString()}</Table.Td>
                  <Table.Td>
                    {s.current ? null : (
                      <ConfirmButton size="xs" title="End this session?" message="That browser is signed out at once." confirmLabel="End session" onConfirm={() => revoke(s.id)}>
                        End
                      </ConfirmButton>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
    </>
  );
}

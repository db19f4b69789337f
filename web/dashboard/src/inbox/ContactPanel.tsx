import { Badge, Box, DataList, Divider, Group, NavLink, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import type { Schemas } from '../api/client';
import { contactLabel } from '../ui/person';
import { ErrorAlert, Loading } from '../ui/QueryState';
import { CHANNEL_LABEL, fullTime, shortTime, stateLabel } from './format';
import { type Chat, useContact, useContactChats } from './queries';

interface Props {
  orgId: string;
  chat: Chat;
  chatLink: (chatId: string) => string;
}

/** Who the visitor is: the contact's details, channels and attributes, and their other conversations. */
export function ContactPanel({ orgId, chat, chatLink }: Props) {
  const contact = useContact(orgId, chat.contact_id);
  const chats = useContactChats(orgId, chat.contact_id);
  const others = (chats.data ?? []).filter((c) => c.id !== chat.id);

  if (!chat.contact_id) {
    return (
      <Box p="md">
        <Title order={2} size="h5">
          Contact
        </Title>
        <Text size="sm" mt="xs">
          This conversation came through the runtime API without naming its user, so there is no contact. Send{' '}
          <b>user_id</b> with invoke to link conversations to people.
        </Text>
      </Box>
    );
  }
  return (
    <ScrollArea h="100%" type="auto" viewportProps={{ tabIndex: 0, 'aria-label': 'Contact details' }}>
      <Stack gap="md" p="md">
        {contact.isPending ? <Loading label="Loading the contact" /> : null}
        {contact.error ? <ErrorAlert error={contact.error} /> : null}
        {contact.data ? <ContactDetails contact={contact.data} /> : null}
        <Divider />
        <div>
          <Title order={3} size="h6" mb={4}>
            Previous conversations
          </Title>
          {chats.error ? <ErrorAlert error={chats.error} /> : null}
          {chats.data && others.length === 0 ? (
            <Text size="sm" c="dimmed">
              This is their first conversation.
            </Text>
          ) : null}
          {others.map((c) => (
            <NavLink
              key={c.id}
              component={Link}
              to={chatLink(c.id)}
              label={c.title}
              description={`${shortTime(c.last_message_at)} · ${stateLabel(c).label}`}
              px={6}
            />
          ))}
        </div>
      </Stack>
    </ScrollArea>
  );
}

function ContactDetails({ contact }: { contact: Schemas['Contact'] }) {
  const attributes = Object.entries(contact.custom_attributes);
  return (
    <>
      <div>
        <Title order={2} size="h5">
          {contactLabel(contact)}
        </Title>
        <Group gap={6} mt={4}>
          {contact.blocked ? <Badge color="red" size="xs">Blocked</Badge> : null}
          {contact.ai_replies_disabled ? <Badge color="gray" size="xs">Humans only</Badge> : null}
          {contact.segments.map((s) => (
            <Badge key={s.id} size="xs" variant="light" color={s.color === 'neutral' ? 'gray' : s.color}>
              {s.name}
            </Badge>
          ))}
        </Group>
        {contact.last_seen_at ? (
          <Text size="xs" c="dimmed" mt={4}>
            Last seen {fullTime(contact.last_seen_at)}
          </Text>
        ) : null}
      </div>
      {contact.channels.map((ch) => (
        <div key={ch.id}>
          <Text size="xs" fw={700} tt="uppercase" c="dimmed" mb={4}>
            {CHANNEL_LABEL[ch.type]} channel
          </Text>
          <DataList size="xs" labelWidth={80} gap={4}>
            {(
              [
                ['Name', ch.name],
                ['Email', ch.email],
                ['Phone', ch.phone],
                ['Language', ch.language],
                ['Country', ch.country],
                ['Last seen', ch.last_seen_at ? fullTime(ch.last_seen_at) : null],
                ['User id', ch.user_id],
              ] as const
            )
              .filter(([, v]) => v)
              .map(([label, value]) => (
                <DataList.Item key={label}>
                  <DataList.ItemLabel>{label}</DataList.ItemLabel>
                  <DataList.ItemValue style={{ overflowWrap: 'anywhere' }}>{value}</DataList.ItemValue>
                </DataList.Item>
              ))}
          </DataList>
        </div>
      ))}
      <div>
        <Text size="xs" fw={700} tt="uppercase" c="dimmed" mb={4}>
          Attributes
        </Text>
        {attributes.length ? (
          <DataList size="xs" labelWidth={80} gap={4}>
            {attributes.map(([k, v]) => (
              <DataList.Item key={k}>
                <DataList.ItemLabel>{k}</DataList.ItemLabel>
                <DataList.ItemValue style={{ overflowWrap: 'anywhere' }}>{String(v)}</DataList.ItemValue>
              </DataList.Item>
            ))}
          </DataList>
        ) : (
          <Text size="sm" c="dimmed">
            None yet. Your site sets them with the widget's identify() or the contacts API.
          </Text>
        )}
      </div>
    </>
  );
}

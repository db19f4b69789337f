import { ActionIcon, Button, Group, Menu, Modal, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconCheck, IconChevronDown, IconClock, IconHandStop, IconRobot, IconRotate, IconUserCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { ErrorAlert } from '../ui/QueryState';
import type { ChatActions } from './actions';
import { type Chat, useAssignableMembers } from './queries';

interface Props {
  orgId: string;
  chat: Chat;
  actions: ChatActions;
  myMemberId: string | undefined;
}

/** Snooze presets an agent reaches for; "Pick a time" covers the rest. */
function presets(now = new Date()): { label: string; at: Date }[] {
  const at = (days: number, hour: number) => {
    const d = new Date(now);
    d.setDate(d.getDate() + days);
    d.setHours(hour, 0, 0, 0);
    return d;
  };
  const monday = (8 - now.getDay()) % 7 || 7;
  return [
    { label: 'For 1 hour', at: new Date(now.getTime() + 3_600_000) },
    { label: 'Until tomorrow, 9:00', at: at(1, 9) },
    { label: 'Until next Monday, 9:00', at: at(monday, 9) },
  ];
}

/** Take over is offered while the AI answers, and while the chat waits for a person nobody has picked it up. */
export const takesOver = (chat: Chat) => chat.state.ai_enabled || (chat.state.handover === 'WAITING' && !chat.state.assigned_member);

/**
 * Taking over an AI chat turns the AI off (the server assigns it to whoever did it); a waiting chat already has the
 * AI off, so taking it is assigning it to oneself.
 */
export function takeOver(chat: Chat, actions: ChatActions, myMemberId: string | undefined) {
  return chat.state.ai_enabled || !myMemberId ? actions.takeOver() : actions.assign(myMemberId);
}

/** The moves on the open chat: take over or hand back, assign, snooze, resolve or reopen. */
export function ChatToolbar({ orgId, chat, actions, myMemberId }: Props) {
  const members = useAssignableMembers(orgId);
  const [picking, picker] = useDisclosure(false);
  const [when, setWhen] = useState('');
  const s = chat.state;
  const closed = s.state === 'CLOSED';

  return (
    <Group gap="xs" wrap="wrap">
      {takesOver(chat) ? (
        <Button size="xs" color="indigo.8" leftSection={<IconHandStop size={14} />} onClick={() => takeOver(chat, actions, myMemberId)} loading={actions.busy} title="Take over (t)">
          Take over
        </Button>
      ) : (
        <Button size="xs" variant="default" leftSection={<IconRobot size={14} />} onClick={() => actions.handBack()} loading={actions.busy} title="Hand back to the assistant (t)">
          Hand back
        </Button>
      )}
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button size="xs" variant="default" leftSection={<IconUserCheck size={14} />} rightSection={<IconChevronDown size={14} />} aria-label={`Assign: ${s.assigned_member?.name ?? 'nobody'}`}>
            {s.assigned_member ? s.assigned_member.name : 'Assign'}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {myMemberId ? <Menu.Item onClick={() => actions.assign(myMemberId)}>Assign to me (a)</Menu.Item> : null}
          <Menu.Label>Members</Menu.Label>
          {(members.data ?? []).map((m) => (
            <Menu.Item key={m.id} onClick={() => actions.assign(m.id)} rightSection={m.status === 'AWAY' ? 'away' : undefined}>
              {m.name}
            </Menu.Item>
          ))}
          {members.error ? <Menu.Item disabled>{(members.error as Error).message}</Menu.Item> : null}
          {s.assigned_member ? (
            <>
              <Menu.Divider />
              <Menu.Item onClick={() => actions.assign(null)}>Unassign</Menu.Item>
            </>
          ) : null}
        </Menu.Dropdown>
      </Menu>
      {!closed ? (
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            {/* An icon keeps the four moves on one line in a 1280 px three-pane layout. */}
            <ActionIcon size={30} variant={s.state === 'SNOOZED' ? 'light' : 'default'} aria-label={s.state === 'SNOOZED' ? 'Snoozed: change' : 'Snooze'} title="Snooze">
              <IconClock size={16} />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            {presets().map((p) => (
              <Menu.Item key={p.label} onClick={() => actions.snooze(p.at)}>
                {p.label}
              </Menu.Item>
            ))}
            <Menu.Item onClick={picker.open}>Pick a time…</Menu.Item>
          </Menu.Dropdown>
        </Menu>
      ) : null}
      {closed || s.state === 'SNOOZED' ? (
        <Button size="xs" variant="default" leftSection={<IconRotate size={14} />} onClick={() => actions.reopen()} loading={actions.busy}>
          Reopen
        </Button>
      ) : null}
      {!closed ? (
        <Button size="xs" color="teal.9" leftSection={<IconCheck size={14} />} onClick={() => actions.resolve()} loading={actions.busy} title="Resolve (e)">
          Resolve
        </Button>
      ) : null}
      <Modal opened={picking} onClose={picker.close} title="Snooze until" centered>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!when) return;
            void actions.snooze(new Date(when)).then((done) => done && picker.close());
          }}
        >
          <TextInput type="datetime-local" label="Wake the conversation at" description="Your local time. It comes back unread then." value={when} onChange={(e) => setWhen(e.currentTarget.value)} required />
          {actions.error ? <ErrorAlert error={actions.error} /> : null}
          <Group justify="flex-end" mt="md">
            <Button variant="default" onClick={picker.close}>
              Cancel
            </Button>
            <Button type="submit" color="indigo.8" loading={actions.busy}>
              Snooze
            </Button>
          </Group>
        </form>
      </Modal>
    </Group>
  );
}

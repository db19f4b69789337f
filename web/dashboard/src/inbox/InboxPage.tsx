import { Box, EmptyState, Kbd, Text } from '@mantine/core';
import { useDisclosure, useHotkeys, useMediaQuery } from '@mantine/hooks';
import { IconMessages } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { useCurrentUser } from '../auth/session';
import { useOrg } from '../shell/orgs';
import { ChatList } from './ChatList';
import { ChatPane } from './ChatPane';
import { isView } from './format';
import { useInboxLive } from './live';
import { type ChannelType, type InboxScope, useAssignableMembers, useInboxList } from './queries';
import { ShortcutsModal } from './Shortcuts';
import { TypingStore, useTypists } from './typing';
import classes from './inbox.module.css';

const CHANNELS: ChannelType[] = ['API', 'WEB', 'CUSTOM'];

/** The view and filters live in the URL (`?view=mine&channel=WEB`), so every state of the inbox has an address. */
function useScope(): [InboxScope, (s: InboxScope) => void, string] {
  const [params, setParams] = useSearchParams();
  const view = params.get('view');
  const channel = params.get('channel') as ChannelType | null;
  const scope: InboxScope = {
    view: isView(view) ? view : 'unresolved',
    assistantId: params.get('assistant') ?? undefined,
    channel: channel && CHANNELS.includes(channel) ? channel : undefined,
  };
  const set = (s: InboxScope) => {
    const next = new URLSearchParams();
    if (s.view !== 'unresolved') next.set('view', s.view);
    if (s.assistantId) next.set('assistant', s.assistantId);
    if (s.channel) next.set('channel', s.channel);
    setParams(next, { replace: true });
  };
  return [scope, set, params.toString()];
}

/** The member id of the signed-in user in this org: from their memberships, else (an ADMIN of a parent) the members. */
function useMyMemberId(orgId: string): string | undefined {
  const { data: user } = useCurrentUser();
  const members = useAssignableMembers(orgId);
  return user?.memberships.find((m) => m.org_id === orgId)?.member_id ?? members.data?.find((m) => m.user_id === user?.id)?.id;
}

/** The inbox: conversations, the open thread and its contact, live; one pane at a time on a phone. */
export function InboxPage() {
  const { orgId } = useOrg();
  const { chatId } = useParams();
  const navigate = useNavigate();
  const [scope, setScope, search] = useScope();
  const myMemberId = useMyMemberId(orgId);
  const me = useRef(myMemberId);
  me.current = myMemberId;
  const [typing] = useState(() => new TypingStore(() => me.current));
  const live = useInboxLive(orgId, typing);
  const list = useInboxList(orgId, scope);
  const typists = useTypists(typing, chatId);
  const [help, { open: openHelp, close: closeHelp }] = useDisclosure(false);
  const phone = useMediaQuery('(max-width: 48em)') ?? false;
  const wide = useMediaQuery('(min-width: 75em)') ?? true;

  const base = `/o/${orgId}/inbox`;
  const chatLink = (id: string) => `${base}/${id}${search ? `?${search}` : ''}`;
  const step = (by: 1 | -1) => {
    const rows = list.rows ?? [];
    if (!rows.length) return;
    const at = rows.findIndex((c) => c.id === chatId);
    const next = rows[at < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, at + by))];
    if (next && next.id !== chatId) navigate(chatLink(next.id));
  };
  useHotkeys([
    ['j', () => step(1)],
    ['k', () => step(-1)],
    ['shift+?', openHelp],
  ]);

  // j/k can move past the rows on screen: keep the open one visible.
  useEffect(() => {
    document.querySelector('[aria-current="page"][data-selected]')?.scrollIntoView({ block: 'nearest' });
  }, [chatId]);

  const showList = !phone || !chatId;
  const showThread = !phone || !!chatId;
  return (
    <Box className={`${classes.root} ${phone ? classes.single : ''}`}>
      {showList ? (
        <section className={classes.listPane} aria-label="Conversation list">
          <ChatList orgId={orgId} scope={scope} onScope={setScope} list={list} selectedId={chatId} rowLink={chatLink} live={live} />
        </section>
      ) : null}
      {showThread && chatId ? (
        <ChatPane
          orgId={orgId}
          chatId={chatId}
          myMemberId={myMemberId}
          typists={typists}
          chatLink={chatLink}
          contactBeside={wide && !phone}
          backTo={phone ? `${base}${search ? `?${search}` : ''}` : undefined}
        />
      ) : null}
      {showThread && !chatId ? (
        <Box className={classes.threadPane} style={{ justifyContent: 'center' }}>
          <EmptyState icon={<IconMessages size={36} aria-hidden />} title="Pick a conversation">
            <Text size="sm" ta="center" maw={380}>
              Open one from the list, or press <Kbd>j</Kbd> for the first. Press <Kbd>?</Kbd> for every shortcut.
            </Text>
          </EmptyState>
        </Box>
      ) : null}
      <ShortcutsModal opened={help} onClose={closeHelp} />
    </Box>
  );
}

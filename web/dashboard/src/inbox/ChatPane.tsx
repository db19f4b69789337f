import { Box, Drawer } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useRef, useState } from 'react';
import { contactLabel } from '../ui/person';
import { ErrorAlert, Loading } from '../ui/QueryState';
import { useChatActions, useMarkSeen } from './actions';
import type { ComposerMode } from './Composer';
import { takeOver, takesOver } from './ChatToolbar';
import { ContactPanel } from './ContactPanel';
import { useChat, useContact } from './queries';
import { Thread } from './Thread';
import type { Typist } from './typing';
import classes from './inbox.module.css';

interface Props {
  orgId: string;
  chatId: string;
  myMemberId: string | undefined;
  typists: Typist[];
  chatLink: (chatId: string) => string;
  /** Where the contact panel goes: beside the thread, or in a drawer on narrower screens. */
  contactBeside: boolean;
  backTo?: string;
}

/** One open chat: the thread, its contact, and the shortcuts that act on it. */
export function ChatPane({ orgId, chatId, myMemberId, typists, chatLink, contactBeside, backTo }: Props) {
  const chat = useChat(chatId);
  const actions = useChatActions(orgId, chatId);
  const [mode, setMode] = useState<ComposerMode>('reply');
  const [contactOpen, setContactOpen] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const contact = useContact(orgId, chat.data?.contact_id ?? null);
  useMarkSeen(orgId, chat.data);

  const write = (m: ComposerMode) => {
    setMode(m);
    // The textarea re-renders for the new mode first.
    requestAnimationFrame(() => input.current?.focus());
  };
  const s = chat.data?.state;
  useHotkeys([
    ['r', () => write('reply')],
    ['n', () => write('note')],
    ['e', () => s && (s.state === 'CLOSED' ? actions.reopen() : actions.resolve())],
    ['a', () => myMemberId && actions.assign(myMemberId)],
    ['t', () => chat.data && (takesOver(chat.data) ? takeOver(chat.data, actions, myMemberId) : actions.handBack())],
  ]);

  if (chat.isPending) return <Box className={classes.threadPane}><Loading label="Loading the conversation" /></Box>;
  if (chat.error || !chat.data) return <Box className={classes.threadPane} p="md"><ErrorAlert error={chat.error} /></Box>;
  const name = contact.data ? contactLabel(contact.data) : 'Visitor';
  const panel = <ContactPanel orgId={orgId} chat={chat.data} chatLink={chatLink} />;

  return (
    <>
      <section className={classes.threadPane} aria-label={`Conversation with ${name}`}>
        <Thread
          orgId={orgId}
          chat={chat.data}
          contactName={name}
          actions={actions}
          myMemberId={myMemberId}
          typists={typists}
          mode={mode}
          onMode={write}
          inputRef={input}
          backTo={backTo}
          chatLink={chatLink}
          onShowContact={contactBeside ? undefined : () => setContactOpen(true)}
        />
      </section>
      {contactBeside ? (
        <aside className={classes.contactPane} aria-label="Contact">
          {panel}
        </aside>
      ) : (
        <Drawer opened={contactOpen} onClose={() => setContactOpen(false)} position="right" size="sm" title="Contact" padding={0}>
          {panel}
        </Drawer>
      )}
    </>
  );
}

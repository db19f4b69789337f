import { Alert, Anchor, Button, Group, List, Loader, Select, Text, Textarea, VisuallyHidden } from '@mantine/core';
import { IconPlayerStop, IconPlus, IconSend, IconUserShare } from '@tabler/icons-react';
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { Schemas } from '../api/client';
import { useAssistants } from '../assistants/queries';
import { useOrg } from '../shell/orgs';
import { EmptyState } from '../ui/ListTable';
import { webHref } from '../ui/links';
import { PageHeader } from '../ui/PageHeader';
import { ErrorAlert, Loading } from '../ui/QueryState';
import classes from './playground.module.css';
import { type Turn, usePlaygroundChat } from './usePlaygroundChat';

/** Talk to an assistant as a customer would, streamed; each conversation is stored as a chat like any other. */
export function PlaygroundPage() {
  const { orgId } = useOrg();
  const assistants = useAssistants(orgId);
  // The assistant is in the address (?assistant=ast_...), so a test conversation can be shared or reloaded.
  const [params, setParams] = useSearchParams();
  const list = assistants.data ?? [];
  const assistantId = params.get('assistant') ?? list[0]?.id ?? null;
  const chat = usePlaygroundChat(assistantId);

  const header = (
    <PageHeader title="Playground" description="Talk to an assistant as your customers would: replies stream as they are written, with the knowledge they used. Each conversation is stored as a chat.">
      <Button variant="default" leftSection={<IconPlus size={16} />} onClick={chat.reset} disabled={chat.turns.length === 0}>
        New chat
      </Button>
    </PageHeader>
  );
  if (assistants.isPending) return <Loading label="Loading assistants" />;
  if (assistants.error) {
    return (
      <>
        {header}
        <ErrorAlert error={assistants.error} />
      </>
    );
  }
  if (list.length === 0) {
    return (
      <>
        {header}
        <EmptyState title="No assistant to talk to">Create an assistant first; then try it here.</EmptyState>
      </>
    );
  }
  return (
    <>
      {header}
      <Group mb="sm" align="flex-end" gap="sm">
        <Select
          label="Assistant"
          data={list.map((a) => ({ value: a.id, label: a.enabled ? a.name : `${a.name} (disabled)` }))}
          value={assistantId}
          allowDeselect={false}
          searchable={list.length > 7}
          onChange={(id) => {
            if (!id) return;
            chat.reset();
            setParams({ assistant: id }, { replace: true });
          }}
          w={320}
          maw="100%"
        />
        {chat.chatId ? (
          <Text size="xs" c="dimmed" pb={8}>
            Chat <code>{chat.chatId}</code>
          </Text>
        ) : null}
      </Group>
      <div className={classes.chat}>
        <Thread turns={chat.turns} />
        <Composer busy={chat.busy} onSend={chat.send} onStop={chat.stop} />
      </div>
    </>
  );
}

function Thread({ turns }: { turns: Turn[] }) {
  const end = useRef<HTMLDivElement>(null);
  const last = turns[turns.length - 1];
  // Follow the reply as it grows.
  // (A block body: recent Chromium returns a promise from scrollIntoView, which React would take for a cleanup.)
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [turns.length, last?.text]);
  return (
    <div className={classes.thread} role="log" aria-label="Conversation" tabIndex={0}>
      {turns.length === 0 ? (
        <Text size="sm" c="dimmed" ta="center" mt="xl">
          Write a message below to start a conversation.
        </Text>
      ) : null}
      {turns.map((t) => (t.role === 'user' ? <UserTurn key={t.id} t={t} /> : <Reply key={t.id} t={t} />))}
      <div ref={end} />
    </div>
  );
}

function UserTurn({ t }: { t: Turn }) {
  return (
    <div className={`${classes.bubble} ${classes.user}`} data-turn="user">
      <VisuallyHidden>You: </VisuallyHidden>
      <Text size="sm">{t.text}</Text>
    </div>
  );
}

function Reply({ t }: { t: Turn }) {
  return (
    <div style={{ alignSelf: 'flex-start', maxWidth: 'min(640px, 88%)' }} data-turn="assistant" aria-busy={t.streaming || undefined}>
      {t.text || t.streaming ? (
        <div className={`${classes.bubble} ${classes.assistant}`} style={{ maxWidth: '100%' }} data-testid="reply">
          <VisuallyHidden>Assistant: </VisuallyHidden>
          {t.text ? <Text size="sm">{t.text}</Text> : null}
          {t.streaming && !t.text ? <Loader size="xs" type="dots" aria-label="Writing" /> : null}
        </div>
      ) : null}
      {t.handover ? (
        <Alert color="orange" icon={<IconUserShare size={18} />} mt={6} p="xs" title="Handed over to a person">
          {t.handover.assigned_member
            ? `${t.handover.assigned_member.name} handles this chat now; the assistant does not answer it.`
            : 'The chat waits for a member of the team in the inbox; the assistant does not answer it meanwhile.'}
        </Alert>
      ) : null}
      {t.sources?.length ? <Sources sources={t.sources} /> : null}
      {t.error ? (
        <Text size="xs" c="var(--parley-danger-text)" mt={4} role="alert">
          {t.error}
        </Text>
      ) : null}
    </div>
  );
}

/** Each source once: several passages of one page are one link. Only http(s) addresses become links. */
function Sources({ sources }: { sources: Schemas['Source'][] }) {
  const seen = new Set<string>();
  const unique = sources.filter((s) => {
    const key = s.url ?? s.knowledge_id;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return (
    <div data-testid="sources">
      <Text size="xs" fw={600} mt={6}>
        Sources
      </Text>
      <List size="xs" spacing={2}>
        {unique.map((s) => {
          const href = webHref(s.url);
          return (
            <List.Item key={s.url ?? s.knowledge_id}>
              {href ? (
                <Anchor href={href} target="_blank" rel="noreferrer noopener" size="xs">
                  {s.title}
                </Anchor>
              ) : (
                <Text span size="xs">
                  {s.title}
                </Text>
              )}
            </List.Item>
          );
        })}
      </List>
    </div>
  );
}

function Composer({ busy, onSend, onStop }: { busy: boolean; onSend: (m: string) => Promise<void>; onStop: () => void }) {
  const [text, setText] = useState('');
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const message = text.trim();
    if (!message || busy) return;
    setText('');
    void onSend(message);
  };
  // Enter sends, Shift+Enter starts a new line.
  const keyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) submit(e);
  };
  return (
    <form className={classes.composer} onSubmit={submit}>
      <Group align="flex-end" gap="sm" wrap="nowrap">
        <Textarea
          aria-label="Message"
          placeholder="Ask something…"
          autosize
          minRows={1}
          maxRows={6}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          onKeyDown={keyDown}
          style={{ flex: 1 }}
        />
        {busy ? (
          <Button variant="default" leftSection={<IconPlayerStop size={16} />} onClick={onStop}>
            Stop
          </Button>
        ) : (
          <Button type="submit" leftSection={<IconSend size={16} />} disabled={!text.trim()}>
            Send
          </Button>
        )}
      </Group>
    </form>
  );
}

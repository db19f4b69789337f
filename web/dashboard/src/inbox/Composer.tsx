import { Button, Group, Paper, SegmentedControl, Text, Textarea } from '@mantine/core';
import { IconLock, IconSend } from '@tabler/icons-react';
import { type RefObject, useEffect, useState } from 'react';
import { useTypingSignal } from './actions';
import classes from './inbox.module.css';

export type ComposerMode = 'reply' | 'note';

interface Props {
  chatId: string;
  mode: ComposerMode;
  onMode: (mode: ComposerMode) => void;
  onSend: (text: string, mode: ComposerMode) => Promise<boolean>;
  sending: boolean;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  aiAnswering: boolean;
}

/** Reply to the visitor or write an internal note. Enter sends, Shift+Enter starts a new line. */
export function Composer({ chatId, mode, onMode, onSend, sending, inputRef, aiAnswering }: Props) {
  // One draft per chat and mode, so switching chats or to a note never sends the wrong text.
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const key = `${chatId}:${mode}`;
  const draft = drafts[key] ?? '';
  const typing = useTypingSignal(chatId);
  const note = mode === 'note';

  // Switching to a note while typing a reply tells the visitor the typing stopped.
  useEffect(() => typing.changed(draft, mode), [mode]);

  const setDraft = (text: string) => {
    setDrafts((d) => ({ ...d, [key]: text }));
    typing.changed(text, mode);
  };
  const submit = async () => {
    const text = draft.trim();
    if (!text || sending) return;
    if (await onSend(text, mode)) {
      typing.stopped();
      setDrafts((d) => ({ ...d, [key]: '' }));
    }
  };

  return (
    <Paper p="sm" radius={0} style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <SegmentedControl
          style={{ flexShrink: 0 }}
          size="xs"
          value={mode}
          onChange={(v) => onMode(v as ComposerMode)}
          data={[
            { value: 'reply', label: 'Reply (r)' },
            { value: 'note', label: 'Note (n)' },
          ]}
          aria-label="Write a reply or an internal note"
        />
        <Text size="xs" c="dimmed" ta="right">
          {note ? (
            <>
              <IconLock size={12} aria-hidden /> Only your team sees notes
            </>
          ) : aiAnswering ? (
            'Replying takes the conversation over from the assistant'
          ) : (
            'The visitor sees your reply'
          )}
        </Text>
      </Group>
      <Textarea
        ref={inputRef}
        className={note ? classes.composerNote : undefined}
        aria-label={note ? 'Internal note' : 'Reply to the visitor'}
        placeholder={note ? 'Write a note for your team…' : 'Write a reply…'}
        autosize
        minRows={2}
        maxRows={8}
        value={draft}
        onChange={(e) => setDraft(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            void submit();
          }
          // Escape leaves the field, so the keyboard shortcuts work again.
          if (e.key === 'Escape') e.currentTarget.blur();
        }}
      />
      <Group justify="flex-end" mt="xs">
        {/* Keyboard hints mean nothing on a phone's keyboard. */}
        <Text size="xs" c="dimmed" visibleFrom="sm" mr="auto">
          Enter sends · Shift+Enter new line · Esc leaves
        </Text>
        <Button size="xs" color={note ? 'yellow.5' : 'indigo.8'} autoContrast leftSection={note ? <IconLock size={14} /> : <IconSend size={14} />} onClick={() => void submit()} loading={sending} disabled={!draft.trim()}>
          {note ? 'Add note' : 'Send reply'}
        </Button>
      </Group>
    </Paper>
  );
}

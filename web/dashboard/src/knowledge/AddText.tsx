import { Button, Group, Stack, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from '../ui/QueryState';
import { addText, type KnowledgeTarget } from './queries';
import { useFormSubmit } from '../ui/useFormSubmit';

/** A text written here, read as Markdown: `#` headings become the heading path of its chunks. */
export function AddText({ target, onAdded }: { target: KnowledgeTarget; onAdded: (title: string) => void }) {
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');

  const { busy, error, submit } = useFormSubmit(async () => {
    await addText(target, title, text);
    onAdded(title);
    setTitle('');
    setText('');
  });

  return (
    <form onSubmit={submit}>
      <Stack gap="sm">
        <TextInput label="Title" required value={title} onChange={(e) => setTitle(e.currentTarget.value)} maxLength={255} />
        <Textarea
          label="Text"
          description="Markdown: # headings give the passages their section names."
          required
          autosize
          minRows={5}
          maxRows={16}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
        />
        {error ? <ErrorAlert error={error} /> : null}
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            Add text
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

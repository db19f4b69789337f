import { Button, FileButton, Group, List, Paper, Stack, Text } from '@mantine/core';
import { IconUpload } from '@tabler/icons-react';
import { type DragEvent, useRef, useState } from 'react';
import { addFile, type KnowledgeTarget } from './queries';

const ACCEPT = '.pdf,.docx,.txt,.md,.markdown,.html,.htm,application/pdf,text/plain,text/markdown,text/html';

interface Upload {
  key: string;
  name: string;
  state: 'uploading' | 'added' | 'failed';
  error?: string;
}

/**
 * Several files at once, chosen or dropped; the API takes one per request, so they go one after the other and
 * each shows how it went (the server's reason when refused).
 */
export function AddFiles({ target, onAdded }: { target: KnowledgeTarget; onAdded: (title: string) => void }) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [over, setOver] = useState(false);
  // Cleared after each choice, so the same file can be chosen again (after fixing it, or after a refusal).
  const reset = useRef<() => void>(null);
  const busy = uploads.some((u) => u.state === 'uploading');

  const upload = async (files: File[]) => {
    const batch = files.map((f, i) => ({ key: `${Date.now()}-${i}-${f.name}`, name: f.name, state: 'uploading' as const }));
    setUploads((u) => [...batch, ...u]);
    const set = (key: string, patch: Partial<Upload>) => setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...patch } : u)));
    for (const [i, file] of files.entries()) {
      try {
        await addFile(target, file);
        set(batch[i]!.key, { state: 'added' });
        onAdded(file.name);
      } catch (e) {
        set(batch[i]!.key, { state: 'failed', error: e instanceof Error ? e.message : String(e) });
      }
    }
  };

  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const files = [...e.dataTransfer.files];
    if (files.length) void upload(files);
  };

  return (
    <Stack gap="sm">
      <Paper
        withBorder
        p="xl"
        data-testid="file-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
        style={{ borderStyle: 'dashed', borderWidth: 2, background: over ? 'var(--mantine-color-default-hover)' : undefined }}
      >
        <Stack align="center" gap="xs">
          <IconUpload size={28} stroke={1.5} aria-hidden />
          <Text size="sm">Drop files here, or</Text>
          <FileButton
            onChange={(files) => {
              if (files.length) void upload(files);
              reset.current?.();
            }}
            resetRef={reset}
            accept={ACCEPT}
            multiple
          >
            {(props) => (
              <Button {...props} variant="default" loading={busy}>
                Choose files
              </Button>
            )}
          </FileButton>
          <Text size="xs" c="dimmed" ta="center">
            PDF, Word (DOCX), text, Markdown or HTML; up to 50 MB each.
          </Text>
        </Stack>
      </Paper>
      {uploads.length ? (
        <List size="sm" spacing={4} aria-label="Uploads" aria-live="polite">
          {uploads.map((u) => (
            <List.Item key={u.key}>
              <Group gap={6} wrap="nowrap" align="flex-start">
                <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>
                  {u.name}
                </Text>
                <Text size="sm" c={u.state === 'failed' ? 'var(--parley-danger-text)' : 'dimmed'}>
                  {u.state === 'uploading' ? 'uploading…' : u.state === 'added' ? 'added' : `refused: ${u.error}`}
                </Text>
              </Group>
            </List.Item>
          ))}
        </List>
      ) : null}
    </Stack>
  );
}

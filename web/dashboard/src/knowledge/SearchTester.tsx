import { Anchor, Badge, Button, Group, Paper, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { IconSearch } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useAssistants } from '../assistants/queries';
import { webHref } from '../ui/links';
import { ErrorAlert } from '../ui/QueryState';
import { searchKnowledge } from './queries';

const rank = (r: number | null) => (r === null ? 'not among its matches' : `#${r}`);

/** Where a passage ranked in each search: both in hybrid mode, full-text alone without an embedding model. */
const ranks = (mode: string, r: { keyword_rank: number | null; vector_rank: number | null }) =>
  mode === 'hybrid' ? `full-text ${rank(r.keyword_rank)} · vector ${rank(r.vector_rank)}` : `full-text ${rank(r.keyword_rank)}`;

/** The passages an assistant would be given for a question, best first, with the scores that ranked them. */
export function SearchTester({ orgId }: { orgId: string }) {
  const [query, setQuery] = useState('');
  const [assistantId, setAssistantId] = useState<string | null>(null);
  const assistants = useAssistants(orgId);
  const search = useMutation({ mutationFn: (q: string) => searchKnowledge(orgId, { query: q, limit: 10, ...(assistantId ? { assistant_id: assistantId } : {}) }) });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (query.trim()) search.mutate(query);
  };

  return (
    <Stack gap="sm">
      <form onSubmit={submit}>
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput label="Question" placeholder="What are your opening hours?" value={query} onChange={(e) => setQuery(e.currentTarget.value)} style={{ flex: '1 1 280px' }} />
          <Select
            label="As seen by"
            placeholder="All knowledge"
            data={(assistants.data ?? []).map((a) => ({ value: a.id, label: a.name }))}
            value={assistantId}
            onChange={setAssistantId}
            clearable
            style={{ flex: '0 1 220px' }}
          />
          <Button type="submit" leftSection={<IconSearch size={16} />} loading={search.isPending}>
            Search
          </Button>
        </Group>
      </form>
      {search.error ? <ErrorAlert error={search.error} /> : null}
      {search.data ? (
        <Stack gap="xs" aria-live="polite">
          <Text size="sm" c="dimmed">
            {search.data.results.length === 0
              ? 'No passage matches.'
              : `${search.data.results.length} passages, best first (${search.data.mode === 'hybrid' ? 'full-text and vector search, fused' : 'full-text search; no embedding model is configured'}).`}
          </Text>
          <ol aria-label="Ranked passages" style={{ listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: 'var(--mantine-spacing-xs)' }}>
            {search.data.results.map((r, i) => {
              const href = webHref(r.url);
              return (
                <li key={r.chunk_id}>
                  <Paper withBorder p="sm" data-testid="search-result">
                    <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
                      <div style={{ minWidth: 0 }}>
                        <Text size="sm" fw={600}>
                          {i + 1}.{' '}
                          {href ? (
                            <Anchor href={href} target="_blank" rel="noreferrer noopener">
                              {r.title}
                            </Anchor>
                          ) : (
                            r.title
                          )}
                        </Text>
                        {r.heading_path.length ? (
                          <Text size="xs" c="dimmed">
                            {r.heading_path.join(' › ')}
                          </Text>
                        ) : null}
                      </div>
                      <Badge variant="light" style={{ flexShrink: 0 }} title="Fused score (reciprocal rank fusion); higher is better">
                        score {r.score.toFixed(4)}
                      </Badge>
                    </Group>
                    <Text size="sm" mt={6} lineClamp={5} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                      {r.text}
                    </Text>
                    <Text size="xs" c="dimmed" mt={6}>
                      {ranks(search.data.mode, r)}
                    </Text>
                  </Paper>
                </li>
              );
            })}
          </ol>
        </Stack>
      ) : null}
    </Stack>
  );
}

import { Button, Group, Input, NumberInput, SegmentedControl, SimpleGrid, Stack, TagsInput, TextInput } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from '../ui/QueryState';
import { addWebsite, type WebsiteInput, type KnowledgeTarget } from './queries';
import { useFormSubmit } from '../ui/useFormSubmit';

type Mode = NonNullable<WebsiteInput['mode']>;
const MODES: { value: Mode; label: string }[] = [
  { value: 'single', label: 'Single page' },
  { value: 'crawl', label: 'Crawl the site' },
  { value: 'sitemap', label: 'Sitemap' },
];
const URL_HINT: Record<Mode, string> = {
  single: 'The page to read.',
  crawl: 'Where to start: links within the same site are followed.',
  sitemap: 'The address of the sitemap (e.g. https://example.com/sitemap.xml); the pages it lists are read.',
};

/** A page, a site to crawl or a sitemap, with the API's path patterns and limits. */
export function AddWebsite({ target, onAdded }: { target: KnowledgeTarget; onAdded: (title: string) => void }) {
  const [url, setUrl] = useState('');
  const [title, setTitle] = useState('');
  const [mode, setMode] = useState<Mode>('single');
  const [include, setInclude] = useState<string[]>([]);
  const [exclude, setExclude] = useState<string[]>([]);
  const [maxPages, setMaxPages] = useState<number | string>('');
  const [maxDepth, setMaxDepth] = useState<number | string>('');
  const many = mode !== 'single';

  const { busy, error, submit } = useFormSubmit(async () => {
    const content: WebsiteInput = { type: 'URL', url: url.trim(), mode };
    if (many && include.length) content.include_path_patterns = include;
    if (many && exclude.length) content.exclude_path_patterns = exclude;
    if (many && typeof maxPages === 'number') content.max_pages = maxPages;
    if (mode === 'crawl' && typeof maxDepth === 'number') content.max_depth = maxDepth;
    // Without a title, the address names the item.
    const name = title.trim() || url.trim().replace(/^https?:\/\//, '').slice(0, 255);
    await addWebsite(target, name, content);
    onAdded(name);
    setUrl('');
    setTitle('');
  });

  return (
    <form onSubmit={submit}>
      <Stack gap="sm">
        <Input.Wrapper label="What to read" id="website-mode">
          <SegmentedControl data={MODES} value={mode} onChange={(v) => setMode(v as Mode)} fullWidth aria-labelledby="website-mode-label" />
        </Input.Wrapper>
        <TextInput label="Address" type="url" required placeholder="https://example.com/help" description={URL_HINT[mode]} value={url} onChange={(e) => setUrl(e.currentTarget.value)} />
        <TextInput label="Title" description="Optional: the address is used when empty." value={title} onChange={(e) => setTitle(e.currentTarget.value)} maxLength={255} />
        {many ? (
          <>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TagsInput label="Only paths matching" description="Globs such as /docs/*; Enter after each." value={include} onChange={setInclude} clearable />
              <TagsInput label="Never paths matching" description="Globs such as /docs/archive/*." value={exclude} onChange={setExclude} clearable />
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <NumberInput label="At most this many pages" description="The instance's limit applies (200 by default)." min={1} max={10_000} value={maxPages} onChange={setMaxPages} />
              {mode === 'crawl' ? (
                <NumberInput label="Link depth" description="Clicks away from the start page (3 when empty)." min={0} max={20} value={maxDepth} onChange={setMaxDepth} />
              ) : null}
            </SimpleGrid>
          </>
        ) : null}
        {error ? <ErrorAlert error={error} /> : null}
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            Add website
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

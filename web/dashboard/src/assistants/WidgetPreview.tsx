import { Box, Button, Code, CopyButton, Group, Select, Stack, Tabs, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { Widget } from './draft';

/** The widget's attributes for these settings (the page's attributes win over the saved ones, so unsaved ones show). */
function attributes(assistantId: string, w: Widget, locale: string): Array<[string, string]> {
  const list: Array<[string, string]> = [
    ['assistant-id', assistantId],
    ['theme-appearance', w.appearance],
    ['theme-button-background-color', w.button_background_color],
    ['theme-button-color', w.button_color],
    ['position', w.position],
  ];
  if (locale) list.push(['locale', locale]);
  return list;
}

const escapeAttr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The document of the preview frame: an empty page with the real widget.js of this server on it. */
function previewDoc(origin: string, attrs: Array<[string, string]>): string {
  const a = attrs.map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Widget preview</title><style>body{margin:0;font:14px system-ui;color:#555;background:repeating-linear-gradient(45deg,#f6f7f9,#f6f7f9 12px,#eef0f3 12px,#eef0f3 24px)}p{margin:16px}</style></head><body><p>Your website</p><parley-assistant${a}></parley-assistant><script src="${escapeAttr(origin)}/widget.js" async></script></body></html>`;
}

export const LOCALES = [
  { value: '', label: "The page's language" },
  { value: 'en', label: 'English' },
  { value: 'fr', label: 'French' },
  { value: 'de', label: 'German' },
  { value: 'es', label: 'Spanish' },
  { value: 'pt', label: 'Portuguese' },
  { value: 'ar', label: 'Arabic (right to left)' },
  { value: 'he', label: 'Hebrew (right to left)' },
];

/**
 * A live preview of the real widget with the form's current (unsaved) look, in an iframe of this origin: Parley's
 * own origin is always allowed, so it works before any site is. The frame gets scripts and its origin (the widget
 * keeps its visitor token in localStorage) but no top navigation, popups or forms.
 */
export function WidgetPreview({ assistantId, widget, locale, setLocale }: { assistantId: string; widget: Widget; locale: string; setLocale: (v: string) => void }) {
  // Rebuilt on each change; debounced so typing a colour does not reload the frame for every key.
  const [doc] = useDebouncedValue(previewDoc(window.location.origin, attributes(assistantId, widget, locale)), 400);
  return (
    <Stack gap="sm">
      <Select label="Widget language (a page attribute)" description="The widget's own words and direction; not saved on the assistant." data={LOCALES} value={locale} onChange={(v) => setLocale(v ?? '')} allowDeselect={false} maw={320} />
      <Box style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-md)', overflow: 'hidden' }}>
        <iframe key={doc} title="Widget preview" srcDoc={doc} sandbox="allow-scripts allow-same-origin" style={{ display: 'block', width: '100%', height: 560, border: 0 }} />
      </Box>
      <Text size="xs" c="dimmed">
        {widget.enabled
          ? 'The preview is the real widget: a message sent here starts a real chat with this assistant.'
          : 'The widget is off: the preview shows its look, but it will not answer until you enable it and save.'}
      </Text>
    </Stack>
  );
}

/** The two ways to embed the widget, with the form's current look as attributes, and copy buttons. */
export function EmbedSnippet({ assistantId, widget, locale }: { assistantId: string; widget: Widget; locale: string }) {
  const origin = window.location.origin;
  const attrs = attributes(assistantId, widget, locale).slice(1);
  const script = `<script src="${origin}/widget.js" data-assistant-id="${assistantId}"${attrs.map(([k, v]) => ` data-${k}="${escapeAttr(v)}"`).join('')} async></script>`;
  const element = `<parley-assistant assistant-id="${assistantId}"${attrs.map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('')}></parley-assistant>\n<script src="${origin}/widget.js" async></script>`;
  return (
    <Tabs defaultValue="script">
      <Tabs.List>
        <Tabs.Tab value="script">Script tag</Tabs.Tab>
        <Tabs.Tab value="element">Custom element</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="script" pt="sm">
        <Snippet code={script} label="script tag" />
      </Tabs.Panel>
      <Tabs.Panel value="element" pt="sm">
        <Snippet code={element} label="custom element" />
      </Tabs.Panel>
    </Tabs>
  );
}

function Snippet({ code, label }: { code: string; label: string }) {
  return (
    <Stack gap="xs">
      <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }} aria-label={`Embed code: ${label}`}>
        {code}
      </Code>
      <Group>
        <CopyButton value={code}>
          {({ copied, copy }) => (
            <Button size="xs" variant={copied ? 'filled' : 'light'} color={copied ? 'teal' : undefined} onClick={copy}>
              {copied ? 'Copied' : `Copy the ${label}`}
            </Button>
          )}
        </CopyButton>
      </Group>
    </Stack>
  );
}

import { Autocomplete, Box, Select, Switch, Textarea, TextInput } from '@mantine/core';
import type { Draft } from './draft';
import { ModelField } from './ModelField';

const ZONES = Intl.supportedValuesOf('timeZone');

export function GeneralFields({ draft, set, orgId }: { draft: Draft; set: (d: Draft) => void; orgId: string }) {
  const config = (patch: Partial<Draft['config']>) => set({ ...draft, config: { ...draft.config, ...patch } });
  return (
    <>
      <TextInput label="Name" required maxLength={1024} value={draft.name} onChange={(e) => set({ ...draft, name: e.currentTarget.value })} />
      <Switch
        mt="md"
        label="Enabled"
        description="A disabled assistant answers nobody: not the API, not the widget."
        checked={draft.enabled}
        onChange={(e) => set({ ...draft, enabled: e.currentTarget.checked })}
      />
      <Box mt="md">
        <ModelField orgId={orgId} value={draft.config.model} onChange={(model) => config({ model })} />
      </Box>
      <Textarea
        mt="md"
        label="Instructions"
        description="What the assistant is for and how it answers."
        autosize
        minRows={5}
        maxRows={16}
        maxLength={32000}
        value={draft.config.instructions}
        onChange={(e) => config({ instructions: e.currentTarget.value })}
      />
      <TextInput
        mt="md"
        label="Language"
        description='"auto" answers in the customer&apos;s language; or a tag such as en or pt-BR.'
        value={draft.config.language}
        onChange={(e) => config({ language: e.currentTarget.value })}
      />
      <Autocomplete mt="md" label="Time zone" description="For dates and opening hours in answers." data={ZONES} limit={20} value={draft.config.timezone} onChange={(v) => config({ timezone: v })} />
      <Select
        mt="md"
        label="Knowledge"
        description="Which knowledge the assistant answers from."
        allowDeselect={false}
        data={[
          { value: 'all', label: "The organization's and its own" },
          { value: 'global', label: "The organization's only" },
          { value: 'assistant', label: 'Its own only' },
        ]}
        value={draft.config.knowledge_scope}
        onChange={(v) => v && config({ knowledge_scope: v as Draft['config']['knowledge_scope'] })}
      />
    </>
  );
}

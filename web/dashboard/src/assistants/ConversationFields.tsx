import { NumberInput, SegmentedControl, SimpleGrid, Stack, Switch, TagsInput, Text, Textarea, TextInput } from '@mantine/core';
import { type Conversation, type Draft, TOGGLES } from './draft';

export function ConversationFields({ draft, set }: { draft: Draft; set: (d: Draft) => void }) {
  const c = draft.config.conversation;
  const change = (patch: Partial<Conversation>) => set({ ...draft, config: { ...draft.config, conversation: { ...c, ...patch } } });
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" verticalSpacing="md">
        {TOGGLES.map((t) => (
          <Switch key={t.key} label={t.label} description={t.description} checked={!!c[t.key]} onChange={(e) => change({ [t.key]: e.currentTarget.checked } as Partial<Conversation>)} />
        ))}
      </SimpleGrid>
      {c.enable_auto_resolve ? (
        <NumberInput
          label="Auto-resolve after (minutes)"
          min={5}
          max={43200}
          maw={260}
          value={c.auto_resolve_after_minutes}
          onChange={(v) => typeof v === 'number' && change({ auto_resolve_after_minutes: v })}
        />
      ) : null}
      <div>
        <Text size="sm" fw={500} id="thread-mode-label">
          A returning customer
        </Text>
        <SegmentedControl
          aria-labelledby="thread-mode-label"
          mt={4}
          value={c.thread_mode}
          onChange={(v) => change({ thread_mode: v as Conversation['thread_mode'] })}
          data={[
            { value: 'continue', label: 'Continues their chat' },
            { value: 'new', label: 'Starts a new chat' },
          ]}
        />
      </div>
      <TextInput label="Welcome banner" description="Shown at the top of the widget." maxLength={1024} value={c.welcome_banner} onChange={(e) => change({ welcome_banner: e.currentTarget.value })} />
      <Textarea
        label="First message"
        description="What the assistant says before the customer writes."
        autosize
        minRows={2}
        maxLength={2048}
        value={c.auto_intro_message}
        onChange={(e) => change({ auto_intro_message: e.currentTarget.value })}
      />
      <TagsInput
        label="Suggested questions"
        description="Up to 10, offered as buttons; press Enter after each."
        maxTags={10}
        value={c.suggested_messages}
        onChange={(v) => change({ suggested_messages: v })}
      />
    </Stack>
  );
}

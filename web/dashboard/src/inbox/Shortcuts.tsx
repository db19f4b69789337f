import { Group, Kbd, Modal, Stack, Text } from '@mantine/core';

export const SHORTCUTS: [string, string][] = [
  ['j', 'Next conversation'],
  ['k', 'Previous conversation'],
  ['r', 'Write a reply'],
  ['n', 'Write an internal note'],
  ['e', 'Resolve (or reopen)'],
  ['a', 'Assign to me'],
  ['t', 'Take over, or hand back to the assistant'],
  ['Esc', 'Leave the text field'],
  ['?', 'Show these shortcuts'],
];

/** The keyboard shortcuts of the inbox; they work whenever the focus is not in a text field. */
export function ShortcutsModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Keyboard shortcuts" centered size="sm">
      <Stack gap={8}>
        {SHORTCUTS.map(([key, what]) => (
          <Group key={key} justify="space-between">
            <Text size="sm">{what}</Text>
            <Kbd>{key}</Kbd>
          </Group>
        ))}
      </Stack>
      <Text size="xs" c="dimmed" mt="md">
        Shortcuts do nothing while you type in a field: press Esc first.
      </Text>
    </Modal>
  );
}

import { ActionIcon, Alert, Button, Code, CopyButton, Group, Modal, Stack, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

/** The signing secret is in the create or rotate answer only: shown here until the modal is closed. */
export function SecretModal({ secret, onClose }: { secret: string | null; onClose: () => void }) {
  return (
    <Modal opened={!!secret} onClose={onClose} title="Signing secret" centered size="lg">
      <Stack>
        <Alert color="yellow" title="Copy it now">
          This is the only time Parley shows the secret. Your receiver checks each request's signature with it; if it is lost, rotate it.
        </Alert>
        <Group gap="xs" wrap="nowrap">
          <Code block style={{ flex: 1, overflowWrap: 'anywhere', whiteSpace: 'normal' }} data-testid="webhook-secret">
            {secret}
          </Code>
          <CopyButton value={secret ?? ''}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? 'Copied' : 'Copy'}>
                <ActionIcon variant="light" size="lg" onClick={copy} aria-label="Copy the secret">
                  {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
        </Group>
        <Group justify="flex-end">
          <Button onClick={onClose}>Done</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

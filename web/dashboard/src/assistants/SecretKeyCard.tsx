import { ActionIcon, Button, Code, CopyButton, Group, Paper, Text, Title, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { ConfirmButton } from '../ui/ConfirmButton';

/** The secret that signs end-user identity hashes; issuing a new one breaks the old signatures, so it asks first. */
export function SecretKeyCard({ secret, canManage, onGenerate }: { secret: string | null; canManage: boolean; onGenerate: () => Promise<unknown> }) {
  return (
    <Paper withBorder p="lg">
      <Title order={2} size="h4">
        Secret key
      </Title>
      <Text size="sm" c="dimmed" mt={4} mb="sm">
        Your server signs a customer&apos;s id with it, so the widget can trust who they are.
      </Text>
      {secret ? (
        <Group gap="xs" wrap="nowrap">
          <Code style={{ overflowWrap: 'anywhere' }}>{secret}</Code>
          <CopyButton value={secret}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? 'Copied' : 'Copy'}>
                <ActionIcon variant="subtle" onClick={copy} aria-label="Copy the secret key">
                  {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
        </Group>
      ) : (
        <Text size="sm">No secret key yet.</Text>
      )}
      {canManage ? (
        secret ? (
          <ConfirmButton
            mt="md"
            title="Issue a new secret key?"
            message="The current key stops working at once: identity hashes signed with it are refused until your server uses the new one."
            confirmLabel="Issue new key"
            onConfirm={onGenerate}
          >
            Issue a new secret key
          </ConfirmButton>
        ) : (
          <Button mt="md" variant="light" onClick={() => void onGenerate()}>
            Generate a secret key
          </Button>
        )
      ) : null}
    </Paper>
  );
}

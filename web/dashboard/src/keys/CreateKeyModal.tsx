import { ActionIcon, Alert, Button, Code, CopyButton, Group, Modal, SegmentedControl, Select, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { api, type Schemas, unwrap } from '../api/client';
import { useAssistants } from '../assistants/queries';
import { ErrorAlert } from '../ui/QueryState';

const EXPIRY = [
  { value: 'never', label: 'Never' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In a year' },
];

/** Creates a key; the secret is in this one answer only, so the modal shows it until it is closed. */
export function CreateKeyModal({ orgId, opened, onClose, onCreated }: { orgId: string; opened: boolean; onClose: () => void; onCreated: () => void }) {
  const assistants = useAssistants(orgId);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'admin' | 'runtime'>('runtime');
  const [assistantId, setAssistantId] = useState<string | null>(null);
  const [expiry, setExpiry] = useState('never');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<Schemas['CreatedApiKey'] | null>(null);

  const close = () => {
    setCreated(null);
    setName('');
    setError(null);
    onClose();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const expires_at = expiry === 'never' ? null : new Date(Date.now() + Number(expiry) * 86_400_000).toISOString();
      const body = { name: name.trim(), scope, assistant_id: scope === 'runtime' ? assistantId : null, expires_at };
      setCreated(await unwrap(api.POST('/orgs/{org_id}/api-keys', { params: { path: { org_id: orgId } }, body })));
      onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={close} title={created ? 'Your new API key' : 'Create an API key'} centered size="lg">
      {created ? (
        <Stack>
          <Alert color="yellow" title="Copy it now">
            This is the only time Parley shows the secret. Store it somewhere safe; if it is lost, revoke the key and create another.
          </Alert>
          <Group gap="xs" wrap="nowrap">
            <Code block style={{ flex: 1, overflowWrap: 'anywhere', whiteSpace: 'normal' }} data-testid="new-key-secret">
              {created.key}
            </Code>
            <CopyButton value={created.key}>
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
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit}>
          <TextInput label="Name" required description="Where the key is used, to recognise it later." placeholder="Website backend" maxLength={128} value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Text size="sm" fw={500} mt="md" id="scope-label">
            Scope
          </Text>
          <SegmentedControl
            aria-labelledby="scope-label"
            mt={4}
            value={scope}
            onChange={(v) => setScope(v as 'admin' | 'runtime')}
            data={[
              { value: 'runtime', label: 'Runtime: invoke assistants' },
              { value: 'admin', label: 'Admin: the whole API' },
            ]}
          />
          {scope === 'runtime' ? (
            <Select
              mt="md"
              label="Assistant"
              description="Restrict the key to one assistant, or leave empty for all."
              placeholder="Any assistant"
              clearable
              data={(assistants.data ?? []).map((a) => ({ value: a.id, label: a.name }))}
              value={assistantId}
              onChange={setAssistantId}
            />
          ) : null}
          <Select mt="md" label="Expires" allowDeselect={false} data={EXPIRY} value={expiry} onChange={(v) => v && setExpiry(v)} />
          {error ? <ErrorAlert error={error} /> : null}
          <Group justify="flex-end" mt="lg">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Create key
            </Button>
          </Group>
        </form>
      )}
    </Modal>
  );
}

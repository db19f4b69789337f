import { Button, Group, Modal, MultiSelect, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api, type Schemas, unwrap } from '../api/client';
import { ErrorAlert } from '../ui/QueryState';
import { EVENT_TYPE_OPTIONS, isEventType } from './events';

/** Creates an endpoint and hands its one-time secret to the page. */
export function CreateWebhookModal({ orgId, opened, onClose, onCreated }: { orgId: string; opened: boolean; onClose: () => void; onCreated: (w: Schemas['WebhookWithSecret']) => void }) {
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState<string[]>([]);
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const close = () => {
    setUrl('');
    setTypes([]);
    setDescription('');
    setError(null);
    onClose();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { url, event_types: types.filter(isEventType), description };
      const created = await unwrap(api.POST('/orgs/{org_id}/webhooks', { params: { path: { org_id: orgId } }, body }));
      close();
      onCreated(created);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={close} title="Add a webhook endpoint" centered size="lg">
      <form onSubmit={submit}>
        <TextInput label="URL" description="Where Parley POSTs the events." placeholder="https://example.com/parley/webhooks" required type="url" value={url} onChange={(e) => setUrl(e.currentTarget.value)} />
        <MultiSelect
          mt="md"
          label="Event types"
          description="The events sent to this endpoint."
          placeholder={types.length ? undefined : 'Pick one or more'}
          data={EVENT_TYPE_OPTIONS}
          value={types}
          onChange={setTypes}
          searchable
          clearable
          required
          comboboxProps={{ withinPortal: true }}
        />
        <TextInput mt="md" label="Description" placeholder="Replies to our CRM" maxLength={500} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
        {error ? <ErrorAlert error={error} /> : null}
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" loading={busy} disabled={types.length === 0}>
            Add endpoint
          </Button>
        </Group>
      </form>
    </Modal>
  );
}

import { Button, Group, Modal, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { api, type Schemas, unwrap } from '../api/client';
import { ErrorAlert } from '../ui/QueryState';
import { type Provider, PROVIDERS } from './queries';

interface Props {
  opened: boolean;
  onClose: () => void;
  orgId: string;
  /** The provider being replaced, or null to add one. */
  provider: Provider | null;
  existing: Schemas['ProviderCredential'][];
  onSaved: (p: Provider) => void;
}

/** Adds or replaces a provider's credentials. The key is typed into a password field and is never read back. */
export function CredentialModal({ opened, onClose, orgId, provider, existing, onSaved }: Props) {
  const [chosen, setChosen] = useState<Provider>('openai');
  const [apiKey, setApiKey] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!opened) return;
    const first = provider ?? PROVIDERS.find((p) => !existing.some((c) => c.provider === p.value))?.value ?? 'openai';
    setChosen(first);
    setApiKey('');
    setBaseUrl(existing.find((c) => c.provider === first)?.base_url ?? '');
    setError(null);
    // Only when the dialog opens: typing must not be reset by a refetch of the list.
  }, [opened]);

  const meta = PROVIDERS.find((p) => p.value === chosen)!;
  const compatible = chosen === 'openai-compatible';
  const replacing = existing.some((c) => c.provider === chosen);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // An empty key field on a replace keeps the stored key (the field is omitted); the base URL is always sent.
      const body: Schemas['PutProviderCredential'] = { base_url: baseUrl.trim() || null };
      if (apiKey.trim()) body.api_key = apiKey.trim();
      await unwrap(api.PUT('/orgs/{org_id}/providers/{provider}', { params: { path: { org_id: orgId, provider: chosen } }, body }));
      setApiKey('');
      onSaved(chosen);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={provider ? `Replace the ${meta.label} credentials` : 'Add a provider'} centered>
      <form onSubmit={submit}>
        <Stack>
          <Select
            label="Provider"
            allowDeselect={false}
            disabled={!!provider}
            data={PROVIDERS.map((p) => ({ value: p.value, label: existing.some((c) => c.provider === p.value) ? `${p.label} (replaces the stored one)` : p.label }))}
            value={chosen}
            onChange={(v) => {
              if (!v) return;
              setChosen(v as Provider);
              setBaseUrl(existing.find((c) => c.provider === v)?.base_url ?? '');
            }}
          />
          <PasswordInput
            label="API key"
            description={replacing ? 'Leave empty to keep the stored key. It is never shown again.' : 'Stored encrypted; it is never shown again.'}
            placeholder={meta.keyPlaceholder}
            required={!replacing && !compatible}
            autoComplete="off"
            value={apiKey}
            onChange={(e) => setApiKey(e.currentTarget.value)}
          />
          <TextInput
            label="Base URL"
            description={compatible ? 'The server\'s OpenAI-compatible API, e.g. https://llm.example.com/v1.' : 'Optional: a proxy in front of the provider.'}
            placeholder="https://llm.example.com/v1"
            required={compatible}
            type="url"
            value={baseUrl}
            onChange={(e) => setBaseUrl(e.currentTarget.value)}
          />
          {error ? <ErrorAlert error={error} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

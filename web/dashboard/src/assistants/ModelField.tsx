import { Autocomplete, Select, SimpleGrid, Text } from '@mantine/core';
import { providerLabel, useProviderCredentials } from '../providers/queries';

/** Well-known model names offered per provider; any other name the provider serves can be typed. */
const SUGGESTED: Record<string, string[]> = {
  builtin: ['extractive'],
  openai: ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'gpt-4.1', 'gpt-5-mini', 'gpt-5', 'o4-mini'],
  anthropic: ['claude-haiku-4-5', 'claude-sonnet-4-5', 'claude-opus-4-1'],
  'openai-compatible': [],
};

const split = (model: string): [string, string] => {
  const i = model.indexOf('/');
  return i < 0 ? ['', model] : [model.slice(0, i), model.slice(i + 1)];
};

/**
 * The model as a provider the org can use and a model name. The providers offered are the built-in one, those with
 * org credentials (when the role may read them), and the assistant's current one (the instance's own configuration,
 * e.g. OPENAI_API_KEY, is not exposed by the API, so a provider set up that way shows only once it is in use).
 */
export function ModelField({ orgId, value, onChange, canReadProviders }: { orgId: string; value: string; onChange: (v: string) => void; canReadProviders: boolean }) {
  const creds = useProviderCredentials(orgId, canReadProviders);
  const [provider, name] = split(value);
  const providers = [...new Set(['builtin', ...(creds.data ?? []).map((c) => c.provider), ...(provider ? [provider] : [])])];
  const choose = (p: string) => onChange(`${p}/${p === 'builtin' ? 'extractive' : p === provider ? name : (SUGGESTED[p]?.[0] ?? '')}`);
  return (
    <div>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select
          label="Model provider"
          description="The built-in offline model, or a provider with credentials on the Providers page."
          allowDeselect={false}
          data={providers.map((p) => ({ value: p, label: providerLabel(p) }))}
          value={provider || null}
          onChange={(p) => p && choose(p)}
        />
        {provider === 'builtin' ? (
          <Select label="Model" description="The offline model answers from knowledge by extraction." allowDeselect={false} data={SUGGESTED.builtin!} value={name} onChange={(v) => v && onChange(`builtin/${v}`)} />
        ) : (
          <Autocomplete
            label="Model"
            description="A suggestion, or any model name the provider serves."
            data={SUGGESTED[provider] ?? []}
            value={name}
            onChange={(v) => onChange(`${provider}/${v.trim()}`)}
          />
        )}
      </SimpleGrid>
      {creds.error ? (
        <Text size="xs" c="dimmed" mt={4}>
          The configured providers could not be listed; the built-in and the current provider are offered.
        </Text>
      ) : null}
    </div>
  );
}

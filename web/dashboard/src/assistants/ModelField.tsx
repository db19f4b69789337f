import { Autocomplete, Select, SimpleGrid, Text } from '@mantine/core';
import { providerLabel, useModelProviders } from '../providers/queries';

const split = (model: string): [string, string] => {
  const i = model.indexOf('/');
  return i < 0 ? ['', model] : [model.slice(0, i), model.slice(i + 1)];
};

/**
 * The model as a provider the org can use and a model name: the providers come from `GET /orgs/{org_id}/models`
 * (the built-in one, those the instance's settings configure, the org's or a parent org's credentials), plus the
 * assistant's current one if it is no longer among them.
 */
export function ModelField({ orgId, value, onChange }: { orgId: string; value: string; onChange: (v: string) => void }) {
  const usable = useModelProviders(orgId);
  const [provider, name] = split(value);
  const suggested = (p: string) => usable.data?.find((u) => u.provider === p)?.suggested_models ?? [];
  const providers = [...new Set(['builtin', ...(usable.data ?? []).map((u) => u.provider), ...(provider ? [provider] : [])])];
  const choose = (p: string) => onChange(`${p}/${p === 'builtin' ? 'extractive' : p === provider ? name : (suggested(p)[0] ?? '')}`);
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
          <Select label="Model" description="The offline model answers from knowledge by extraction." allowDeselect={false} data={['extractive']} value={name} onChange={(v) => v && onChange(`builtin/${v}`)} />
        ) : (
          <Autocomplete
            label="Model"
            description="A suggestion, or any model name the provider serves."
            data={suggested(provider)}
            value={name}
            onChange={(v) => onChange(`${provider}/${v.trim()}`)}
          />
        )}
      </SimpleGrid>
      {usable.error ? (
        <Text size="xs" c="dimmed" mt={4}>
          The configured providers could not be listed; the built-in and the current provider are offered.
        </Text>
      ) : null}
    </div>
  );
}

import { useQuery } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../api/client';

export type Provider = Schemas['ProviderCredential']['provider'];

export const providersKey = (orgId: string) => ['orgs', orgId, 'providers'] as const;

/** The providers an assistant of the org can use (the built-in one, the instance's and the org's), with model names to suggest. */
export function useModelProviders(orgId: string) {
  return useQuery({
    queryKey: [...providersKey(orgId), 'models'],
    queryFn: () => unwrap(api.GET('/orgs/{org_id}/models', { params: { path: { org_id: orgId } } })),
  });
}

export function useProviderCredentials(orgId: string, enabled = true) {
  return useQuery({
    queryKey: providersKey(orgId),
    queryFn: () => unwrap(api.GET('/orgs/{org_id}/providers', { params: { path: { org_id: orgId } } })),
    enabled,
  });
}

/** The providers an org can store credentials for, with the words the dashboard uses for them. */
export const PROVIDERS: Array<{ value: Provider; label: string; keyPlaceholder: string }> = [
  { value: 'openai', label: 'OpenAI', keyPlaceholder: 'sk-...' },
  { value: 'anthropic', label: 'Anthropic', keyPlaceholder: 'sk-ant-...' },
  { value: 'openai-compatible', label: 'OpenAI-compatible server', keyPlaceholder: 'optional' },
];

export const providerLabel = (p: string) => PROVIDERS.find((x) => x.value === p)?.label ?? (p === 'builtin' ? 'Built-in (offline)' : p);

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, client, seedOrg, startServer, type TestServer } from './harness.ts';

describe('assistants', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.close());

  it('creates an assistant with defaults in the Invent shape', async () => {
    const t = await seedOrg(server);
    const res = await client(server, t.key).post('/orgs/c/assistants', { name: 'Helpdesk' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^ast_[A-Za-z0-9]{22}$/),
      org_id: t.orgId,
      name: 'Helpdesk',
      enabled: true,
      deleted: false,
      secret_key: null,
      avatar_url: null,
      integrations: [],
      actions: [],
      boards: [],
      config: {
        instructions: '',
        language: 'auto',
        model: 'builtin/extractive',
        timezone: 'UTC',
        knowledge_scope: 'all',
        conversation: expect.objectContaining({ thread_mode: 'new', enable_transfer_to_human_tool: false }),
      },
    });
    expect(Date.parse(res.body.created_at)).not.toBeNaN();
  });

  it('stores a full config and generates a secret key on request', async () => {
    const t = await seedOrg(server);
    // The org brings its own OpenAI key (the instance has none), so an OpenAI model may be saved.
    const key = await call(server, 'PUT', '/orgs/c/providers/openai', { key: t.key, json: { api_key: 'sk-org-0000' } });
    expect(key.status, key.text).toBe(200);
    const res = await client(server, t.key).post('/orgs/c/assistants', {
      name: 'Configured',
      enabled: false,
      avatar_url: 'https://example.com/a.png',
      generate_secret_key: true,
      config: {
        instructions: 'Be kind.',
        language: 'pt-BR',
        model: 'openai/gpt-4o-mini',
        timezone: 'Europe/Paris',
        knowledge_scope: 'assistant',
        conversation: { suggested_messages: ['Opening hours?'], enable_auto_csat: true },
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.secret_key).toMatch(/^ask_[A-Za-z0-9]{43}$/);
    expect(res.body.enabled).toBe(false);
    expect(res.body.config).toMatchObject({
      instructions: 'Be kind.',
      language: 'pt-BR',
      model: 'openai/gpt-4o-mini',
      timezone: 'Europe/Paris',
      knowledge_scope: 'assistant',
    });
    expect(res.body.config.conversation).toMatchObject({ suggested_messages: ['Opening hours?'], enable_auto_csat: true, enable_memories: false });
    const fetched = await client(server, t.key).get(`/orgs/c/assistants/${res.body.id}`);
    expect(fetched.body).toEqual(res.body);
  });

  it('refuses, when saved, a model its org cannot call, naming the model and how to configure its provider', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const created = await api.post('/orgs/c/assistants', { name: 'Vendor', config: { model: 'anthropic/claude-3-5-haiku-latest' } });
    expect(created.status).toBe(400);
    expect(created.body).toEqual({
      message:
        'config.model: model provider "anthropic" of "anthropic/claude-3-5-haiku-latest" is not configured on this instance: the operator sets ANTHROPIC_API_KEY, or an org admin stores the org\'s own credentials with PUT /orgs/{org_id}/providers/anthropic (see /guides/model-providers)',
    });
    expect((await api.post('/orgs/c/assistants', { name: 'X', config: { model: 'mistral/large' } })).body).toEqual({
      message: 'config.model: unknown model provider "mistral" in "mistral/large"',
    });
    expect((await api.post('/orgs/c/assistants', { name: 'X', config: { model: 'builtin/gpt' } })).body.message).toBe(
      'config.model: unknown built-in model "builtin/gpt"; use builtin/extractive',
    );
    const ok = await api.post('/orgs/c/assistants', { name: 'Offline', config: { model: 'builtin/extractive' } });
    expect(ok.status).toBe(200);
    const patched = await api.patch(`/orgs/c/assistants/${ok.body.id}`, { config: { model: 'openai/gpt-4o-mini' } });
    expect(patched.status).toBe(400);
    expect(patched.body.message).toMatch(/^config\.model: model provider "openai" of "openai\/gpt-4o-mini" is not configured on this instance: the operator sets OPENAI_API_KEY/);
    expect((await api.get(`/orgs/c/assistants/${ok.body.id}`)).body.config.model).toBe('builtin/extractive');
    // Back to the instance default is always possible.
    expect((await api.patch(`/orgs/c/assistants/${ok.body.id}`, { config: { model: null } })).status).toBe(200);
    // Once the org stores its credentials, the model is accepted.
    expect((await call(server, 'PUT', '/orgs/c/providers/anthropic', { key: t.key, json: { api_key: 'sk-ant-org-1' } })).status).toBe(200);
    expect((await api.patch(`/orgs/c/assistants/${ok.body.id}`, { config: { model: 'anthropic/claude-3-5-haiku-latest' } })).status).toBe(200);
  });

  it('patches partially and merges config', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const created = await api.post('/orgs/c/assistants', { name: 'P', config: { instructions: 'A', conversation: { enable_auto_csat: true } } });
    const patched = await api.patch(`/orgs/c/assistants/${created.body.id}`, {
      name: 'Renamed',
      config: { timezone: 'America/New_York', conversation: { enable_memories: true } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.name).toBe('Renamed');
    expect(patched.body.config).toMatchObject({ instructions: 'A', timezone: 'America/New_York' });
    expect(patched.body.config.conversation).toMatchObject({ enable_auto_csat: true, enable_memories: true });
    expect(Date.parse(patched.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(created.body.updated_at));
    const reset = await api.patch(`/orgs/c/assistants/${created.body.id}`, { config: { model: null } });
    expect(reset.body.config.model).toBe('builtin/extractive');
  });

  it('rejects invalid input naming the field', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const cases: Array<[unknown, RegExp]> = [
      [{}, /^name: is required/],
      [{ name: '' }, /^name: /],
      [{ name: 'x'.repeat(1025) }, /^name: /],
      [{ name: 'ok', enabled: 'yes' }, /^enabled: /],
      [{ name: 'ok', config: { timezone: 'Mars/Base' } }, /^config\.timezone: must be an IANA time zone/],
      [{ name: 'ok', config: { model: 'gpt4' } }, /^config\.model: must be "provider\/model"/],
      [{ name: 'ok', config: { knowledge_scope: 'everything' } }, /^config\.knowledge_scope: /],
      [{ name: 'ok', config: { language: 'English!' } }, /^config\.language: /],
      [{ name: 'ok', avatar_url: 'javascript:alert(1)' }, /^avatar_url: /],
      [[1, 2], /^body: /],
    ];
    for (const [body, message] of cases) {
      const res = await api.post('/orgs/c/assistants', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.message, JSON.stringify(body)).toMatch(message);
    }
    expect((await api.get('/orgs/c/assistants')).body).toEqual([]);
  });

  it('soft-deletes: gone from list and get, answers 404 after', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const a = await api.post('/orgs/c/assistants', { name: 'Doomed' });
    const b = await api.post('/orgs/c/assistants', { name: 'Kept' });
    const del = await api.del(`/orgs/c/assistants/${a.body.id}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ id: a.body.id, deleted: true });
    const list = await api.get('/orgs/c/assistants');
    expect(list.body.map((x: { id: string }) => x.id)).toEqual([b.body.id]);
    expect(list.headers.get('pagination-count')).toBe('1');
    expect((await api.get(`/orgs/c/assistants/${a.body.id}`)).status).toBe(404);
    expect((await api.del(`/orgs/c/assistants/${a.body.id}`)).status).toBe(404);
    expect((await api.patch(`/orgs/c/assistants/${a.body.id}`, { name: 'back' })).status).toBe(404);
  });

  it('limits creation per org per hour with a 429 and Retry-After', async () => {
    const limited = await startServer({ PARLEY_ASSISTANT_CREATE_LIMIT_PER_HOUR: '3' });
    try {
      const one = await seedOrg(limited);
      const two = await seedOrg(limited);
      for (let i = 0; i < 3; i++) expect((await client(limited, one.key).post('/orgs/c/assistants', { name: `a${i}` })).status).toBe(200);
      const over = await client(limited, one.key).post('/orgs/c/assistants', { name: 'too many' });
      expect(over.status).toBe(429);
      expect(over.body.message).toMatch(/assistant creation limit/);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(over.headers.get('ratelimit-limit')).toBe('3');
      // invalid bodies do not spend the allowance, and other orgs have their own
      expect((await client(limited, two.key).post('/orgs/c/assistants', {})).status).toBe(400);
      expect((await client(limited, two.key).post('/orgs/c/assistants', { name: 'fine' })).status).toBe(200);
      expect((await client(limited, one.key).get('/orgs/c/assistants')).body).toHaveLength(3);
    } finally {
      await limited.close();
    }
  });

  it('lets a runtime key be restricted to one assistant of its org only', async () => {
    const t = await seedOrg(server);
    const other = await seedOrg(server);
    const api = client(server, t.key);
    const a = await api.post('/orgs/c/assistants', { name: 'Scoped' });
    const foreign = await client(server, other.key).post('/orgs/c/assistants', { name: 'Foreign' });
    const ok = await api.post('/orgs/c/api-keys', { scope: 'runtime', assistant_id: a.body.id });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ scope: 'runtime', assistant_id: a.body.id });
    const wrongOrg = await api.post('/orgs/c/api-keys', { scope: 'runtime', assistant_id: foreign.body.id });
    expect(wrongOrg.status).toBe(400);
    expect(wrongOrg.body.message).toMatch(/^assistant_id: /);
    const adminScoped = await api.post('/orgs/c/api-keys', { scope: 'admin', assistant_id: a.body.id });
    expect(adminScoped.status).toBe(400);
  });
});

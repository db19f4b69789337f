import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeps } from '../src/app/deps.ts';
import { createLogger } from '../src/infra/logger.ts';
import { call, client, ENGINE, seedOrg, signedInMember, startServer, testConfig, type TestServer } from './harness.ts';

const texts = (messages: Array<{ role: string; parts: Array<{ text: string }> }>) => messages.map((m) => `${m.role}: ${m.parts.map((p) => p.text).join('')}`);
const HOUR = 3_600_000;

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe(`follow-through: auto-resolve, snoozes that end, CSAT requests (${ENGINE})`, () => {
  let server: TestServer;
  /** How far ahead of the real time the sweep's clock runs. */
  let ahead = 0;
  beforeAll(async () => {
    server = await startServer({ PARLEY_AUTO_RESOLVE_SWEEP_MS: '100' }, { clock: () => Date.now() + ahead });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('resolves the inactive chats a support lead would close, keeps the others, wakes snoozes, and asks for a rating', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const bot = (
      await api.post('/orgs/c/assistants', {
        name: 'Auto',
        config: { language: 'fr', conversation: { enable_auto_resolve: true, auto_resolve_after_minutes: 60, enable_auto_csat: true } },
      })
    ).body;
    expect(bot.config.conversation).toMatchObject({ enable_auto_resolve: true, auto_resolve_after_minutes: 60, enable_auto_csat: true });
    const manual = (await api.post('/orgs/c/assistants', { name: 'Manual' })).body;
    expect(manual.config.conversation.auto_resolve_after_minutes).toBe(1440);
    const invoke = async (agent: string, json: object) => (await api.post(`/api/agents/${agent}/invoke`, json)).body;

    // Answered by the AI, then silent: resolved.
    const answered = (await invoke(bot.id, { message: 'Quand ouvrez-vous ?' })).chat_id;
    // Waiting for a person nobody took (no member works this org's inbox): kept.
    const waiting = (await invoke(bot.id, { message: 'Je voudrais parler à un humain' })).chat_id;
    expect((await api.get(`/chats/${waiting}`)).body.state.handover).toBe('WAITING');
    // A person replied and the customer went quiet: resolved. A person took it and the customer wrote last: kept.
    const agent = await signedInMember(server, t, 'AGENT');
    const replied = (await invoke(bot.id, { message: 'Ma commande 1042 est en retard' })).chat_id;
    await call(server, 'POST', `/chats/${replied}/messages`, { headers: agent.headers, json: { message: [{ type: 'text', text: 'Elle part demain.' }] } });
    const owed = (await invoke(bot.id, { message: 'Ma commande 1043 est en retard' })).chat_id;
    await call(server, 'POST', `/chats/${owed}/messages`, { headers: agent.headers, json: { message: [{ type: 'text', text: 'Je regarde.' }] } });
    await invoke(bot.id, { message: 'Alors ?', chat_id: owed });
    // A follow-up is still ahead: kept.
    const followUp = (await invoke(bot.id, { message: 'Je reviens vers vous' })).chat_id;
    await api.patch(`/chats/${followUp}/state`, { follow_up_at: new Date(Date.now() + 24 * HOUR).toISOString() });
    // Snoozed for half an hour: wakes when the time comes, and is not resolved right after.
    const snoozed = (await invoke(bot.id, { message: 'Rappelez-moi plus tard' })).chat_id;
    await api.patch(`/chats/${snoozed}/state`, { state: 'SNOOZED', snoozed_until: new Date(Date.now() + HOUR / 2).toISOString() });
    // An assistant without auto-resolve: kept.
    const other = (await invoke(manual.id, { message: 'When do you open?' })).chat_id;
    await server.deps.recorder.settle();

    // Nothing is due yet.
    await new Promise((r) => setTimeout(r, 300));
    expect((await api.get(`/chats/${answered}`)).body.state.state).toBe('OPEN');

    ahead = 2 * HOUR;
    try {
      await until('the answered chat to be resolved', async () => (await api.get(`/chats/${answered}`)).body.state.state === 'CLOSED');
      await until('the snoozed chat to wake', async () => (await api.get(`/chats/${snoozed}`)).body.state.state === 'OPEN');
      await until('the replied chat to be resolved', async () => (await api.get(`/chats/${replied}`)).body.state.state === 'CLOSED');
      await new Promise((r) => setTimeout(r, 400)); // a few more sweeps
    } finally {
      ahead = 0;
    }
    const stateOf = async (id: string) => (await api.get(`/chats/${id}`)).body.state;
    for (const kept of [waiting, owed, followUp, other]) expect((await stateOf(kept)).state, kept).toBe('OPEN');
    const woken = await stateOf(snoozed);
    expect(woken).toMatchObject({ state: 'OPEN', snoozed_until: null });
    expect(woken.admin_unseen_count).toBeGreaterThanOrEqual(1);
    expect(texts((await api.get(`/chats/${snoozed}/messages`)).body).at(-1)).toBe('event: Reopened: the snooze ended');

    const resolved = await stateOf(answered);
    expect(resolved.resolved_at).not.toBeNull();
    expect(resolved.csat_requested_at).not.toBeNull();
    expect(resolved).toMatchObject({ csat_score: null, user_unseen_count: 1, admin_unseen_count: 0 });
    const thread = (await api.get(`/chats/${answered}/messages`)).body;
    expect(texts(thread).slice(-2)).toEqual([
      'event: Resolved automatically after 1 hour of inactivity',
      "assistant: Comment évalueriez-vous l'aide que vous avez reçue, de 1 (mauvaise) à 5 (excellente) ?",
    ]);
    expect(thread.at(-1)).toMatchObject({ kind: 'csat_request', author: 'system', model: null });
    expect(thread.slice(0, -1).every((m: { kind: string | null }) => m.kind === null)).toBe(true);
    // Parley's request is a record, not a team reply: it cannot be edited.
    expect((await api.patch(`/chats/${answered}/messages/${thread.at(-1).id}`, { message: [{ type: 'text', text: 'x' }] })).status).toBe(409);

    // The customer's side answers with a runtime key; a key of another assistant cannot, nor can a chat that did not ask.
    const runtimeKey = (await api.post('/orgs/c/api-keys', { name: 'widget', scope: 'runtime' })).body.key;
    const restricted = (await api.post('/orgs/c/api-keys', { name: 'other', scope: 'runtime', assistant_id: manual.id })).body.key;
    const rate = (key: string, agentId: string, chatId: string, score: number) => call(server, 'POST', `/api/agents/${agentId}/chats/${chatId}/csat`, { key, json: { score } });
    expect((await rate(restricted, bot.id, answered, 4)).status).toBe(404);
    expect((await rate(runtimeKey, manual.id, answered, 4)).status).toBe(404);
    expect((await rate(runtimeKey, bot.id, answered, 6)).status).toBe(400);
    const notAsked = await rate(runtimeKey, bot.id, waiting, 4);
    expect(notAsked.status).toBe(409);
    expect(notAsked.body.message).toMatch(/has not asked/);
    const rated = await rate(runtimeKey, bot.id, answered, 4);
    expect(rated.status).toBe(200);
    expect(rated.body).toEqual({ chat_id: answered, csat_score: 4 });
    expect((await stateOf(answered)).csat_score).toBe(4);
    expect(texts((await api.get(`/chats/${answered}/messages`)).body).at(-1)).toBe('event: Rated 4 out of 5 by the customer');
    const audit = (await api.get('/orgs/c/audit-log?type=chat.updated&take=100')).body;
    expect(audit.some((e: { subject: { id: string }; data: { changed: string[] } }) => e.data.changed.includes('csat_score'))).toBe(true);

    // Resolved again after it was rated: no second request.
    await api.patch(`/chats/${answered}/state`, { state: 'OPEN' });
    const again = await api.patch(`/chats/${answered}/state`, { state: 'CLOSED' });
    expect(texts((await api.get(`/chats/${answered}/messages?take=100`)).body).filter((l) => l.startsWith('assistant: Comment'))).toHaveLength(1);
    expect(again.body.state.csat_score).toBe(4);
  });

  it('asks for a rating when a member resolves, in the language the customer wrote in', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const bot = (await api.post('/orgs/c/assistants', { name: 'Auto', config: { conversation: { enable_auto_csat: true } } })).body;
    const plain = (await api.post('/orgs/c/assistants', { name: 'Plain' })).body;
    const german = (await api.post(`/api/agents/${bot.id}/invoke`, { message: 'Hallo, ich habe eine Frage: wann ist meine Bestellung da?' })).body.chat_id;
    const english = (await api.post(`/api/agents/${plain.id}/invoke`, { message: 'Hello, where is my order?' })).body.chat_id;
    const manager = await signedInMember(server, t, 'MANAGER');

    const closed = await call(server, 'PATCH', `/chats/${german}/state`, { headers: manager.headers, json: { state: 'CLOSED' } });
    expect(closed.status).toBe(200);
    expect(closed.body.state.csat_requested_at).not.toBeNull();
    expect(texts((await api.get(`/chats/${german}/messages`)).body).slice(-2)).toEqual([
      'event: Resolved by A MANAGER',
      'assistant: Wie bewerten Sie die Hilfe, die Sie erhalten haben, von 1 (schlecht) bis 5 (ausgezeichnet)?',
    ]);
    // Without enable_auto_csat nothing is asked.
    const quiet = await api.patch(`/chats/${english}/state`, { state: 'CLOSED' });
    expect(quiet.body.state.csat_requested_at).toBeNull();
    expect(texts((await api.get(`/chats/${english}/messages`)).body).at(-1)).toBe('event: Resolved by the team');
  });

  // Only PostgreSQL is shared by several instances: the embedded engine belongs to one process, whose start
  // rightly takes back the jobs left running (a second PGlite instance on the same database would take the first's).
  it.runIf(ENGINE === 'postgres')('never runs two sweeps at once, nor queues two, while two instances share the database', async () => {
    // A second instance: its own queue and worker on the same database (closing it leaves the database open).
    const database = { ...server.deps.database, close: async () => {} };
    const config = testConfig({ PARLEY_AUTO_RESOLVE_SWEEP_MS: '100' });
    const second = await createDeps(config, { database, logger: createLogger({ level: 'silent' }) });
    await second.jobs.start();
    const pending = async () => {
      const res = (await server.deps.database.db.execute(
        sql`select status, count(*)::int as n from jobs where dedupe_key = 'recurring:chats.sweep' group by status`,
      )) as unknown as { rows: Array<{ status: string; n: number }> };
      return Object.fromEntries(res.rows.map((r) => [r.status, r.n]));
    };
    try {
      for (let i = 0; i < 15; i++) {
        const rows = await pending();
        // Never two sweeps at once, never two waiting, never none: a run in progress may have its successor queued
        // (the other instance's start enqueues one; the queue starts it only once the running one is done).
        expect(rows.running ?? 0, JSON.stringify(rows)).toBeLessThanOrEqual(1);
        expect(rows.queued ?? 0, JSON.stringify(rows)).toBeLessThanOrEqual(1);
        expect((rows.queued ?? 0) + (rows.running ?? 0), JSON.stringify(rows)).toBeGreaterThanOrEqual(1);
        expect(rows.failed ?? 0).toBe(0);
        await new Promise((r) => setTimeout(r, 70));
      }
    } finally {
      await second.close();
    }
    const rows = await pending();
    expect(rows.running ?? 0).toBeLessThanOrEqual(1);
    expect(rows.queued ?? 0).toBeLessThanOrEqual(1);
    expect((rows.queued ?? 0) + (rows.running ?? 0)).toBeGreaterThanOrEqual(1);
  });
});

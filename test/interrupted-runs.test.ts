import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startFakeOpenAI, type FakeOpenAI } from './fakes/openai-fake.ts';
import { call, ENGINE } from './harness.ts';
import { durableStorage, exited, startParley, testKey } from './parley-process.ts';

const STREAMS = 3;

describe('replies interrupted by kill -9', () => {
  const children: ChildProcess[] = [];
  let fake: FakeOpenAI;
  let dataDir: string | undefined;
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await fake?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('are FAILED once the next instance is up, with nothing left RUNNING', { timeout: 90_000 }, async () => {
    fake = await startFakeOpenAI();
    // A slow model: each stream is still producing when the process dies.
    fake.setDefault({ kind: 'text', text: 'one two three four five six seven eight', chunkDelayMs: 2_000, usage: { input: 5, output: 8 } });
    const key = testKey();
    const env: Record<string, string> = {
      ...(await durableStorage()),
      PARLEY_BOOTSTRAP_KEY: key,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: fake.url,
      PARLEY_DEFAULT_MODEL: 'openai/gpt-4o-mini',
      // PostgreSQL: a silent instance counts as dead after three missed beats.
      PARLEY_INSTANCE_HEARTBEAT_MS: '300',
    };
    dataDir = env.PARLEY_DATA_DIR;
    const first = await startParley(env);
    children.push(first.child);
    const agent = await call(first, 'POST', '/orgs/c/assistants', { key, json: { name: 'Slow bot' } });
    expect(agent.status, agent.text).toBe(200);
    const controllers = Array.from({ length: STREAMS }, () => new AbortController());
    const streams = controllers.map((c, i) =>
      fetch(`${first.url}/api/agents/${agent.body.id}/invoke/stream`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: `question ${i}` }),
        signal: c.signal,
      }).catch(() => undefined),
    );
    // The replies are stored as RUNNING while they stream.
    let running: Array<{ id: string; status: string }> = [];
    for (const deadline = Date.now() + 20_000; running.length < STREAMS; ) {
      const chats = await call(first, 'GET', '/orgs/c/chats', { key });
      running = chats.body.filter((c: { status: string }) => c.status === 'RUNNING');
      if (Date.now() > deadline) throw new Error(`streams not RUNNING: ${chats.text}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    first.child.kill('SIGKILL');
    await exited(first.child);
    for (const c of controllers) c.abort();
    await Promise.all(streams);

    const second = await startParley(env);
    children.push(second.child);
    // Embedded: failed before the new process serves. PostgreSQL: by the first sweep after the dead
    // instance misses its beats (the test waits for it without asserting a time).
    let statuses: string[] = [];
    for (const deadline = Date.now() + 20_000; ; ) {
      const chats = await call(second, 'GET', '/orgs/c/chats', { key });
      statuses = chats.body.map((c: { status: string }) => c.status);
      if (ENGINE === 'pglite' || !statuses.includes('RUNNING') || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(statuses).toEqual(Array(STREAMS).fill('FAILED'));
    for (const chat of running) {
      const messages = await call(second, 'GET', `/chats/${chat.id}/messages`, { key });
      const reply = messages.body.find((m: { role: string }) => m.role === 'assistant');
      expect(reply).toMatchObject({ status: 'FAILED', error: 'interrupted: the server stopped during generation' });
    }
    second.child.kill('SIGTERM');
    await exited(second.child);
  });
});

describe('a stop (SIGTERM) while live streams are open', () => {
  const children: ChildProcess[] = [];
  let dataDir: string | undefined;
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('ends the inbox and chat streams and the inbox WebSocket, then exits 0 within its drain time', { timeout: 90_000 }, async () => {
    const key = testKey();
    // Far longer than a stop takes: exit code 1 with "shutdown timed out" means a stream held it.
    const env: Record<string, string> = { ...(await durableStorage()), PARLEY_BOOTSTRAP_KEY: key, PARLEY_SHUTDOWN_TIMEOUT_MS: '30000' };
    dataDir = env.PARLEY_DATA_DIR;
    const server = await startParley(env);
    children.push(server.child);
    const bot = await call(server, 'POST', '/orgs/c/assistants', { key, json: { name: 'Stays open' } });
    const chatId = (await call(server, 'POST', `/api/agents/${bot.body.id}/invoke`, { key, json: { message: 'hi' } })).body.chat_id as string;
    const streams = await Promise.all(
      ['/orgs/c/inbox/stream', `/chats/${chatId}/stream`].map(async (path) => {
        const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
        expect(res.status, path).toBe(200);
        const reader = res.body!.getReader();
        // Up to the greeting (after any replay): the subscription is live.
        let seen = '';
        while (!seen.includes(': connected')) seen += new TextDecoder().decode((await reader.read()).value);
        return { path, ended: (async () => { while (!(await reader.read()).done); return 'ended'; })().catch((err: Error) => `errored: ${err.message}`) };
      }),
    );
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/orgs/c/inbox/ws`, { headers: { authorization: `Bearer ${key}` } });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const closedWith = new Promise<number>((resolve) => socket.once('close', resolve));

    server.child.kill('SIGTERM');
    await exited(server.child);
    expect(server.child.exitCode).toBe(0);
    // Each stream ended cleanly (the client reconnects with its Last-Event-ID), not cut off mid-frame.
    for (const s of streams) expect(await s.ended, s.path).toBe('ended');
    expect(await closedWith).toBe(1001);
  });
});

import type { TestServer } from './harness.ts';

export interface Frame {
  id: string;
  event: string;
  data: { type: string; id: string; cursor: string; created_at: string; data: Record<string, unknown> };
}

/** An SSE connection (the inbox, by default): frames as they arrive, and a way to wait for the ones a test expects. */
export async function followSse(server: TestServer, key: string, headers: Record<string, string> = {}, query = '', path = '/orgs/c/inbox/stream') {
  const controller = new AbortController();
  const res = await fetch(`${server.url}${path}${query}`, { headers: { authorization: `Bearer ${key}`, ...headers }, signal: controller.signal });
  const frames: Frame[] = [];
  const comments: string[] = [];
  const pump = (async () => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        buffer += decoder.decode(r.value, { stream: true });
        for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          if (block.startsWith(':')) comments.push(block);
          else {
            const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2) ?? '';
            frames.push({ id: field('id'), event: field('event'), data: JSON.parse(field('data')) });
          }
        }
      }
    } catch {
      // aborted by the test
    }
  })();
  return {
    res,
    frames,
    comments,
    async until(count: (f: Frame[]) => boolean, timeoutMs = 10_000): Promise<Frame[]> {
      const deadline = Date.now() + timeoutMs;
      while (!count(frames)) {
        if (Date.now() > deadline) throw new Error(`timed out; frames so far: ${JSON.stringify(frames.map((f) => f.event))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return frames;
    },
    async close() {
      controller.abort();
      await pump;
    },
  };
}


import { describe, expect, it } from 'vitest';
import { sseEvents, type StreamEvent } from './sse';

const streamOf = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const s of chunks) c.enqueue(new TextEncoder().encode(s));
      c.close();
    },
  });

async function all(body: ReadableStream<Uint8Array>) {
  const out: StreamEvent[] = [];
  for await (const e of sseEvents(body)) out.push(e);
  return out;
}

describe('the playground reads the runtime stream', () => {
  it('yields each data frame, however the bytes are cut, and skips what is not an event', async () => {
    const meta = '{"type":"metadata","content":"","data":{"agent_id":"ast_1","chat_id":"chat_1"}}';
    const events = await all(
      streamOf(`data: ${meta}\n\nda`, 'ta: {"type":"token","content":"Hel","data":null}\r\n\r\n: a comment\n\n', 'data: not json\n\ndata: {"type":"token","content":"lo é","data":null}\n\n'),
    );
    expect(events.map((e) => e.type)).toEqual(['metadata', 'token', 'token']);
    expect(events.slice(1).map((e) => e.content).join('')).toBe('Hello é');
  });

  it('reads a last frame the server closed without a blank line', async () => {
    const events = await all(streamOf('data: {"type":"error","content":"the model provider failed","data":null}'));
    expect(events).toEqual([{ type: 'error', content: 'the model provider failed', data: null }]);
  });

  it('keeps a multi-byte character split across chunks whole', async () => {
    const bytes = new TextEncoder().encode('data: {"type":"token","content":"€","data":null}\n\n');
    const cut = bytes.indexOf(0xe2) + 1;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.slice(0, cut));
        c.enqueue(bytes.slice(cut));
        c.close();
      },
    });
    expect((await all(body))[0]?.content).toBe('€');
  });
});

import type { Schemas } from '../api/client';

export type StreamEvent = Schemas['StreamEvent'];

/**
 * The events of a `text/event-stream` body, as the runtime API writes them: `data: <json>` lines, a blank line
 * after each event. Lines other than `data:` (comments, `event:`, `id:`) are skipped; a frame that is not JSON is
 * skipped too, and event types this version does not know are passed on for the caller to ignore.
 */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamEvent> {
  const reader = body.getReader();
  // `stream: true` keeps a character cut between two chunks whole.
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let end: RegExpExecArray | null;
      while ((end = /\r?\n\r?\n/.exec(buffer))) {
        const frame = buffer.slice(0, end.index);
        buffer = buffer.slice(end.index + end[0].length);
        const event = parseFrame(frame);
        if (event) yield event;
      }
      if (done) break;
    }
    const last = parseFrame(buffer);
    if (last) yield last;
  } finally {
    reader.releaseLock();
  }
}

export function parseFrame(frame: string): StreamEvent | null {
  const data = frame
    .split(/\r?\n/)
    .filter((l) => l.startsWith('data:'))
    .map((l) => l.slice(5).replace(/^ /, ''))
    .join('\n');
  if (!data) return null;
  try {
    const event = JSON.parse(data) as StreamEvent;
    return event && typeof event === 'object' && typeof event.type === 'string' ? event : null;
  } catch {
    return null;
  }
}

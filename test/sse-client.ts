/** Reads a whole text/event-stream response into its `data:` JSON events. */
export async function readSse(res: Response): Promise<any[]> {
  const text = await res.text();
  return parseSse(text);
}

export function parseSse(text: string): any[] {
  return text
    .split('\n\n')
    .map((block) => block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n'))
    .filter(Boolean)
    .map((data) => JSON.parse(data));
}

/** Yields events as they arrive, so a test can act (or disconnect) mid-stream. */
export async function* sseEvents(res: Response): AsyncGenerator<any> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let i: number;
    while ((i = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      for (const e of parseSse(block + '\n\n')) yield e;
    }
  }
}

import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

const KEY = 'apk_7Tq2Wm9xYvB3nC8kL1pZ5sD0fG6hJ4rE2tU9wQ1aMbX';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'trace', destination: { write: (l: string) => void lines.push(l) } });
  return { logger, text: () => lines.join('') };
}

describe('createLogger', () => {
  it('scrubs credentials from request URLs, messages and error fields, and redacts by path', () => {
    const { logger, text } = capture();
    logger.info({ req: { method: 'GET', url: `/orgs/c/assistants?api_key=${KEY}`, headers: {} } }, 'incoming request');
    logger.info(`Route GET:/nope?token=${KEY} not found`);
    const err = Object.assign(new Error(`failed: https://llm.example.com/v1?api-key=${KEY}`), { url: `https://llm.example.com/v1?api-key=${KEY}` });
    logger.error({ err }, 'model call failed');
    logger.info({ headers: { authorization: `Bearer ${KEY}` }, secret_key: KEY }, 'by path');
    const out = text();
    expect(out).toContain('"url":"/orgs/c/assistants?api_key=[redacted]"');
    expect(out).toContain('Route GET:/nope?token=[redacted] not found');
    expect(out).toContain('"url":"https://llm.example.com/v1?api-key=[redacted]"');
    expect(out).toContain('"msg":"by path"');
    expect(out).not.toContain(KEY);
  });
});

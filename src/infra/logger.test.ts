import { Writable } from 'node:stream';
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

  it('censors a secret one level down in any logged object, and only there', () => {
    const { logger, text } = capture();
    const body = { name: 'Support', password: KEY, nested: { deeper: 'kept' } };
    logger.info({ body, list: [{ key: 'not an object field' }], config: { api_key: KEY, secret: KEY, model: 'openai/gpt-4o' } }, 'nested');
    logger.child({ key: KEY, job: 'sync' }).info('from a child'); // a child's bindings: pino's paths
    const lines = text().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].body).toEqual({ name: 'Support', password: '[redacted]', nested: { deeper: 'kept' } });
    expect(lines[0].config).toEqual({ api_key: '[redacted]', secret: '[redacted]', model: 'openai/gpt-4o' });
    expect(lines[0].list).toEqual([{ key: 'not an object field' }]);
    expect(lines[1]).toMatchObject({ key: '[redacted]', job: 'sync' });
    expect(body.password).toBe(KEY); // the caller's object is not changed
    expect(text()).not.toContain(KEY);
  });

  it('writes an `err` given as a string (a job that failed for good) instead of throwing', () => {
    const { logger, text } = capture();
    expect(() => logger.warn({ err: `http://10.0.0.1/faq?token=${KEY} is a private address` }, 'job failed for good')).not.toThrow();
    expect(text()).toContain('"err":"http://10.0.0.1/faq?token=[redacted] is a private address"');
  });
});

describe('createLogger on a terminal (pretty)', () => {
  it('writes one short line per entry, the access line as method, URL, status and time', async () => {
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        done();
      },
    });
    const log = createLogger({ level: 'info', pretty: true, destination: sink as never });
    log.info({ reqId: 'r1', method: 'GET', url: '/orgs/c/assistants', status: 401, ms: 2.19, ip: '127.0.0.1', code: 'unauthorized', error: 'invalid or expired api key' }, 'request refused');
    log.info({ signal: 'SIGTERM' }, 'shutting down');
    await new Promise((r) => setTimeout(r, 50));
    const lines = chunks.join('').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: GET \/orgs\/c\/assistants 401 2\.19ms invalid or expired api key$/);
    expect(lines[1]).toMatch(/INFO: shutting down \{"signal":"SIGTERM"\}$/);
  });
});

import { describe, expect, it } from 'vitest';
import { redactSecrets } from './log-redaction.ts';

const KEY = 'apk_7Tq2Wm9xYvB3nC8kL1pZ5sD0fG6hJ4rE2tU9wQ1aMbX';
const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('redactSecrets', () => {
  it.each([
    [`/orgs/c/assistants?api_key=${KEY}`, '/orgs/c/assistants?api_key=[redacted]'],
    ['/x?key=abc&limit=5', '/x?key=[redacted]&limit=5'],
    ['/x?limit=5&token=abc', '/x?limit=5&token=[redacted]'],
    ['/x?access_token=abc&secret=s&password=p', '/x?access_token=[redacted]&secret=[redacted]&password=[redacted]'],
    ['/x?authorization=Bearer%20abc&user_hash=9f8e', '/x?authorization=[redacted]&user_hash=[redacted]'],
    ['/x?apiKey=abc&X-Api-Key=def&client_secret=ghi', '/x?apiKey=[redacted]&X-Api-Key=[redacted]&client_secret=[redacted]'],
    [`/x?q=${KEY}`, '/x?q=[redacted]'],
    [`/x?q=${encodeURIComponent(`Bearer ${KEY}`)}`, '/x?q=[redacted]'],
    [`/x?note=${WHSEC}`, '/x?note=[redacted]'],
    [`/${KEY}/assistants`, '/[redacted]/assistants'],
    [`route not found: GET /nope?api_key=${KEY}`, 'route not found: GET /nope?api_key=[redacted]'],
    ['/orgs/c/assistants?limit=5&cursor=abc&author=bob', '/orgs/c/assistants?limit=5&cursor=abc&author=bob'],
    ['/x?key=', '/x?key='],
    ['key apk_7Tq2Wm9x was used', 'key apk_7Tq2Wm9x was used'], // the visible prefix is not a secret
    ['plain message', 'plain message'],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });
});

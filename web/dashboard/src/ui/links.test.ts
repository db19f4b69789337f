import { describe, expect, it } from 'vitest';
import { webHref } from './links';

describe('webHref', () => {
  it('keeps http and https addresses and nothing else', () => {
    expect(webHref('https://help.example.com/returns')).toBe('https://help.example.com/returns');
    expect(webHref('http://127.0.0.1:8080/a b')).toBe('http://127.0.0.1:8080/a%20b');
    for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:x', '/relative', 'not a url', '', null, undefined]) {
      expect(webHref(bad), String(bad)).toBeUndefined();
    }
  });
});

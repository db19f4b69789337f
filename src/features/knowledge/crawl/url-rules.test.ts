import { describe, expect, it } from 'vitest';
import { createPathFilter, hasBinaryExtension, normaliseUrl } from './url-rules.ts';

describe('normaliseUrl', () => {
  it('drops the fragment, an empty query and default ports, and keeps other queries and slashes', () => {
    expect(normaliseUrl('HTTP://Site.Example:80/a#x')).toBe('http://site.example/a');
    expect(normaliseUrl('https://site.example:443/a?')).toBe('https://site.example/a');
    expect(normaliseUrl('https://site.example/a?#y')).toBe('https://site.example/a');
    expect(normaliseUrl('https://site.example/a?b=2&a=1')).toBe('https://site.example/a?b=2&a=1');
    expect(normaliseUrl('https://site.example/a/')).toBe('https://site.example/a/');
    expect(normaliseUrl('https://site.example:8443/x/../y')).toBe('https://site.example:8443/y');
  });

  it('rejects what is not an http(s) URL', () => {
    expect(normaliseUrl('ftp://site.example/a')).toBeUndefined();
    expect(normaliseUrl('not a url')).toBeUndefined();
  });
});

describe('createPathFilter', () => {
  const url = (path: string) => `https://site.example${path}`;

  it('admits everything without patterns', () => {
    expect(createPathFilter()(url('/anything?q=1'))).toBe(true);
  });

  it('reads a pattern as an area: the glob plus everything below, a trailing /* covering the folder', () => {
    const docs = createPathFilter(['/docs/*']);
    for (const path of ['/docs', '/docs/', '/docs/a', '/docs/a/b', '/docs/.well']) expect(docs(url(path)), path).toBe(true);
    for (const path of ['/doc', '/docsx', '/blog/docs/a']) expect(docs(url(path)), path).toBe(false);
    const faq = createPathFilter(['faq']);
    expect([faq(url('/faq')), faq(url('/faq/1')), faq(url('/faqs'))]).toEqual([true, true, false]);
  });

  it('lets exclude win and ignores the query', () => {
    const filter = createPathFilter(['/docs/**'], ['/docs/internal/*', '/**/*.bak']);
    expect(filter(url('/docs/a?page=/docs/internal/x'))).toBe(true);
    expect(filter(url('/docs/internal/x'))).toBe(false);
    expect(filter(url('/docs/internal'))).toBe(false);
    expect(filter(url('/docs/a/old.bak'))).toBe(false);
    expect(createPathFilter([], ['/admin/*'])(url('/admin/users/5'))).toBe(false);
  });

  it('matches percent-encoded paths in either form', () => {
    expect(createPathFilter(['/café/*'])(url('/caf%C3%A9/menu'))).toBe(true);
  });
});

describe('hasBinaryExtension', () => {
  it('recognises file links by extension only in the last path segment', () => {
    expect(hasBinaryExtension('https://s.example/files/guide.PDF')).toBe(true);
    expect(hasBinaryExtension('https://s.example/img/logo.png?v=2')).toBe(true);
    expect(hasBinaryExtension('https://s.example/v1.2/guide')).toBe(false);
    expect(hasBinaryExtension('https://s.example/page.html')).toBe(false);
  });
});

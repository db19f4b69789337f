import { describe, expect, it } from 'vitest';
import { extractLinks } from './links.ts';

describe('extractLinks', () => {
  it('resolves relative links against the page URL and drops non-web and fragment-only links', () => {
    const html = `<a href="/a">a</a><a href="b?x=1#part">b</a><a href="../up">up</a><a href="#top">top</a>
      <a href="mailto:x@example.com">m</a><a href="tel:+100">t</a><a href="javascript:void(0)">j</a>
      <a href="data:text/html,hi">d</a><a href="https://other.example/z">z</a><map><area href="/area"></map><a>none</a>`;
    expect(extractLinks(html, 'https://site.example/docs/page')).toEqual([
      'https://site.example/a',
      'https://site.example/docs/b?x=1',
      'https://site.example/up',
      'https://other.example/z',
      'https://site.example/area',
    ]);
  });

  it('prefers <base href> and removes duplicates and links to the page itself', () => {
    const html = `<head><base href="/root/"></head><a href="x">x</a><a href="x#y">again</a><a href="/root/x?">again</a>
      <a href="/p">self</a>`;
    expect(extractLinks(html, 'https://site.example/p')).toEqual(['https://site.example/root/x']);
  });

  it('ignores hrefs that are not URLs', () => {
    expect(extractLinks('<a href="http://[bad">x</a><a href="  ">y</a>', 'https://site.example/')).toEqual([]);
  });
});

import { parseHTML } from 'linkedom';
import { normaliseUrl } from './url-rules.ts';

/**
 * The http(s) links of an HTML document, absolute and normalised (see normaliseUrl), in document order
 * without duplicates. Relative hrefs resolve against `<base href>` when present, else the page's final
 * URL. mailto:, tel:, javascript:, data: and fragment-only links (the page itself) are dropped.
 */
export function extractLinks(html: string, pageUrl: string): string[] {
  const { document } = parseHTML(html);
  const baseHref = document.querySelector('base[href]')?.getAttribute('href')?.trim();
  const base = (baseHref && normaliseUrl(baseHref, pageUrl)) || pageUrl;
  const self = normaliseUrl(pageUrl);
  const links = new Set<string>();
  for (const anchor of document.querySelectorAll('a[href], area[href]')) {
    const href = anchor.getAttribute('href')?.trim();
    if (!href || href.startsWith('#')) continue;
    const url = normaliseUrl(href, base);
    if (url && url !== self) links.add(url);
  }
  return [...links];
}

/**
 * An address from the server (a crawled page, a source) as a link target: only http(s), so a `javascript:` URL
 * stored in knowledge can never become a clickable script.
 */
export function webHref(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

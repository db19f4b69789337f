import { parseHTML } from 'linkedom';

/**
 * Parses HTML into a document whose head and body are where a browser would put them. linkedom
 * does not implement HTML5 tree construction: a fragment, or a page without explicit <head> and
 * <body> tags, parses with an empty body. So the two parts are cut out first and reassembled.
 */
export function parseHtmlDocument(html: string): Document {
  const headTag = /<head\b[^>]*>([\s\S]*?)<\/head\s*>/i.exec(html);
  const bodyTag = /<body\b[^>]*>/i.exec(html);
  let head: string;
  let body: string;
  if (bodyTag) {
    const close = html.toLowerCase().lastIndexOf('</body');
    body = html.slice(bodyTag.index + bodyTag[0].length, close > bodyTag.index ? close : undefined);
    head = headTag ? (headTag[1] ?? '') : stripDocumentTags(html.slice(0, bodyTag.index));
  } else if (headTag) {
    head = headTag[1] ?? '';
    body = stripDocumentTags(html.slice(headTag.index + headTag[0].length));
  } else {
    // A fragment: head-only elements written at the top level still name the page.
    const headOnly = /<title\b[^>]*>[\s\S]*?<\/title\s*>|<(?:meta|base)\b[^>]*>/gi;
    head = (html.match(headOnly) ?? []).join('');
    body = stripDocumentTags(html.replace(headOnly, ''));
  }
  const bodyOpen = bodyTag?.[0] ?? '<body>';
  return parseHTML(`<!DOCTYPE html><html><head>${head}</head>${bodyOpen}${body}</body></html>`).document as unknown as Document;
}

const stripDocumentTags = (html: string) => html.replace(/<!doctype[^>]*>|<\/?(?:html|head|body)\b[^>]*>/gi, '');

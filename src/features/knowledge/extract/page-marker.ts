/**
 * Page breaks of a PDF travel inside its Markdown as an HTML comment on a line of its own: it renders as
 * nothing, survives storage as plain text, and lets the chunker record each chunk's page.
 */
export const pageMarker = (page: number): string => `<!-- page ${page} -->`;

/** Matches a whole line that is a page marker; group 1 is the page number. */
export const PAGE_MARKER_LINE = /^<!-- page (\d+) -->$/;

/**
 * The text a reader sees: page markers (and the blank lines after them) removed, with `offset` mapping a
 * position in the marked text to the same place in the shown one (for the chunks' char_start and char_end).
 */
export function withoutPageMarkers(markdown: string): { text: string; offset: (i: number) => number } {
  const spans: Array<[start: number, end: number]> = [];
  for (const m of markdown.matchAll(/^<!-- page \d+ -->(?:\n+|$)/gm)) spans.push([m.index, m.index + m[0].length]);
  if (spans.length === 0) return { text: markdown, offset: (i) => i };
  let text = '';
  let from = 0;
  for (const [start, end] of spans) {
    text += markdown.slice(from, start);
    from = end;
  }
  text += markdown.slice(from);
  const offset = (i: number) => {
    let removed = 0;
    for (const [start, end] of spans) {
      if (start >= i) break;
      removed += Math.min(end, i) - start;
    }
    return i - removed;
  };
  return { text, offset };
}

/**
 * Page breaks of a PDF travel inside its Markdown as an HTML comment on a line of its own: it renders as
 * nothing, survives storage as plain text, and lets the chunker record each chunk's page.
 */
export const pageMarker = (page: number): string => `<!-- page ${page} -->`;

/** Matches a whole line that is a page marker; group 1 is the page number. */
export const PAGE_MARKER_LINE = /^<!-- page (\d+) -->$/;

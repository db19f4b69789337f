export { chunkMarkdown, type Chunk, type ChunkOptions } from './chunker.ts';
export { ExtractError, type ExtractErrorReason } from './extract-error.ts';
export { extractFile, type ExtractedFile, type ExtractFileInput } from './extract-file.ts';
export { htmlToMarkdown, type HtmlMarkdown, type HtmlToMarkdownOptions } from './html-to-markdown.ts';
export { PAGE_MARKER_LINE, pageMarker, withoutPageMarkers } from './page-marker.ts';
export { detectFileKind } from './detect-type.ts';

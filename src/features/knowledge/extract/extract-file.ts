import { decodeText } from './decode-text.ts';
import { detectFileKind } from './detect-type.ts';
import { extractDocx } from './extract-docx.ts';
import { ExtractError } from './extract-error.ts';
import { extractPdf } from './extract-pdf.ts';
import { htmlToMarkdown } from './html-to-markdown.ts';
import { PAGE_MARKER_LINE } from './page-marker.ts';

export type ExtractFileInput = { bytes: Uint8Array; filename: string; mimeType?: string };
export type ExtractedFile = { title?: string; markdown: string };

/**
 * The text of an uploaded file as Markdown: PDF (with `<!-- page N -->` markers), DOCX, TXT,
 * Markdown or HTML. Throws ExtractError with a reason fit to show the uploader.
 */
export async function extractFile(input: ExtractFileInput): Promise<ExtractedFile> {
  const { bytes, filename } = input;
  const kind = detectFileKind(bytes, filename, input.mimeType);
  let result: ExtractedFile;
  switch (kind) {
    case 'pdf':
      result = await extractPdf(bytes, filename);
      break;
    case 'docx':
      result = await extractDocx(bytes, filename);
      break;
    case 'html': {
      const page = htmlToMarkdown(decodeText(bytes, filename));
      result = { title: page.title || undefined, markdown: withHeading(page.markdown, page.heading) };
      break;
    }
    case 'markdown': {
      const markdown = decodeText(bytes, filename);
      result = { title: /^#[ \t]+(.+?)[ \t#]*$/m.exec(markdown)?.[1], markdown };
      break;
    }
    case 'txt':
      result = { markdown: decodeText(bytes, filename) };
      break;
  }
  // One line-ending convention, so chunk offsets and "\n\n" paragraph breaks mean the same everywhere.
  const markdown = result.markdown.replace(/\r\n?/g, '\n').replace(/\u0000/g, '');
  if (!hasText(markdown)) {
    throw new ExtractError('no_text', `${filename} contains no text to add to knowledge.`);
  }
  return result.title ? { title: result.title, markdown } : { markdown };
}

/**
 * Readability drops a page's <h1> when it repeats the <title>; a file's heading is part of its text
 * (and the heading path of its first chunks), so it is put back.
 */
function withHeading(markdown: string, heading: string): string {
  if (!heading || new RegExp(`^#{1,2}[ \t]+${heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[ \t]*$`, 'm').test(markdown)) return markdown;
  return `# ${heading}\n\n${markdown}`;
}

const hasText = (markdown: string) =>
  markdown.split('\n').some((line) => line.trim() !== '' && !PAGE_MARKER_LINE.test(line));

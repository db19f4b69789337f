import { getDocumentProxy } from 'unpdf';
import { ExtractError } from './extract-error.ts';
import { pageMarker } from './page-marker.ts';

// unpdf bundles a serverless build of PDF.js that installs its own `Promise.withResolvers` fallback,
// so no polyfill is needed on Node 20 (checked on Node 20.20 in this folder's tests).

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;
type PdfPage = Awaited<ReturnType<PdfDocument['getPage']>>;

// A vertical step this many times the font size between two lines marks a new paragraph: body text
// is set at about 1.2x, paragraph spacing adds at least half a line more.
const PARAGRAPH_GAP = 1.6;

/** Text of every page, each page preceded by its page marker, paragraphs separated by blank lines. */
export async function extractPdf(bytes: Uint8Array, filename: string): Promise<{ title?: string; markdown: string }> {
  let pdf: PdfDocument;
  try {
    // PDF.js transfers (detaches) the buffer it is given; a copy keeps the caller's bytes usable.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  } catch (err) {
    if ((err as Error | undefined)?.name === 'PasswordException') {
      throw new ExtractError(
        'encrypted',
        `${filename} is password-protected. Remove the password (or export an unprotected copy) and upload it again.`,
      );
    }
    throw new ExtractError('corrupt', `${filename} could not be read as a PDF: the file is damaged, truncated or not a PDF.`);
  }
  try {
    const pages: string[] = [];
    let unreadable = 0;
    for (let n = 1; n <= pdf.numPages; n++) {
      // One damaged page should not cost the rest of the document.
      const text = await pageText(await pdf.getPage(n)).catch(() => {
        unreadable++;
        return '';
      });
      if (text) pages.push(`${pageMarker(n)}\n\n${text}`);
    }
    if (pages.length === 0 && unreadable > 0) {
      throw new ExtractError('corrupt', `${filename} could not be read as a PDF: its pages are damaged.`);
    }
    if (pages.length === 0) {
      throw new ExtractError(
        'no_text',
        `${filename} has no extractable text: it looks like a scanned document or contains only images. ` +
          'Run it through text recognition (OCR) first, or upload the text in another format.',
      );
    }
    return { title: await documentTitle(pdf), markdown: pages.join('\n\n') };
  } finally {
    await pdf.destroy().catch(() => undefined);
  }
}

async function pageText(page: PdfPage): Promise<string> {
  const content = await page.getTextContent();
  let text = '';
  let atLineStart = true;
  let lineY: number | undefined;
  let lineSize = 0;
  let previousY: number | undefined;
  for (const item of content.items) {
    if (!('str' in item)) continue; // marked-content boundaries carry no text
    const y = item.transform[5] as number;
    const size = Math.hypot(item.transform[2] as number, item.transform[3] as number) || item.height;
    if (atLineStart && item.str.trim() !== '') {
      if (previousY !== undefined && Math.abs(previousY - y) > PARAGRAPH_GAP * Math.max(size, lineSize)) text += '\n';
      atLineStart = false;
      lineY = y;
      lineSize = size;
    }
    text += item.str;
    if (item.hasEOL && !atLineStart) {
      text += '\n';
      atLineStart = true;
      previousY = lineY;
    }
  }
  return text
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

async function documentTitle(pdf: PdfDocument): Promise<string | undefined> {
  const meta = await pdf.getMetadata().catch(() => undefined);
  const title = (meta?.info as { Title?: unknown } | undefined)?.Title;
  return typeof title === 'string' && title.trim() ? title.trim() : undefined;
}

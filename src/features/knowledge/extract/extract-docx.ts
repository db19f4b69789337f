import mammoth from 'mammoth';
import { ExtractError } from './extract-error.ts';
import { htmlToMarkdown } from './html-to-markdown.ts';

// Images are dropped from knowledge text; without this mammoth would inline each one as base64.
const skipImages = mammoth.images.imgElement(async () => ({ src: '' }));

/**
 * Word -> HTML (mammoth maps heading styles to <h1>..<h6>, lists to <ul>/<ol>, tables to <table>)
 * -> Markdown through the same converter as web pages, so the structure reaches the chunker.
 */
export async function extractDocx(bytes: Uint8Array, filename: string): Promise<{ title?: string; markdown: string }> {
  let html: string;
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // externalFileAccess (mammoth's default, stated here on purpose): an uploaded document must not make
    // the server read files it links to on this machine.
    html = (await mammoth.convertToHtml({ buffer }, { convertImage: skipImages, externalFileAccess: false })).value;
  } catch {
    throw new ExtractError('corrupt', `${filename} could not be read as a DOCX file: the file is damaged, truncated or not a Word document.`);
  }
  const { title, markdown } = htmlToMarkdown(html, { mainContent: false });
  return { title: title || undefined, markdown };
}

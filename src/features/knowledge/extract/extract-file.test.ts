import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import { PDFDocument, PDFHexString, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { chunkMarkdown } from './chunker.ts';
import { ExtractError, type ExtractErrorReason } from './extract-error.ts';
import { extractFile } from './extract-file.ts';
import { withoutPageMarkers } from './page-marker.ts';

const PAGE_ONE = ['Refunds are issued within 14 days of the request.', 'The money goes back to the original card.'];
const PAGE_ONE_NEXT = 'Orders ship from the Rotterdam warehouse.';
const PAGE_TWO = 'Support is open Monday to Friday from 9 to 17.';

/** Two pages: page 1 holds a two-line paragraph and, after a wider gap, a second paragraph. */
async function makePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle('Store policies');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const one = doc.addPage();
  one.drawText(PAGE_ONE[0]!, { x: 50, y: 700, font, size: 12 });
  one.drawText(PAGE_ONE[1]!, { x: 50, y: 685, font, size: 12 });
  one.drawText(PAGE_ONE_NEXT, { x: 50, y: 650, font, size: 12 });
  doc.addPage().drawText(PAGE_TWO, { x: 50, y: 700, font, size: 12 });
  return doc.save();
}

async function makeDocx(): Promise<Uint8Array> {
  const cell = (...lines: string[]) => new TableCell({ children: lines.map((l) => new Paragraph(l)) });
  const doc = new Document({
    sections: [
      {
        children: [
          new Paragraph({ text: 'Refund policy', heading: HeadingLevel.HEADING_1 }),
          new Paragraph({ children: [new TextRun('Refunds are issued within '), new TextRun({ text: '14 days', bold: true }), new TextRun('.')] }),
          new Paragraph({ text: 'Call us first', bullet: { level: 0 } }),
          new Paragraph({ text: 'Then send the form', bullet: { level: 0 } }),
          new Paragraph({ text: 'Prices', heading: HeadingLevel.HEADING_2, alignment: AlignmentType.LEFT }),
          new Table({
            rows: [
              new TableRow({ children: [cell('Plan'), cell('Price')] }),
              new TableRow({ children: [cell('Pro'), cell('$10', 'per month')] }),
            ],
          }),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

async function expectExtractError(input: Parameters<typeof extractFile>[0], reason: ExtractErrorReason, message: RegExp) {
  const err = await extractFile(input).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected an ExtractError').toBeInstanceOf(ExtractError);
  expect((err as ExtractError).reason).toBe(reason);
  expect((err as ExtractError).message).toMatch(message);
}

describe('extractFile: PDF', () => {
  it('extracts the text of every page with a page marker before each and paragraphs kept apart', async () => {
    const bytes = await makePdf();
    const { title, markdown } = await extractFile({ bytes, filename: 'policies.pdf' });
    expect(title).toBe('Store policies');
    expect(markdown).toBe(`<!-- page 1 -->\n\n${PAGE_ONE.join('\n')}\n\n${PAGE_ONE_NEXT}\n\n<!-- page 2 -->\n\n${PAGE_TWO}`);
  });

  it('leaves the caller’s bytes usable (PDF.js detaches the buffer it is given)', async () => {
    const bytes = await makePdf();
    await extractFile({ bytes, filename: 'policies.pdf' });
    expect(bytes.byteLength).toBeGreaterThan(0);
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-');
  });

  it('is recognised by its content whatever its name says', async () => {
    const { markdown } = await extractFile({ bytes: await makePdf(), filename: 'upload.bin', mimeType: 'application/octet-stream' });
    expect(markdown).toContain(PAGE_TWO);
  });

  it('gives chunks the page they start on', async () => {
    const { markdown } = await extractFile({ bytes: await makePdf(), filename: 'policies.pdf' });
    const chunks = chunkMarkdown(markdown, { maxTokens: 14, overlapTokens: 0 });
    const pageOf = (fact: string) => chunks.find((c) => c.text.includes(fact))?.page;
    expect(pageOf('Refunds are issued')).toBe(1);
    expect(pageOf('Rotterdam')).toBe(1);
    expect(pageOf('Monday to Friday')).toBe(2);
    expect(chunks.every((c) => !c.text.includes('<!--'))).toBe(true);
  });

  it('refuses a truncated PDF as damaged', async () => {
    const bytes = await makePdf();
    await expectExtractError({ bytes: bytes.slice(0, bytes.length / 2), filename: 'cut.pdf' }, 'corrupt', /cut\.pdf could not be read as a PDF: .*damaged/);
  });

  it('refuses random bytes named .pdf', async () => {
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251);
    await expectExtractError({ bytes, filename: 'random.pdf' }, 'corrupt', /not a PDF/);
  });

  it('refuses a PDF with no text layer, saying it looks scanned', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    doc.addPage().drawRectangle({ x: 10, y: 10, width: 100, height: 100 }); // a drawing, no text
    await expectExtractError({ bytes: await doc.save(), filename: 'scan.pdf' }, 'no_text', /no extractable text.*scanned.*OCR/);
  });

  it('refuses a password-protected PDF', async () => {
    const doc = await PDFDocument.create();
    doc.addPage().drawText('secret', { x: 50, y: 700, font: await doc.embedFont(StandardFonts.Helvetica) });
    // pdf-lib cannot encrypt, but an /Encrypt entry whose check values match no password is what a reader sees.
    doc.context.trailerInfo.Encrypt = doc.context.obj({ Filter: 'Standard', V: 1, R: 2, O: PDFHexString.of('11'.repeat(32)), U: PDFHexString.of('22'.repeat(32)), P: -4 });
    doc.context.trailerInfo.ID = doc.context.obj([PDFHexString.of('33'.repeat(16)), PDFHexString.of('33'.repeat(16))]);
    await expectExtractError({ bytes: await doc.save({ useObjectStreams: false }), filename: 'locked.pdf' }, 'encrypted', /password-protected/);
  });
});

describe('extractFile: DOCX', () => {
  it('keeps headings, paragraphs, lists and tables as Markdown', async () => {
    const { title, markdown } = await extractFile({ bytes: await makeDocx(), filename: 'policy.docx' });
    expect(title).toBe('Refund policy');
    expect(markdown).toContain('# Refund policy');
    expect(markdown).toContain('Refunds are issued within **14 days**.');
    expect(markdown).toContain('- Call us first\n- Then send the form');
    expect(markdown).toContain('## Prices');
    // Word tables have no header cells: the first row becomes the header; a cell's paragraphs share a line.
    expect(markdown).toContain('| Plan | Price |\n| --- | --- |\n| Pro | $10 per month |');
  });

  it('refuses a damaged DOCX', async () => {
    const bytes = await makeDocx();
    await expectExtractError({ bytes: bytes.slice(0, 300), filename: 'broken.docx' }, 'corrupt', /broken\.docx could not be read as a DOCX file/);
  });

  it('refuses a password-protected (or legacy .doc) Word file', async () => {
    const bytes = Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array(100).fill(0)]);
    await expectExtractError({ bytes, filename: 'locked.docx' }, 'encrypted', /password-protected or is an old-style \.doc/);
  });
});

describe('extractFile: text formats', () => {
  const utf8 = (s: string) => new TextEncoder().encode(s);

  it('reads UTF-8 text and Markdown as they are, with one line-ending convention', async () => {
    expect(await extractFile({ bytes: utf8('Crème brûlée\r\nis on the menu.'), filename: 'menu.txt' })).toEqual({ markdown: 'Crème brûlée\nis on the menu.' });
    const md = await extractFile({ bytes: utf8('\uFEFF# FAQ\n\nAsk us anything.'), filename: 'faq.md' });
    expect(md).toEqual({ title: 'FAQ', markdown: '# FAQ\n\nAsk us anything.' });
  });

  it('reads a UTF-16 text file with a byte-order mark', async () => {
    const bytes = Uint8Array.from([0xff, 0xfe, ...[...'Hi there'].flatMap((c) => [c.charCodeAt(0), 0])]);
    expect((await extractFile({ bytes, filename: 'notes.txt' })).markdown).toBe('Hi there');
  });

  it('converts an HTML file to Markdown of its main content', async () => {
    const html = `<html><head><title>Shipping</title></head><body><nav><a href="/">Home</a></nav><main><h1>Shipping</h1><p>${'We ship worldwide within three days. '.repeat(8)}</p></main><footer>© Acme</footer></body></html>`;
    const { title, markdown } = await extractFile({ bytes: utf8(html), filename: 'shipping.html' });
    expect(title).toBe('Shipping');
    expect(markdown).toContain('We ship worldwide within three days.');
    expect(markdown).not.toContain('© Acme');
  });

  it('refuses a text file that is not UTF-8, saying where', async () => {
    const latin1 = Uint8Array.from([...utf8('Prices\nCr'), 0xe8, ...utf8('me br'), 0xfb, ...utf8('l'), 0xe9, 0x65]);
    await expectExtractError({ bytes: latin1, filename: 'menu.txt' }, 'invalid_encoding', /menu\.txt is not valid UTF-8 text: byte 9 \(line 2\).*Windows-1252/);
  });

  it('refuses a file with nothing in it', async () => {
    await expectExtractError({ bytes: utf8('  \n\n '), filename: 'empty.txt' }, 'no_text', /contains no text/);
  });
});

describe('extractFile: unsupported types', () => {
  it('names what a program is and lists the accepted types', async () => {
    const exe = Uint8Array.from([0x4d, 0x5a, 0x90, 0x00, ...new Array(200).fill(0)]);
    await expectExtractError({ bytes: exe, filename: 'setup.exe' }, 'unsupported_type', /setup\.exe looks like a Windows program.*Accepted types: PDF, DOCX, TXT, Markdown or HTML/);
    // Renaming does not help: the content decides.
    await expectExtractError({ bytes: exe, filename: 'setup.txt' }, 'unsupported_type', /Windows program/);
  });

  it('refuses an unknown extension without a known media type', async () => {
    await expectExtractError({ bytes: new TextEncoder().encode('a,b\n1,2'), filename: 'data.csv' }, 'unsupported_type', /data\.csv is a file type that cannot be added.*Accepted types/);
  });

  it('accepts a text file by its media type when the name has no extension', async () => {
    expect((await extractFile({ bytes: new TextEncoder().encode('hello'), filename: 'README', mimeType: 'text/plain; charset=utf-8' })).markdown).toBe('hello');
  });

  it('refuses a ZIP archive that is not a Word document', async () => {
    const zip = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...new TextEncoder().encode('xl/workbook.xml'), ...new Array(50).fill(0)]);
    await expectExtractError({ bytes: zip, filename: 'sheet.xlsx' }, 'unsupported_type', /ZIP archive/);
  });
});

describe('what readers see of an extracted file', () => {
  it('keeps an HTML page’s <h1> even when it repeats the <title>', async () => {
    const html = `<html><head><title>Returns</title></head><body><main><h1>Returns</h1><p>${'Unused items can be returned within 30 days. '.repeat(6)}</p></main></body></html>`;
    const { title, markdown } = await extractFile({ bytes: new TextEncoder().encode(html), filename: 'returns.html' });
    expect(title).toBe('Returns');
    expect(markdown).toMatch(/^# Returns\n\nUnused items/);
  });

  it('removes page markers from the shown text and maps chunk offsets onto it', () => {
    const marked = '<!-- page 1 -->\n\nFirst page.\n\n<!-- page 2 -->\n\nSecond page.';
    const shown = withoutPageMarkers(marked);
    expect(shown.text).toBe('First page.\n\nSecond page.');
    const second = marked.indexOf('Second');
    expect(shown.text.slice(shown.offset(second), shown.offset(marked.length))).toBe('Second page.');
    expect(shown.offset(marked.indexOf('First'))).toBe(0);
    expect(withoutPageMarkers('No markers.').text).toBe('No markers.');
  });
});

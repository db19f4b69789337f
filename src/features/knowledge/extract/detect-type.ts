import { ACCEPTED_TYPES, ExtractError } from './extract-error.ts';

export type FileKind = 'pdf' | 'docx' | 'txt' | 'markdown' | 'html';

const BY_EXTENSION: Record<string, FileKind> = {
  pdf: 'pdf',
  docx: 'docx',
  txt: 'txt',
  text: 'txt',
  md: 'markdown',
  markdown: 'markdown',
  mdown: 'markdown',
  mkd: 'markdown',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
};

const BY_MIME: Record<string, FileKind> = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'text/plain': 'txt',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
};

// Binary formats people upload by mistake, named so the error can say what the file actually is.
const KNOWN_BINARY: ReadonlyArray<{ magic: readonly number[]; what: string }> = [
  { magic: [0x4d, 0x5a], what: 'a Windows program' },
  { magic: [0x7f, 0x45, 0x4c, 0x46], what: 'a program (ELF)' },
  { magic: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { magic: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { magic: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { magic: [0x1f, 0x8b], what: 'a gzip archive' },
  { magic: [0x52, 0x61, 0x72, 0x21], what: 'a RAR archive' },
  { magic: [0x37, 0x7a, 0xbc, 0xaf], what: 'a 7-Zip archive' },
  { magic: [0xd0, 0xcf, 0x11, 0xe0], what: 'a legacy Office file (.doc, .xls, .ppt) or a password-protected Office file' },
];

const startsWith = (bytes: Uint8Array, magic: readonly number[]) => magic.every((b, i) => bytes[i] === b);
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Readers accept junk before the header (the PDF spec tolerates it in the first 1 KB), so search there. */
const isPdf = (bytes: Uint8Array) => asBuffer(bytes.subarray(0, 1024)).includes('%PDF-');
const isZip = (bytes: Uint8Array) => startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]);
// Entry names are stored uncompressed in a ZIP, so a Word package shows its `word/` parts in plain bytes.
const isWordPackage = (bytes: Uint8Array) => asBuffer(bytes).includes('word/');

function kindFromName(filename: string, mimeType: string | undefined): FileKind | undefined {
  const dot = filename.lastIndexOf('.');
  const ext = dot >= 0 ? filename.slice(dot + 1).toLowerCase() : '';
  const mime = mimeType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return BY_EXTENSION[ext] ?? BY_MIME[mime];
}

const unsupported = (filename: string, what?: string) =>
  new ExtractError(
    'unsupported_type',
    `${filename} ${what ? `looks like ${what}, which` : 'is a file type that'} cannot be added to knowledge. Accepted types: ${ACCEPTED_TYPES}.`,
  );

/**
 * The file's kind, from its content first (a PDF or Word file renamed to .txt is still read
 * correctly) and from its name or media type only for text formats, which have no signature.
 */
export function detectFileKind(bytes: Uint8Array, filename: string, mimeType?: string): FileKind {
  if (isPdf(bytes)) return 'pdf';
  const claimed = kindFromName(filename, mimeType);
  if (isZip(bytes)) {
    // A damaged .docx may lack the entries we look for; mammoth then reports it as unreadable.
    if (isWordPackage(bytes) || claimed === 'docx') return 'docx';
    throw unsupported(filename, 'a ZIP archive (or an Office file other than Word)');
  }
  const binary = KNOWN_BINARY.find((b) => startsWith(bytes, b.magic));
  if (binary && claimed === 'docx' && binary.magic[0] === 0xd0) {
    throw new ExtractError(
      'encrypted',
      `${filename} is password-protected or is an old-style .doc file. Remove the password or save it as DOCX, then upload it again.`,
    );
  }
  if (binary) throw unsupported(filename, binary.what);
  if (!claimed) throw unsupported(filename);
  return claimed;
}

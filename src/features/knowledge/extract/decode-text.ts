import { ExtractError } from './extract-error.ts';

/**
 * Text files must be UTF-8 (a UTF-16 file with a byte-order mark is accepted too). Decoding is
 * fatal on purpose: a Latin-1 or Windows-1252 file silently decoded as UTF-8 would store U+FFFD
 * in place of every accented letter, so the upload is refused with the place of the first bad byte.
 */
export function decodeText(bytes: Uint8Array, filename: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8Byte(bytes);
    throw new ExtractError(
      'invalid_encoding',
      `${filename} is not valid UTF-8 text: byte ${at} (line ${lineAt(bytes, at)}) is not UTF-8. ` +
        'It is probably saved in another encoding, such as Windows-1252 or Latin-1; save it as UTF-8 and upload it again.',
    );
  }
}

/** Offset of the first byte that starts an invalid sequence (the TextDecoder does not say where). */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Lead byte -> sequence length and the allowed range of the second byte (excludes overlong
    // forms, UTF-16 surrogates and code points above U+10FFFF, as the decoder does).
    let length = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) [length, lo, hi] = [3, b === 0xe0 ? 0xa0 : 0x80, b === 0xed ? 0x9f : 0xbf];
    else if (b >= 0xf0 && b <= 0xf4) [length, lo, hi] = [4, b === 0xf0 ? 0x90 : 0x80, b === 0xf4 ? 0x8f : 0xbf];
    else return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      const [min, max] = k === 1 ? [lo, hi] : [0x80, 0xbf];
      if (c === undefined || c < min || c > max) return i;
    }
    i += length;
  }
  return -1;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/**
 * Why a file could not become text. The message is written for the person who uploaded the file
 * (it ends up in the knowledge item's `error`), so it names the problem and, where there is one, the fix.
 */
export type ExtractErrorReason = 'unsupported_type' | 'corrupt' | 'encrypted' | 'no_text' | 'invalid_encoding';

export class ExtractError extends Error {
  readonly reason: ExtractErrorReason;

  constructor(reason: ExtractErrorReason, message: string) {
    super(message);
    this.name = 'ExtractError';
    this.reason = reason;
  }
}

export const ACCEPTED_TYPES = 'PDF, DOCX, TXT, Markdown or HTML';

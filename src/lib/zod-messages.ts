import { z } from 'zod';

/**
 * Plain words for zod's issues, for every request a schema refuses: `name: must not be empty` rather than zod's
 * `name: Too small: expected string to have >=1 characters`. A schema's own message (the runtime contract's "message
 * is required") still wins; an issue not named here keeps zod's text. Installed once for the process (zod's global
 * configuration) by the modules whose messages people read: the settings (config.ts) and the HTTP layer.
 */
const TYPES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  bigint: 'an integer',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
  date: 'a date',
  null: 'null',
};
const FORMATS: Record<string, string> = {
  url: 'a URL',
  email: 'an email address',
  datetime: 'a date-time such as 2026-01-31T09:30:00Z',
  date: 'a date such as 2026-01-31',
  uuid: 'a UUID',
};

type Issue = z.core.$ZodRawIssue;

function size(iss: Issue & { origin?: string }, bound: number | bigint, most: boolean, inclusive: boolean | undefined): string | undefined {
  const n = String(bound);
  switch (iss.origin) {
    case 'string':
      if (!most && Number(bound) === 1) return 'must not be empty';
      return `must be ${most ? 'at most' : 'at least'} ${n} characters`;
    case 'array':
    case 'set':
      if (!most && Number(bound) === 1) return 'must hold at least one item';
      return `must hold ${most ? 'at most' : 'at least'} ${n} items`;
    case 'number':
    case 'int':
    case 'bigint':
      return inclusive === false ? `must be ${most ? 'less' : 'greater'} than ${n}` : `must be ${most ? 'at most' : 'at least'} ${n}`;
    default:
      return undefined;
  }
}

export function plainMessage(iss: Issue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      return iss.input === undefined ? 'is required' : TYPES[iss.expected] ? `must be ${TYPES[iss.expected]}` : undefined;
    case 'too_small':
      return size(iss, iss.minimum, false, iss.inclusive);
    case 'too_big':
      return size(iss, iss.maximum, true, iss.inclusive);
    case 'invalid_value':
      if (iss.input === undefined) return 'is required';
      return iss.values.length === 1 ? `must be ${JSON.stringify(iss.values[0])}` : `must be one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return FORMATS[iss.format] ? `must be ${FORMATS[iss.format]}` : undefined;
    case 'unrecognized_keys':
      return `unknown field${iss.keys.length > 1 ? 's' : ''}: ${iss.keys.join(', ')}`;
    default:
      return undefined;
  }
}

z.config({ customError: plainMessage });

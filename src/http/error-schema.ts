import { z } from 'zod';

export const ErrorSchema = z
  .object({ message: z.string().meta({ description: 'What went wrong, in words meant for the caller.' }) })
  .meta({ id: 'Error', description: 'Every error response has this shape.', examples: [{ message: 'name: is required' }] });

export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request: a parameter or the body is invalid (including text that cannot be stored: NUL characters, unpaired surrogates), a path parameter is over 200 characters, or the URL is malformed; the message names the field.',
  401: 'The API key is missing, invalid, revoked or expired, or the endpoint is not available to this key.',
  403: 'Forbidden: plain HTTP from a non-loopback client (HTTPS is required), or a disabled agent on the runtime API.',
  404: 'The resource (or route) was not found, or is outside the reach of this key.',
  409: 'Conflict with the current state of the resource (a duplicate, or a change the resource does not allow); the message says which.',
  415: 'Unsupported media type: send the body as application/json (or multipart/form-data where the operation takes a file).',
  431: 'The URL (with its query string) and headers together exceed 16 KB.',
  429: 'Rate limit exceeded; see the Retry-After header.',
  500: 'Unexpected server error; the response carries an x-request-id to quote.',
  502: 'The upstream model provider failed after retries.',
  503: 'The service is not ready.',
};

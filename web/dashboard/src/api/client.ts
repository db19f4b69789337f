import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../../generated/openapi';

export type Schemas = components['schemas'];
export type User = Schemas['User'];
export type Role = User['memberships'][number]['role'];

/** An API answer other than 2xx: its status and the server's `{message}`, shown to the user as text. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The session cookie is HttpOnly; its CSRF twin is readable so that unsafe requests can echo it (see docs/sign-in). */
function csrfToken(): string | undefined {
  const match = document.cookie.match(/(?:^|;\s*)parley_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

const csrf: Middleware = {
  onRequest({ request }) {
    const token = csrfToken();
    if (UNSAFE.has(request.method) && token) request.headers.set('x-csrf-token', token);
    return request;
  },
};

/** The one door to the server: same origin, the session cookie, types generated from /openapi.json. */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(csrf);

/** The data of a call, or an ApiError with the server's message. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok && data !== undefined) return data;
  const message = (error as { message?: unknown } | undefined)?.message;
  throw new ApiError(response.status, typeof message === 'string' ? message : `${response.status} ${response.statusText}`);
}

/** Lists are paginated; the dashboard reads the first page at the largest size the API allows. */
export const FIRST_PAGE = { page: 1, take: 100 } as const;

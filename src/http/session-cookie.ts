import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'parley_session';
export const CSRF_COOKIE = 'parley_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * The session cookie is HttpOnly (page scripts cannot read it) and SameSite=Lax (not sent on cross-site
 * POSTs); the CSRF cookie is readable so the dashboard can echo it in `x-csrf-token`. Both are `Secure`
 * when the request came over HTTPS (directly, or through a trusted proxy's X-Forwarded-Proto).
 */
export function setSessionCookies(request: FastifyRequest, reply: FastifyReply, s: { token: string; csrfToken: string; expiresAt: Date }): void {
  const secure = request.protocol === 'https';
  const serialize = request.server.serializeCookie;
  reply.header('set-cookie', [
    serialize(SESSION_COOKIE, s.token, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires: s.expiresAt }),
    serialize(CSRF_COOKIE, s.csrfToken, { path: '/', httpOnly: false, sameSite: 'lax', secure, expires: s.expiresAt }),
  ]);
}

export function clearSessionCookies(request: FastifyRequest, reply: FastifyReply): void {
  const secure = request.protocol === 'https';
  const serialize = request.server.serializeCookie;
  const gone = { path: '/', sameSite: 'lax', secure, expires: new Date(0), maxAge: 0 } as const;
  reply.header('set-cookie', [serialize(SESSION_COOKIE, '', { ...gone, httpOnly: true }), serialize(CSRF_COOKIE, '', gone)]);
}

/**
 * Cookies are parsed here, only when a route needs the session (the cookie plugin runs with `hook: false`):
 * its per-request hooks cost every call, the runtime API's included, which never reads a cookie.
 */
export function sessionTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  return header ? request.server.parseCookie(header)[SESSION_COOKIE] || undefined : undefined;
}

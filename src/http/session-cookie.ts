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
  reply.setCookie(SESSION_COOKIE, s.token, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires: s.expiresAt });
  reply.setCookie(CSRF_COOKIE, s.csrfToken, { path: '/', httpOnly: false, sameSite: 'lax', secure, expires: s.expiresAt });
}

export function clearSessionCookies(request: FastifyRequest, reply: FastifyReply): void {
  const secure = request.protocol === 'https';
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
  reply.clearCookie(CSRF_COOKIE, { path: '/', sameSite: 'lax', secure });
}

export const sessionTokenOf = (request: FastifyRequest): string | undefined => request.cookies?.[SESSION_COOKIE] || undefined;

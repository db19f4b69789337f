import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { AppError } from '../../lib/errors.ts';
import type { DashboardBuild, DashboardFile } from './dashboard-assets.ts';

const tags = ['Meta'];
const NOT_BUILT = 'The dashboard has not been built: run `npm start` (or `node web/dashboard/build.mjs`) to build it';
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
};

function send(request: FastifyRequest, reply: FastifyReply, f: DashboardFile, type: string, cache: string) {
  reply.type(type).header('cache-control', cache).header('vary', 'accept-encoding').header('x-content-type-options', 'nosniff');
  if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(f.gzip);
  return reply.send(f.body);
}

/**
 * The dashboard (web/dashboard), a single-page app under `/app`: its content-hashed files cached for a year, and
 * its page for `/app` and every other `/app/...` address (the app's router reads the path), never cached so a new
 * release is picked up at once. Browser files, so hidden from the OpenAPI document as the widget's are.
 */
export function dashboardAssetRoutes(build: DashboardBuild): RouteDef[] {
  const page = async ({ request, reply }: { request: FastifyRequest; reply: FastifyReply }) => {
    if (!build.index) throw new AppError('not_found', NOT_BUILT);
    // The dashboard acts with the session cookie: no other site may frame it (clickjacking).
    reply.header('content-security-policy', "frame-ancestors 'none'").header('x-frame-options', 'DENY');
    return send(request, reply, build.index, 'text/html; charset=utf-8', 'no-cache');
  };
  const html = { 200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } } };
  return [
    // `/app` and every address under it serve the one page; the app shows the screen of the address.
    ...(['/app', '/app/*'] as const).map((url) =>
      defineRoute({
        method: 'GET',
        url,
        operationId: url === '/app' ? 'getDashboard' : 'getDashboardPage',
        summary: url === '/app' ? 'The dashboard' : 'A page of the dashboard',
        description: url === '/app' ? 'The web app for the team: setup, sign-in, assistants, keys.' : 'The same page as `/app`: the app shows the screen of the address.',
        tags,
        auth: 'public',
        hidden: true,
        responses: html,
        handler: page,
      }),
    ),
    defineRoute({
      method: 'GET',
      url: '/app/assets/:file',
      operationId: 'getDashboardAsset',
      summary: 'A content-hashed dashboard file',
      description: 'Immutable: a new build has new file names.',
      tags,
      auth: 'public',
      hidden: true,
      params: z.object({ file: z.string().max(128) }),
      responses: { 200: { description: 'JavaScript or CSS', content: { 'text/javascript': { schema: z.string() }, 'text/css': { schema: z.string() } } } },
      handler: async ({ params, request, reply }) => {
        if (!build.index) throw new AppError('not_found', NOT_BUILT);
        const f = build.assets.get(params.file);
        if (!f) throw new AppError('not_found', 'Dashboard file not found');
        const type = TYPES[params.file.slice(params.file.lastIndexOf('.'))] ?? 'application/octet-stream';
        return send(request, reply, f, type, 'public, max-age=31536000, immutable');
      },
    }),
  ];
}

import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { z } from 'zod';

/** Parley's mark: a speech bubble in the dashboard's indigo. Used as the favicon and in the API reference's top bar. */
export const PARLEY_MARK_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#3b5bdb"/><path fill="#fff" d="M16 7c-5.5 0-10 3.6-10 8.1 0 2.4 1.3 4.5 3.3 6l-.8 3.9 4.2-2.3c1 .3 2.1.4 3.3.4 5.5 0 10-3.6 10-8S21.5 7 16 7z"/></svg>';

/** The mark with the name, for the API reference's top bar (light text on its dark bar). */
export const PARLEY_LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 150 32" width="150" height="32"><rect width="32" height="32" rx="8" fill="#3b5bdb"/><path fill="#fff" d="M16 7c-5.5 0-10 3.6-10 8.1 0 2.4 1.3 4.5 3.3 6l-.8 3.9 4.2-2.3c1 .3 2.1.4 3.3.4 5.5 0 10-3.6 10-8S21.5 7 16 7z"/><text x="42" y="23" font-family="system-ui,sans-serif" font-size="20" font-weight="700" fill="#fff">Parley</text></svg>';

/** `/favicon.ico` (browsers ask for it whatever the page says) and `/favicon.svg`: the mark, cached for a day. */
export function brandRoutes(): RouteDef[] {
  return ['/favicon.ico', '/favicon.svg'].map((url) =>
    defineRoute({
      method: 'GET',
      url,
      operationId: url.endsWith('.ico') ? 'getFaviconIco' : 'getFaviconSvg',
      summary: 'The favicon',
      description: "Parley's mark (SVG; browsers accept it at /favicon.ico too).",
      tags: ['Meta'],
      auth: 'public',
      hidden: true,
      responses: { 200: { description: 'SVG', content: { 'image/svg+xml': { schema: z.string() } } } },
      handler: async ({ reply }) => reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(PARLEY_MARK_SVG),
    }),
  );
}

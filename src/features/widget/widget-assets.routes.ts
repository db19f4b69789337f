import { z } from 'zod';
import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { AppError } from '../../lib/errors.ts';
import type { WidgetBuild } from './widget-assets.ts';

const tags = ['Web widget'];
const NOT_BUILT = 'The web widget has not been built: run `npm start` (or `node web/widget/build.mjs`) to build it';
const html = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The widget's files: the loader at its stable URL with a short cache lifetime (a new release reaches sites within
 * minutes), the content-hashed assets it loads cached for a year, and a demo page. Browser files, so hidden from
 * the OpenAPI document.
 */
export function widgetAssetRoutes(
  build: WidgetBuild,
  opts: {
    /** Whether the assistant exists, is enabled and has its widget turned on (the demo page says so when not). */
    widgetLive?: (assistantId: string) => Promise<boolean>;
    /** The instance's public base URL, for the snippet the demo page shows; else the address the page was asked at. */
    publicUrl?: string;
  } = {},
): RouteDef[] {
  const missing = () => new AppError('not_found', NOT_BUILT);
  return [
    defineRoute({
      method: 'GET',
      url: '/widget.js',
      operationId: 'getWidgetLoader',
      summary: 'The web widget loader script',
      description: 'The script a site embeds; it loads the content-hashed widget bundle.',
      tags,
      auth: 'public',
      hidden: true,
      responses: { 200: { description: 'JavaScript', content: { 'text/javascript': { schema: z.string() } } } },
      handler: async ({ reply }) => {
        if (!build.loader) throw missing();
        return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').header('access-control-allow-origin', '*').send(build.loader);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/widget/assets/:file',
      operationId: 'getWidgetAsset',
      summary: 'A content-hashed web widget file',
      description: 'Immutable: a new build has new file names.',
      tags,
      auth: 'public',
      hidden: true,
      params: z.object({ file: z.string().max(128) }),
      responses: { 200: { description: 'JavaScript or CSS', content: { 'text/javascript': { schema: z.string() }, 'text/css': { schema: z.string() } } } },
      handler: async ({ params, reply }) => {
        if (!build.loader) throw missing();
        const body = build.assets.get(params.file);
        if (!body) throw new AppError('not_found', 'Widget asset not found');
        const type = params.file.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
        return reply.type(type).header('cache-control', 'public, max-age=31536000, immutable').header('access-control-allow-origin', '*').send(body);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/widget/demo',
      operationId: 'getWidgetDemo',
      summary: 'Web widget demo page',
      description: "A page that embeds the widget of `assistant_id` (Parley's own origin is always allowed).",
      tags,
      auth: 'public',
      hidden: true,
      query: z.object({ assistant_id: z.string().max(64).optional() }),
      responses: { 200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } } },
      handler: async ({ query, request, reply }) => {
        if (!build.loader) throw missing();
        const id = query.assistant_id;
        const live = id !== undefined && (await (opts.widgetLive?.(id) ?? true));
        // The snippet is for another site's pages: its URL must be absolute.
        const base = (opts.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
        const body = !id
          ? '<p>Add <code>?assistant_id=ast_...</code> to this address: the id of an assistant whose widget is enabled.</p>'
          : live
            ? `<script src="/widget.js" data-assistant-id="${html(id)}" async></script>`
            : `<p role="alert" class="off">No assistant with the id <code>${html(id)}</code> has its web widget turned on, so there is no chat button here. An admin turns it on in the dashboard (Assistants, the assistant, <b>Widget enabled</b>), or with <code>PATCH /orgs/{org_id}/assistants/${html(id)}</code> and <code>{"config": {"widget": {"enabled": true}}}</code>: see <a href="/guides/widget#turning-it-on">Turning it on</a>.</p>`;
        return reply.type('text/html; charset=utf-8').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley widget demo</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:640px;margin:48px auto;padding:0 16px;color:#1b1f24}code{background:#f2f4f7;padding:1px 4px;border-radius:4px}pre{white-space:pre-wrap;word-break:break-all}.off{border-left:4px solid #b42318;background:#fef3f2;padding:8px 12px}</style>
</head><body><main><h1>Parley widget demo</h1>
<p>The chat button in the corner is the web widget, as a site embeds it:</p>
<pre><code>${html(`<script src="${base}/widget.js" data-assistant-id="${id ?? 'ast_...'}" async></script>`)}</code></pre>
${body}</main></body></html>`);
      },
    }),
  ];
}

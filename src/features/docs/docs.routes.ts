import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { notFound } from '../../lib/errors.ts';
import { DOCS_DIR, type DocPage, renderLayout } from './docs-pages.ts';

const tags = ['Meta'];
const text = (description: string, type = 'text/plain') => ({
  description,
  content: { [type]: { schema: z.string() } },
});

/** Absolute base URL for links in llms.txt: the configured public URL, else this request's host. */
function baseUrl(publicUrl: string | undefined, req: { protocol: string; host: string }): string {
  return (publicUrl ?? `${req.protocol}://${req.host}`).replace(/\/$/, '');
}

/** The guides' pictures (dashboard screenshots), read from disk when asked: names known at start, nothing else. */
const IMAGES_DIR = path.join(DOCS_DIR, 'images');
const IMAGE_NAME = /^[a-z0-9][a-z0-9-]*\.png$/;
function listImages(dir: string): Set<string> {
  try {
    return new Set(readdirSync(dir).filter((f) => IMAGE_NAME.test(f)));
  } catch {
    return new Set();
  }
}

export function docsRoutes(opts: {
  pages: DocPage[];
  openapi: () => unknown;
  publicUrl?: string;
  imagesDir?: string;
}): RouteDef[] {
  const { pages } = opts;
  const imagesDir = opts.imagesDir ?? IMAGES_DIR;
  const images = listImages(imagesDir);
  const bySlug = new Map(pages.map((p) => [p.slug, p]));
  const index = renderLayout(
    pages,
    null,
    `<h1>Parley documentation</h1><ul>${pages
      .map((p) => `<li><a href="/guides/${p.slug}">${p.title}</a>: ${p.description}</li>`)
      .join('')}</ul>`,
    'Documentation',
  );

  return [
    defineRoute({
      method: 'GET',
      url: '/',
      operationId: 'getRoot',
      summary: 'Home',
      description: 'Redirects to the documentation index.',
      tags,
      auth: 'public',
      // A redirect for browsers: no 2xx answer and nothing a generated client would call.
      hidden: true,
      responses: { 302: z.undefined().meta({ description: 'Redirect to /guides' }) },
      handler: async ({ reply }) => reply.redirect('/guides'),
    }),
    defineRoute({
      method: 'GET',
      url: '/openapi.json',
      operationId: 'getOpenApi',
      summary: 'OpenAPI document',
      description: 'This API as an OpenAPI 3.1 document, generated from the route schemas.',
      tags,
      auth: 'public',
      responses: {
        200: {
          description: 'OpenAPI 3.1 document',
          content: {
            'application/json': {
              schema: z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.record(z.string(), z.unknown()) }),
            },
          },
        },
      },
      handler: async ({ reply }) => reply.type('application/json; charset=utf-8').serializer(JSON.stringify).send(opts.openapi()),
    }),
    defineRoute({
      method: 'GET',
      url: '/llms.txt',
      operationId: 'getLlmsTxt',
      summary: 'Documentation index for agents',
      description: 'The llms.txt index: every documentation page with its Markdown URL.',
      tags,
      auth: 'public',
      responses: { 200: text('llms.txt index') },
      handler: async ({ request, reply }) => {
        const base = baseUrl(opts.publicUrl, request);
        const lines = [
          '# Parley',
          '',
          '> Self-hosted platform for AI customer-support assistants: management API under /orgs/{org_id}/..., runtime API under /api/agents/{agentId}/invoke.',
          '',
          `- OpenAPI spec: ${base}/openapi.json`,
          `- Interactive reference: ${base}/docs`,
          `- Every page in one file: ${base}/llms-full.txt`,
          '',
          '## Docs',
          '',
          ...pages.map((p) => `- [${p.title}](${base}/guides/${p.slug}.md): ${p.description}`),
          '',
        ];
        return reply.type('text/plain; charset=utf-8').send(lines.join('\n'));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/llms-full.txt',
      operationId: 'getLlmsFullTxt',
      summary: 'All documentation in one file',
      description: 'Every documentation page as Markdown, concatenated, for agents.',
      tags,
      auth: 'public',
      responses: { 200: text('All pages as Markdown') },
      handler: async ({ request, reply }) => {
        const base = baseUrl(opts.publicUrl, request);
        const body = pages.map((p) => `${p.markdown}\nSource: ${base}/guides/${p.slug}.md\n`).join('\n---\n\n');
        return reply.type('text/plain; charset=utf-8').send(body);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/guides',
      operationId: 'listGuides',
      summary: 'Documentation index',
      description: 'An HTML page linking every guide; `/llms.txt` lists the same pages for agents.',
      tags,
      auth: 'public',
      responses: { 200: text('HTML index of the documentation pages', 'text/html') },
      handler: async ({ reply }) => reply.type('text/html; charset=utf-8').send(index),
    }),
    defineRoute({
      method: 'GET',
      url: '/guides/images/:file',
      operationId: 'getGuideImage',
      summary: 'A picture of the guides',
      description: 'The screenshots the guides show (PNG).',
      tags,
      auth: 'public',
      params: z.object({ file: z.string().max(128).meta({ examples: ['dashboard-inbox.png'] }) }),
      responses: { 200: { description: 'The picture', content: { 'image/png': { schema: z.string().meta({ format: 'binary' }) } } } },
      handler: async ({ params, reply }) => {
        if (!images.has(params.file)) throw notFound('Image');
        const bytes = await readFile(path.join(imagesDir, params.file));
        return reply.type('image/png').header('cache-control', 'public, max-age=3600').send(bytes);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/guides/:page',
      operationId: 'getGuide',
      summary: 'A documentation page',
      description: 'HTML by default; add `.md` to the page name for Markdown.',
      tags,
      auth: 'public',
      params: z.object({ page: z.string().max(128).meta({ examples: ['getting-started', 'getting-started.md'] }) }),
      responses: {
        200: {
          description: 'The page',
          content: { 'text/html': { schema: z.string() }, 'text/markdown': { schema: z.string() } },
        },
      },
      handler: async ({ params, reply }) => {
        const wantsMarkdown = params.page.endsWith('.md');
        const page = bySlug.get(wantsMarkdown ? params.page.slice(0, -3) : params.page);
        if (!page) throw notFound('Page');
        if (wantsMarkdown) return reply.type('text/markdown; charset=utf-8').send(page.markdown);
        return reply.type('text/html; charset=utf-8').send(renderLayout(pages, page, await page.html(), page.title));
      },
    }),
  ];
}

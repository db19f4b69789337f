// The site that embeds the widget: a tiny node:http server on another origin (another port) than Parley, whose
// own CSS is hostile on purpose.
import { createServer, type Server } from 'node:http';

export const HOSTILE_CSS = `
  * { color: red !important; font-size: 40px; line-height: 3; letter-spacing: 4px; }
  button { display: none; }
  div, li, p, textarea { background: yellow !important; border: 5px dashed green; padding: 30px; margin: 20px; }
  .panel, .launcher, .msg, .text, .root, header, h2 { width: 10px !important; height: 10px !important; position: static !important; }
`;

export interface Site {
  origin: string;
  /** Serves `html` at a new path and returns its URL. */
  page(body: string, opts?: { lang?: string }): string;
  close(): Promise<void>;
}

export async function startSite(pages: Record<string, string> = {}): Promise<Site> {
  const routes = new Map(Object.entries(pages));
  let n = 0;
  const server: Server = createServer((req, res) => {
    const html = routes.get((req.url ?? '/').split('?')[0]!);
    res.writeHead(html === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    origin,
    page(body, opts = {}) {
      const p = `/page-${++n}`;
      routes.set(
        p,
        `<!doctype html><html lang="${opts.lang ?? 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme shop</title><style>${HOSTILE_CSS}</style></head>
<body><main><h1>Acme shop</h1><h2 id="page-h2">Our products</h2><button id="page-button">Buy</button><div class="panel" id="page-panel">A page element named like the widget's.</div></main>
${body}</body></html>`,
      );
      return origin + p;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

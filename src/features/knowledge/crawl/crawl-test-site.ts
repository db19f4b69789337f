import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Test fixture: a small website on 127.0.0.1:0 whose routes are plain data, with a log of requested paths. */
export type Route =
  | { status?: number; type?: string; body?: string | Buffer; headers?: Record<string, string> }
  | ((req: IncomingMessage, res: ServerResponse) => void);

export interface TestSite {
  origin: string;
  /** Paths (with query) in the order they were requested. */
  hits: string[];
  hitsOf(path: string): number;
  close(): Promise<void>;
}

export async function startTestSite(routesFor: (origin: string) => Record<string, Route>): Promise<TestSite> {
  let routes: Record<string, Route> = {};
  const hits: string[] = [];
  const server = createServer((req, res) => {
    res.on('error', () => undefined); // the crawler hangs up on oversized bodies
    const path = req.url ?? '/';
    hits.push(path);
    const route = routes[path];
    if (typeof route === 'function') return route(req, res);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
      return;
    }
    res.writeHead(route.status ?? 200, { 'content-type': route.type ?? 'text/html; charset=utf-8', ...route.headers });
    res.end(route.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  routes = routesFor(origin);
  return {
    origin,
    hits,
    hitsOf: (path) => hits.filter((h) => h === path).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function htmlPage(title: string, links: string[] = []): string {
  const anchors = links.map((href) => `<li><a href="${href}">${href}</a></li>`).join('');
  return `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1><ul>${anchors}</ul></body></html>`;
}

export const redirect = (location: string, status = 301): Route => ({ status, headers: { location }, body: '' });

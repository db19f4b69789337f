import type { FastifyInstance } from 'fastify';
import FindMyWay from 'find-my-way';

/**
 * Which methods a path has, so a wrong method on a known path answers 405 with `Allow` instead of
 * 404. Fastify's own router only answers "no route"; a second router of the same library
 * (find-my-way), fed by the onRoute hook, knows every registered route, plugins' included.
 */
export function trackMethods(app: FastifyInstance): (url: string) => string[] {
  const router = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 1_000 });
  const methods = new Set<string>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      methods.add(method);
      router.on(method as never, route.url, () => {});
    }
  });
  return (url) => {
    const path = url.split('?')[0]!;
    return [...methods].filter((m) => router.find(m as never, path) !== null).sort();
  };
}

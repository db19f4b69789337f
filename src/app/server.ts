import { randomUUID } from 'node:crypto';
import { SYSTEM_ACTOR } from '../events/actor.ts';
import { actorOf } from '../http/principal.ts';
import fastifyCookie from '@fastify/cookie';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { PARLEY_LOGO_SVG, PARLEY_MARK_SVG } from '../features/docs/index.ts';
import fastifyWebsocket from '@fastify/websocket';
import type { WebSocket } from 'ws';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { loadDocPages } from '../features/docs/index.ts';
import { loadWidgetBuild } from '../features/widget/index.ts';
import { loadDashboardBuild } from '../features/dashboard/index.ts';
import { authorize } from '../http/auth.ts';
import type { RouteDef } from '../http/define-route.ts';
import { ERROR_DESCRIPTIONS, ErrorSchema } from '../http/error-schema.ts';
import { errorOfReply, MAX_PARAM_LENGTH, onClientError, onFrameworkError, registerErrorHandlers } from '../http/error-handler.ts';
import { trackMethods } from '../http/method-index.ts';
import { redactSecrets } from '../infra/log-redaction.ts';
import { rejectUnstorableUrlParts, storableValidatorCompiler } from '../http/storable-input.ts';
import { enforceHttps } from '../http/https.ts';
import { PROBE_PATHS } from '../http/probes.ts';
import { endLiveStreamsOnClose } from '../http/sse.ts';
import { registerJsonParser } from '../http/json-body.ts';
import { multipartToBody, registerMultipart } from '../http/multipart.ts';
import { allowWidgetCors, WIDGET_API_PREFIX } from '../http/widget-cors.ts';
import { registerOpenApi } from '../http/openapi.ts';
import { enforceLimit } from '../http/rate-limit.ts';
import type { Deps } from './deps.ts';
import { routeTable } from './routes.ts';
import { VERSION } from './version.ts';

const INCOMING_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function errorStatuses(def: RouteDef): number[] {
  // 403 (plain HTTP from a non-loopback client, see https.ts) and 429 (the per-IP limit): any route but the probes.
  // 431: a URL (with its query) and headers over Node's 16 KB limit, refused before routing.
  const s = new Set<number>([431, 500, ...(def.errors ?? [])]);
  if (!PROBE_PATHS.has(def.url)) s.add(403).add(429);
  if (def.params || def.query || def.body) s.add(400);
  // A body in another media type than the route reads (JSON, or a form on upload routes); Fastify
  // reads bodies of every method but GET and HEAD, so a DELETE with an XML body gets it too.
  if (def.body || def.method !== 'GET') s.add(415);
  if (def.auth !== 'public') s.add(401);
  if (def.params || def.auth !== 'public') s.add(404);
  return [...s].sort();
}

/** The operation's description, with what it requires of the caller (the role table is in /guides/members). */
function describeAuth(def: RouteDef): string | undefined {
  const needs =
    typeof def.auth === 'object'
      ? `Requires the \`${def.auth.permission}\` permission.`
      : def.auth === 'session'
        ? 'Requires a signed-in user (session cookie); API keys are refused.'
        : def.auth === 'visitor'
          ? 'Requires a visitor token (`POST /widget/v1/sessions`) as `Authorization: Bearer`; API keys and sessions are refused.'
          : undefined;
  return needs ? [def.description, needs].filter(Boolean).join('\n\n') : def.description;
}

function responseSchemas(def: RouteDef): Record<string, unknown> {
  const out: Record<string, unknown> = { ...def.responses };
  for (const status of errorStatuses(def)) {
    out[status] = ErrorSchema.meta({ description: ERROR_DESCRIPTIONS[status] ?? 'Error' });
  }
  return out;
}

/**
 * The access log: one line per request, when its reply is done, with flat fields (method, URL scrubbed of
 * credentials, status, time taken, client address); Fastify's own is two lines with nested objects, and the
 * logger's redaction walks every nested object of a line.
 */
class AccessLog extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: redactSecrets(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100, ip: request.ip };
    const refused = reply.statusCode >= 400 ? errorOfReply(reply) : undefined;
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else if (refused) reply.log.info({ ...line, code: refused.code, error: redactSecrets(refused.message) }, 'request refused');
    else reply.log.info(line, 'request completed');
  }
}

/** Builds the Fastify app from the deps and the route table; does not listen. */
export async function buildServer(deps: Deps): Promise<{ app: FastifyInstance; routes: RouteDef[] }> {
  const { config } = deps;
  const app = Fastify({
    loggerInstance: deps.logger,
    https: deps.tls ?? null,
    trustProxy: config.trustProxy as boolean, // also a hop count or address list at runtime
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: false,
    logController: new AccessLog(),
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      // An id that looks like a key would be logged on every line of the request: replaced instead.
      const usable = typeof incoming === 'string' && INCOMING_REQUEST_ID.test(incoming) && redactSecrets(incoming) === incoming;
      return usable ? incoming : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: onFrameworkError,
    clientErrorHandler: onClientError,
  }) as unknown as FastifyInstance;

  const allowedMethods = trackMethods(app);
  endLiveStreamsOnClose(app);
  app.setValidatorCompiler(storableValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandlers(app, { bodyLimit: config.bodyLimitBytes, allowedMethods });
  // Only JSON (and multipart on upload routes) is read: any other body is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain');
  registerJsonParser(app);
  // Cookie parsing and writing only where sessions need them (see session-cookie.ts), not hooks on every request.
  await app.register(fastifyCookie, { hook: false });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // An upgrade to a route that is not a WebSocket: it gets its HTTP reply, and nothing keeps its socket otherwise.
    const upgrade = (request.raw as { upgrade?: boolean }).upgrade;
    if (upgrade && !(request.routeOptions.config as { wsRoute?: boolean } | undefined)?.wsRoute) reply.raw.once('finish', () => request.raw.socket.destroy());
    // The widget's API is called from other sites' pages (see widget-cors.ts); a preflight ends here.
    if (request.url.startsWith(WIDGET_API_PREFIX) && allowWidgetCors(request, reply)) return reply;
    if (request.protocol === 'https') reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    enforceHttps(request, config.allowHttp);
    if (!PROBE_PATHS.has(request.routeOptions.url ?? '')) {
      await enforceLimit(
        deps.rateLimiter,
        reply,
        `ip:${request.ip}`,
        config.rateLimitPerMinute,
        60_000,
        `rate limit exceeded: at most ${config.rateLimitPerMinute} requests per minute per IP address`,
      );
    }
    rejectUnstorableUrlParts(request);
  });

  const pages = loadDocPages();
  const routes = routeTable(deps, { pages, openapi: () => app.swagger() }, { widget: loadWidgetBuild(), dashboard: loadDashboardBuild() });
  await registerOpenApi(app, { routes, version: VERSION, serverUrl: config.publicUrl ?? '/' });
  const uploadLimit = Math.max(0, ...routes.map((r) => r.multipart?.maxFileBytes ?? 0));
  if (uploadLimit > 0) await registerMultipart(app, uploadLimit);

  const addRoute = (scope: FastifyInstance, def: RouteDef) => {
    const onRequest = def.auth === 'public' ? undefined : async (request: FastifyRequest) => authorize(request, def.auth, deps.authenticator);
    const limit = def.rateLimit;
    scope.route({
      method: def.method,
      url: def.url,
      schema: {
        operationId: def.operationId,
        summary: def.summary,
        description: describeAuth(def),
        tags: def.tags,
        security: def.auth === 'public' ? [] : def.auth === 'visitor' ? [{ visitorToken: [] }] : [{ bearerAuth: [] }, { sessionCookie: [] }],
        ...(def.params && { params: def.params }),
        ...(def.query && { querystring: def.query }),
        ...(def.body && { body: def.body }),
        response: responseSchemas(def),
        hide: def.hidden,
      } as never,
      onRequest,
      ...(def.websocket && { config: { wsRoute: true } as never }),
      ...(def.bodyLimit && { bodyLimit: def.bodyLimit }),
      ...(def.multipart && { preValidation: multipartToBody(def.multipart) }),
      preHandler: limit
        ? async (request, reply) => {
            const per = limit.per === 'visitor' ? request.visitor?.visitorId : limit.per === 'ip' ? request.ip : request.orgId;
            await enforceLimit(deps.rateLimiter, reply, `${limit.name}:${per}`, limit.limit, limit.windowMs, limit.message);
          }
        : undefined,
      ...(def.websocket && {
        wsHandler: (socket: WebSocket, request: FastifyRequest) =>
          def.websocket!(socket, {
            params: request.params,
            query: request.query,
            body: request.body,
            principal: request.principal!,
            actor: actorOf(request.principal!),
            orgId: request.orgId!,
            request,
          } as never),
      }),
      handler: async (request, reply) =>
        def.handler({
          params: request.params,
          query: request.query,
          body: request.body,
          principal: request.principal!,
          visitor: request.visitor!,
          actor: request.principal ? actorOf(request.principal) : request.visitor ? actorOf(request.visitor) : SYSTEM_ACTOR,
          orgId: request.orgId!,
          request,
          reply,
        } as never),
    });
  };
  for (const def of routes) if (!def.websocket) addRoute(app, def);
  // WebSocket routes (the live inbox) in a scope of their own: the plugin's hooks (onRequest, onResponse, and a
  // wrapper around every handler) then run for them alone, not on every API call. 1 MB frames at most; clients
  // only listen. An upgrade request to any other route gets that route's HTTP reply, then its socket is closed
  // (see the onRequest hook above).
  await app.register(async (scope: FastifyInstance) => {
    await scope.register(fastifyWebsocket, {
      options: { maxPayload: 1 << 20 },
      // As the plugin's own, but with 1001 Going Away (the server stops), so clients know to reconnect, not that
      // something failed (the plugin closes with no code: 1005).
      preClose(this: FastifyInstance, done: () => void) {
        for (const client of this.websocketServer.clients) client.close(1001, 'server stopping');
        this.websocketServer.close(done);
      },
    });
    for (const def of routes) if (def.websocket) addRoute(scope, def);
  });

  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    // Collapsed tags and no model section: the document has a few hundred operations and schemas, and rendering them
    // all expanded is what kept the page on its spinner.
    uiConfig: { deepLinking: true, persistAuthorization: true, docExpansion: 'none', defaultModelsExpandDepth: -1, filter: true, displayRequestDuration: true },
    logo: { type: 'image/svg+xml', content: Buffer.from(PARLEY_LOGO_SVG), href: '/guides', target: '_self' },
    theme: {
      title: 'Parley API reference',
      favicon: [{ filename: 'favicon.svg', rel: 'icon', sizes: 'any', type: 'image/svg+xml', content: Buffer.from(PARLEY_MARK_SVG) }],
      // The top bar's URL box would let a visitor load another document into this page: Parley documents itself only.
      css: [{ filename: 'parley.css', content: '.swagger-ui .topbar .download-url-wrapper{display:none}.swagger-ui .topbar{background:#1d2430}' }],
    },
  });
  return { app, routes };
}

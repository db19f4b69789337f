import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { Actor } from '../events/actor.ts';
import type { Permission } from './permissions.ts';
import type { Principal, VisitorPrincipal } from './principal.ts';

/**
 * What a route requires of its caller:
 * - `public`: nothing (health, docs, sign-in).
 * - `authenticated`: any valid credential, an API key or a member session (`GET /user`).
 * - `session`: a signed-in member; API keys are refused with 403 (the user's own sessions and profile).
 * - `{ permission }`: a key whose scope, or a member whose role in the route's org, grants it
 *   (see permissions.ts); otherwise 403 naming the permission.
 * - `visitor`: a web widget visitor token (the widget's public API); API keys and sessions are refused.
 */
export type AuthRequirement = 'public' | 'authenticated' | 'session' | 'visitor' | { permission: Permission };

/** The permission a route needs, if it names one. */
export const permissionOf = (def: { auth: AuthRequirement }): Permission | undefined =>
  typeof def.auth === 'object' ? def.auth.permission : undefined;

type Schema = z.ZodType;
type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The authenticated key or member; present on every route but public and visitor ones. */
  principal: Principal;
  /** The widget visitor; present on `visitor` routes only. */
  visitor: VisitorPrincipal;
  /** Who the event log records for changes this request makes. */
  actor: Actor;
  /** The org the path's `{org_id}` resolved to (the `c` alias and sub-org reach applied). */
  orgId: string;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteDef<
  P extends Schema | undefined = Schema | undefined,
  Q extends Schema | undefined = Schema | undefined,
  B extends Schema | undefined = Schema | undefined,
> {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  auth: AuthRequirement;
  params?: P;
  query?: Q;
  body?: B;
  /** Success responses by status; error responses are added from the auth mode and shape. */
  responses: Record<number, Schema | { description: string; content: Record<string, { schema: Schema }> }>;
  /** Extra error statuses this route can answer beyond the standard ones (e.g. 502). */
  errors?: number[];
  /** Routes that write their own reply (streams) return undefined after sending. */
  handler: (ctx: RouteContext<Infer<P>, Infer<Q>, Infer<B>>) => Promise<unknown>;
  /**
   * Makes the route a WebSocket endpoint: an upgrade request (authenticated and validated like any request)
   * gets the socket here; a plain HTTP request still reaches `handler` (which answers 426).
   */
  websocket?: (socket: WebSocket, ctx: Omit<RouteContext<Infer<P>, Infer<Q>, Infer<B>>, 'reply'>) => void;
  /** A per-route limit on top of the global one, counted per org (or per visitor, or per IP address) after validation. */
  rateLimit?: { name: string; limit: number; windowMs: number; message: string; per?: 'org' | 'visitor' | 'ip' };
  /** Hidden from the OpenAPI document (docs pages, static assets). */
  hidden?: boolean;
  /** A larger body limit than the instance's default, for routes that take big documents. */
  bodyLimit?: number;
  /**
   * Also accepts multipart/form-data: the parts are read before validation into `body`
   * (via `toBody`) and the uploaded file is available as `request.upload`. `schema` documents the form.
   */
  multipart?: { schema: Schema; maxFileBytes: number; toBody: (fields: Record<string, string>, file: Upload | undefined) => unknown };
}

export interface Upload {
  bytes: Buffer;
  filename: string;
  mimeType: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    upload?: Upload;
  }
}

/** Identity helper that keeps the handler's context typed from its schemas. */
export function defineRoute<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
>(def: RouteDef<P, Q, B>): RouteDef {
  return def as unknown as RouteDef;
}

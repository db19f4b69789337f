import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../events/actor.ts';
import type { VisitorPrincipal } from '../../http/principal.ts';
import type { SecretBox } from '../../infra/secret-box.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { AssistantConfig, AssistantsService } from '../assistants/index.ts';
import type { CustomerScope } from '../chats/index.ts';
import { type ContactsService, findContactByChannel } from '../contacts/index.ts';
import type { RuntimeService } from '../runtime/index.ts';
import { readVisitorToken, secretKeyTag, signVisitorToken, type VisitorClaims } from './visitor-token.ts';
import type { WidgetSession, WidgetSessionInput } from './widget.schemas.ts';

export type WidgetService = ReturnType<typeof createWidgetService>;

export const WIDGET_NOT_FOUND = 'Widget not found: no assistant with this id has its web widget enabled';
const ANONYMOUS = 'visitor:';

/** Where a request comes from: its Origin header (absent for non-browser clients) and Parley's own origin. */
export interface RequestOrigin {
  origin: string | undefined;
  self: string;
}

/** Whether a page at `from` may use the widget: its allow-list, `*`, or Parley's own pages (the demo). */
export function originAllowed(widget: AssistantConfig['widget'], from: RequestOrigin): boolean {
  if (widget.allowed_origins.includes('*')) return true;
  if (!from.origin) return false;
  return from.origin === from.self || widget.allowed_origins.includes(from.origin);
}

const sameHex = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a.toLowerCase()), Buffer.from(b.toLowerCase()));

/**
 * The web widget's public API: visitors of a site talk to one assistant with no API key in the page. A
 * visitor holds a signed token (see visitor-token.ts); the site's allow-list of origins and, when the
 * assistant requires it, the site's signature of its user id (`user_hash`) decide who gets one. Each
 * visitor is a contact with a WEB channel (created when they first write) and sees only their own chats.
 */
export function createWidgetService(deps: {
  db: Db;
  assistants: AssistantsService;
  contacts: ContactsService;
  runtime: RuntimeService;
  secretBox: () => SecretBox | undefined;
  /** How long a visitor token lives; the widget renews it on every page load. */
  tokenTtlMs: number;
}) {
  const { db } = deps;

  function box(): SecretBox {
    const b = deps.secretBox();
    if (!b) throw new AppError('internal', 'the web widget signs visitor tokens with the instance secret: set PARLEY_SECRET on this instance');
    return b;
  }

  /** The assistant behind a widget, when it is live (enabled, not deleted, widget on). */
  async function liveWidget(assistantId: string) {
    const assistant = await deps.assistants.findAnywhere(assistantId);
    if (!assistant || !assistant.enabled) return undefined;
    const config = deps.assistants.effectiveConfig(assistant.config);
    return config.widget.enabled ? { assistant, config } : undefined;
  }

  const channelUserId = (v: Pick<VisitorClaims, 'visitorId' | 'userId'>) => v.userId ?? `${ANONYMOUS}${v.visitorId}`;
  const actorOf = (v: { visitorId: string }): Actor => ({ type: 'visitor', id: v.visitorId });

  /** The visitor's contact with its WEB channel, made the first time they write (or their site vouches for them). */
  async function contactOf(v: VisitorPrincipal, details: { name?: string; email?: string } = {}) {
    const c = await deps.contacts.resolve({ orgId: v.orgId, type: 'WEB', userId: channelUserId(v), name: details.name, email: details.email }, actorOf(v));
    return { contactId: c.contactId, channelId: c.channelId, blocked: c.blocked };
  }

  /** A visitor who just proved who they are keeps the chats they had as an anonymous visitor. */
  async function adoptAnonymousChats(v: VisitorPrincipal, details: { name?: string; email?: string }): Promise<void> {
    const anonymous = await findContactByChannel(db, v.orgId, 'WEB', `${ANONYMOUS}${v.visitorId}`);
    if (!anonymous) return;
    const known = await contactOf(v, details);
    if (known.contactId !== anonymous.contactId) await deps.contacts.merge(v.orgId, known.contactId, anonymous.contactId, actorOf(v));
  }

  return {
    /** Whether visitors can use the assistant's widget: it exists, is enabled, and has its widget turned on. */
    async widgetLive(assistantId: string): Promise<boolean> {
      return (await liveWidget(assistantId)) !== undefined;
    },

    /** Issues (or renews) a visitor token for a page at `from`. */
    async startSession(input: WidgetSessionInput, from: RequestOrigin): Promise<WidgetSession> {
      const live = await liveWidget(input.assistant_id);
      if (!live) throw new AppError('not_found', WIDGET_NOT_FOUND);
      const { assistant, config } = live;
      if (!originAllowed(config.widget, from)) {
        throw new AppError(
          'forbidden',
          from.origin
            ? `this site (${from.origin.slice(0, 200)}) is not allowed to use this assistant's widget: add its origin to config.widget.allowed_origins`
            : "requests without an Origin header are refused unless the assistant's config.widget.allowed_origins holds \"*\"",
        );
      }
      if (input.user_id?.startsWith(ANONYMOUS)) throw new AppError('bad_request', `user_id must not start with "${ANONYMOUS}"`);
      if (input.user_id !== undefined) {
        if (!input.user_hash) throw new AppError('forbidden', 'user_id needs its user_hash: the HMAC-SHA256 (hex) of user_id keyed with the assistant\'s secret key, computed by your server');
        if (!assistant.secretKey) throw new AppError('forbidden', "identity verification is not set up for this assistant: generate its secret key (generate_secret_key) and sign user ids with it");
        const expected = createHmac('sha256', assistant.secretKey).update(input.user_id).digest('hex');
        if (!sameHex(expected, input.user_hash)) throw new AppError('forbidden', 'user_hash does not match user_id: it must be the HMAC-SHA256 (hex) of user_id keyed with the assistant\'s secret key');
      } else if (input.user_hash) {
        throw new AppError('bad_request', 'user_hash goes with user_id');
      } else if (config.widget.require_identity) {
        throw new AppError('forbidden', 'this assistant talks only to verified users: send user_id with its user_hash');
      }

      const userId = input.user_id ?? null;
      // An expired token still names its visitor: a returning visitor finds their chats again.
      const held = input.visitor_token ? readVisitorToken(box(), input.visitor_token, Date.now(), true) : null;
      const sameAssistant = held && held.assistantId === assistant.id && held.orgId === assistant.orgId;
      // The same person goes on (and an anonymous visitor who signs in keeps their chats); someone else starts afresh.
      const keep = sameAssistant && (held.userId === userId || held.userId === null);
      const visitorId = keep ? held.visitorId : newId('visitor');
      const expiresAt = Math.floor((Date.now() + deps.tokenTtlMs) / 1000);
      const visitor: VisitorPrincipal = { kind: 'visitor', visitorId, orgId: assistant.orgId, assistantId: assistant.id, userId };
      if (keep && held.userId === null && userId !== null) await adoptAnonymousChats(visitor, { name: input.user_name, email: input.user_email });
      else if (userId !== null && (input.user_name || input.user_email)) await contactOf(visitor, { name: input.user_name, email: input.user_email });

      const c = config.conversation;
      const w = config.widget;
      return {
        visitor_token: signVisitorToken(box(), { visitorId, assistantId: assistant.id, orgId: assistant.orgId, userId, expiresAt, keyTag: userId && assistant.secretKey ? secretKeyTag(assistant.secretKey) : null }),
        visitor_id: visitorId,
        user_id: userId,
        expires_at: new Date(expiresAt * 1000).toISOString(),
        assistant: {
          id: assistant.id,
          name: assistant.name,
          avatar_url: assistant.avatarUrl,
          language: config.language,
          welcome_banner: c.welcome_banner,
          suggested_messages: c.suggested_messages,
          auto_intro_message: c.auto_intro_message,
          enable_auto_csat: c.enable_auto_csat,
          appearance: w.appearance,
          button_background_color: w.button_background_color,
          button_color: w.button_color,
          position: w.position,
        },
      };
    },

    /** The visitor a token names, while its widget is live; null otherwise (a 401). */
    async authenticate(token: string): Promise<VisitorPrincipal | null> {
      const b = deps.secretBox();
      const claims = b ? readVisitorToken(b, token) : null;
      const live = claims && (await liveWidget(claims.assistantId));
      if (!claims || !live) return null;
      // A verified user's session ends when the secret key that verified them is rotated (or removed).
      if (claims.userId !== null && (!live.assistant.secretKey || claims.keyTag !== secretKeyTag(live.assistant.secretKey))) return null;
      return { kind: 'visitor', visitorId: claims.visitorId, orgId: claims.orgId, assistantId: claims.assistantId, userId: claims.userId };
    },

    /** Every visitor request: the page it comes from must still be allowed (the allow-list may have changed). */
    async admit(v: VisitorPrincipal, from: RequestOrigin): Promise<void> {
      const live = await liveWidget(v.assistantId);
      if (!live) throw new AppError('unauthorized', 'invalid or expired visitor token: start a new one with POST /widget/v1/sessions');
      if (!originAllowed(live.config.widget, from)) throw new AppError('forbidden', "this site is not allowed to use this assistant's widget");
    },

    /** Which chats are the visitor's (none before they first write). */
    async scope(v: VisitorPrincipal): Promise<CustomerScope> {
      const c = await findContactByChannel(db, v.orgId, 'WEB', channelUserId(v));
      return { orgId: v.orgId, assistantId: v.assistantId, contactId: c?.contactId ?? null };
    },

    /** Prepares the visitor's turn (their contact is made when they first write); the route streams it. */
    async prepareTurn(v: VisitorPrincipal, body: { chat_id?: string; message: string }, own: (scope: CustomerScope, chatId: string) => Promise<unknown>) {
      const c = await contactOf(v);
      if (c.blocked) throw new AppError('forbidden', 'this conversation is closed to new messages');
      if (body.chat_id) await own({ orgId: v.orgId, assistantId: v.assistantId, contactId: c.contactId }, body.chat_id);
      return deps.runtime.prepare(v, v.assistantId, { message: body.message, chat_id: body.chat_id }, { contactId: c.contactId, channel: { type: 'WEB', id: c.channelId } });
    },
  };
}

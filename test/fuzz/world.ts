import { call, readEventStream, seedOrg, signedInMember, type Tenant, type TestServer, type WidgetVisitor, widgetVisitor } from '../harness.ts';

/** The kinds of record a path parameter can name. */
export type Kind =
  | 'org'
  | 'assistant'
  | 'chat'
  | 'message'
  | 'content'
  | 'urlContent'
  | 'chunk'
  | 'key'
  | 'subOrg'
  | 'provider'
  | 'member'
  | 'invite'
  | 'session'
  | 'contact'
  | 'channel'
  | 'segment'
  | 'webhook'
  | 'delivery'
  | 'memory'
  | 'visitorChat';

/** On the widget's visitor routes, a parameter names the visitor's own record of this kind. */
export const VISITOR_KINDS: Partial<Record<Kind, Kind>> = { chat: 'visitorChat' };

/** The kind a route's parameter names: the first of PARAM_KINDS, the visitor's own on visitor routes. */
export const kindFor = (param: string, visitorRoute: boolean, i = 0): Kind => {
  const k = PARAM_KINDS[param]![i]!;
  return (visitorRoute && VISITOR_KINDS[k]) || k;
};

/**
 * Path parameter name -> the kind of record it names. Both generated suites read this map; a route with a
 * parameter missing here fails the cross-tenant suite until someone says what the parameter is.
 */
export const PARAM_KINDS: Record<string, Kind[]> = {
  org_id: ['org'],
  assistant_id: ['assistant'],
  agentId: ['assistant'],
  chat_id: ['chat'],
  // A note the team wrote in the seeded chat: it can be read, edited and deleted.
  message_id: ['message'],
  // A website item as well, so /url and /sync reach their handlers with an item of their kind.
  content_id: ['content', 'urlContent'],
  chunk_id: ['chunk'],
  key_id: ['key'],
  sub_org_id: ['subOrg'],
  provider: ['provider'],
  member_id: ['member'],
  invite_id: ['invite'],
  session_id: ['session'],
  contact_id: ['contact'],
  // A body field (merge): the cross-tenant suite puts A's contact there.
  from_contact_id: ['contact'],
  // A CUSTOM channel of the seeded contact (only those can be edited).
  channel_id: ['channel'],
  segment_id: ['segment'],
  webhook_id: ['webhook'],
  delivery_id: ['delivery'],
  // A rolling summary of the seeded chat (the seeded assistant keeps memories from then on).
  memory_id: ['memory'],
};

/** Parameters that name a record inside the org's namespace by a fixed name, not by a generated id. */
export const NAMED_KINDS = new Set<Kind>(['provider']);

async function ok(res: Promise<{ status: number; body: any; text: string }>, what: string): Promise<any> {
  const r = await res;
  if (r.status >= 300) throw new Error(`seeding ${what}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.body;
}

/** One org's records, created over HTTP on first use (so an operation pays only for what its path needs). */
export class World {
  private made = new Map<Kind, Promise<string>>();
  private widget?: Promise<WidgetVisitor>;
  constructor(
    readonly server: TestServer,
    readonly tenant: Tenant,
  ) {}

  static async create(server: TestServer, opts: { name?: string; parentId?: string } = {}): Promise<World> {
    return new World(server, await seedOrg(server, opts));
  }

  /** The seeded record of this kind (created once). */
  id(kind: Kind): Promise<string> {
    let p = this.made.get(kind);
    if (!p) {
      p = this.fresh(kind);
      this.made.set(kind, p);
    }
    return p;
  }

  /** A visitor of the org's web widget (an assistant with the widget on for WIDGET_SITE), made once. */
  visitor(): Promise<WidgetVisitor> {
    this.widget ??= widgetVisitor(this.server, this.tenant);
    return this.widget;
  }

  private post(path: string, json: unknown, what: string, method = 'POST') {
    return ok(call(this.server, method, path, { key: this.tenant.key, json }), what);
  }

  /** A new record of this kind (for DELETE operations, which use one up per request). */
  async fresh(kind: Kind): Promise<string> {
    switch (kind) {
      case 'org':
        return this.tenant.orgId;
      case 'assistant':
        return (await this.post('/orgs/c/assistants', { name: 'Seeded assistant', config: { instructions: 'Acme opens at 9am.' } }, kind)).id;
      case 'chat': {
        const agent = await this.id('assistant');
        return (await this.post(`/api/agents/${agent}/invoke`, { message: 'When do you open?' }, kind)).chat_id;
      }
      case 'message': {
        const chat = await this.id('chat');
        return (await this.post(`/chats/${chat}/messages`, { message: [{ type: 'text', text: 'Seeded note' }], role: 'note' }, kind)).id;
      }
      case 'content':
        return (await this.post('/orgs/c/knowledge/contents', { title: 'Hours', content: { type: 'TEXT', text: '# Hours\n\nAcme opens at 9am and closes at 6pm.' } }, kind)).id;
      case 'urlContent':
        // A loopback URL: the egress guard refuses it, so the item fails without any traffic.
        return (await this.post('/orgs/c/knowledge/contents', { title: 'Site', content: { type: 'URL', url: 'http://127.0.0.1:9/docs', mode: 'crawl' } }, kind)).id;
      case 'chunk': {
        const content = await this.id('content');
        const item = await this.settled(content);
        if (item.status !== 'PROCESSED') throw new Error(`seeded knowledge item ended ${item.status}: ${item.error}`);
        const chunks = await ok(call(this.server, 'GET', `/orgs/c/knowledge/contents/${content}/chunks`, { key: this.tenant.key }), kind);
        if (!chunks.length) throw new Error('the seeded knowledge item has no chunks');
        return chunks[0].id;
      }
      case 'key':
        return (await this.post('/orgs/c/api-keys', { name: 'Seeded key', scope: 'admin' }, kind)).id;
      case 'subOrg':
        return (await this.post('/orgs/c/orgs', { name: 'Seeded sub-org' }, kind)).id;
      case 'provider':
        await this.post('/orgs/c/providers/openai', { api_key: 'sk-seeded-0000000000001234' }, kind, 'PUT');
        return 'openai';
      case 'member':
        // An AGENT: removing or changing it never meets the last-ADMIN rule.
        return (await signedInMember(this.server, this.tenant, 'AGENT')).memberId;
      case 'invite':
        return (await this.post('/orgs/c/invites', { email: 'invitee@example.com', role: 'AGENT' }, kind)).id;
      case 'session': {
        const m = await signedInMember(this.server, this.tenant, 'AGENT');
        return (await ok(call(this.server, 'GET', '/user/sessions', { headers: m.headers }), kind))[0].id;
      }
      case 'contact':
        return (await this.post('/orgs/c/contacts', { name: 'Seeded contact' }, kind)).id;
      case 'channel': {
        const contact = await this.id('contact');
        const userId = `seeded-${Math.random().toString(36).slice(2)}`;
        return (await this.post(`/orgs/c/contacts/${contact}/channels`, { type: 'CUSTOM', user_id: userId, name: 'Seeded channel' }, kind)).id;
      }
      case 'segment':
        return (await this.post('/orgs/c/segments', { name: `Seeded ${Math.random().toString(36).slice(2)}`, color: 'teal' }, kind)).id;
      case 'webhook':
        // A host that never resolves (.invalid, RFC 2606) and an event type nothing here emits: its delivery log stays as seeded.
        return (await this.post('/orgs/c/webhooks', { url: 'https://hooks.invalid/parley', event_types: ['webhook_endpoint.disabled'] }, kind)).id;
      case 'memory': {
        // The first one summarises the seeded chat (so its list holds a record); later ones, for DELETE, a new chat.
        const first = !this.made.has('memory');
        const agent = await this.id('assistant');
        await this.post(`/orgs/c/assistants/${agent}`, { config: { conversation: { enable_memories: true } } }, kind, 'PATCH');
        const turns = Array.from({ length: 9 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `Order ${1000 + i} has not arrived yet.` }));
        let chat: string;
        if (first) {
          // Written to until it holds 10 conversational messages (a chat a person took over gets no AI replies).
          chat = await this.id('chat');
          const conversational = async () =>
            (await ok(call(this.server, 'GET', `/chats/${chat}/messages?take=100`, { key: this.tenant.key }), kind)).filter(
              (m: { role: string; kind: string | null }) => (m.role === 'user' || m.role === 'assistant') && m.kind === null,
            ).length;
          for (let i = 0; (await conversational()) < 10; i++) {
            await this.post(`/api/agents/${agent}/invoke`, { message: `My order ${1040 + i} has not arrived.`, chat_id: chat }, kind);
          }
        } else chat = (await this.post(`/api/agents/${agent}/invoke`, { message: 'Where is my parcel?', history: turns }, kind)).chat_id;
        for (const deadline = Date.now() + 20_000; ; ) {
          const list = await ok(call(this.server, 'GET', `/orgs/c/chats/${chat}/memories`, { key: this.tenant.key }), kind);
          if (list.length) return list[0].id;
          if (Date.now() > deadline) throw new Error(`no memory of chat ${chat} was written`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      case 'visitorChat': {
        // A chat of the widget visitor, written through the widget's API (its reply streamed, read to the end).
        const v = await this.visitor();
        const res = await fetch(`${this.server.url}/widget/v1/messages`, { method: 'POST', headers: { ...v.headers, 'content-type': 'application/json' }, body: JSON.stringify({ message: 'When do you open?' }) });
        if (res.status !== 200) throw new Error(`seeding visitorChat: ${res.status} ${await res.text()}`);
        const text = await readEventStream(res);
        const done = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6))).find((e) => e.type === 'done');
        if (!done) throw new Error(`seeding visitorChat: no done event in ${text.slice(0, 300)}`);
        await this.server.deps.recorder.settle();
        return done.data.chat_id as string;
      }
      case 'delivery': {
        // A test ping of the seeded endpoint, waited for: its one attempt fails at once, then it no longer changes.
        const webhook = await this.id('webhook');
        const ping = await this.post(`/orgs/c/webhooks/${webhook}/test`, undefined, kind);
        for (const deadline = Date.now() + 20_000; ; ) {
          const d = await ok(call(this.server, 'GET', `/orgs/c/webhooks/${webhook}/deliveries/${ping.id}`, { key: this.tenant.key }), kind);
          if (d.status !== 'PENDING') return ping.id;
          if (Date.now() > deadline) throw new Error(`seeded delivery ${ping.id} still PENDING`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
  }

  /** Waits until a knowledge item stops processing, so later reads of it are stable. */
  async settled(contentId: string, timeoutMs = 20_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const item = await ok(call(this.server, 'GET', `/orgs/c/knowledge/contents/${contentId}`, { key: this.tenant.key }), 'content');
      if (item.status === 'PROCESSED' || item.status === 'FAILED') return item;
      if (Date.now() > deadline) throw new Error(`knowledge item ${contentId} still ${item.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** A well-formed id of the same shape (prefix and length) that names nothing. */
export function nonexistentLike(id: string): string {
  const m = /^([a-z]+_)(.*)$/.exec(id);
  const [prefix, rest] = m ? [m[1]!, m[2]!] : ['', id];
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  let out = '';
  for (let i = 0; i < Math.max(rest.length, 8); i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return prefix + out;
}

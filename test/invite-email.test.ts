import { createServer } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { hashToken, newInviteToken } from '../src/features/members/secret-token.ts';
import { call, client, seedOrg, sessionCookieOf, startServer, type TestServer } from './harness.ts';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A loopback SMTP server (smtp-server speaks the real protocol) that keeps what it is sent. */
async function startFakeSmtp() {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
        done();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.server.address() as { port: number };
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const PUBLIC_URL = 'https://parley.example.com';

describe('invites by email (SMTP configured)', () => {
  let smtp: Awaited<ReturnType<typeof startFakeSmtp>>;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startFakeSmtp();
    server = await startServer({ PARLEY_SMTP_URL: smtp.url, PARLEY_SMTP_FROM: 'Parley <team@parley.example.com>', PARLEY_PUBLIC_URL: PUBLIC_URL });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it('emails the link to the invitee, not to the inviter, and the emailed link signs them in', async () => {
    const t = await seedOrg(server);
    const res = await client(server, t.key).post('/orgs/c/invites', { email: 'Grace@Example.com', role: 'AGENT' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ email: 'grace@example.com', role: 'AGENT', emailed: true, url: null, token: null });
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.to).toEqual(['grace@example.com']);
    expect(mail.from).toBe('team@parley.example.com');
    expect(mail.raw).toMatch(/^Subject: You are invited to join /m);
    // The body is quoted-printable: soft line breaks and =XX escapes undone.
    const body = mail.raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    expect(body).toContain('as AGENT');
    const link = /https:\/\/parley\.example\.com\/app\/invite\?token=(pit_[A-Za-z0-9]+)/.exec(body);
    expect(link, mail.raw).not.toBeNull();
    const accepted = await call(server, 'POST', '/auth/accept-invite', { json: { token: link![1], name: 'Grace', password: 'a long enough password' } });
    expect(accepted.status, accepted.text).toBe(200);
    expect(sessionCookieOf(accepted.headers)).toMatch(/^parley_session=/);
  });
});

describe('invites by email when the mail server is down', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ PARLEY_SMTP_URL: `smtp://127.0.0.1:${await closedPort()}`, PARLEY_PUBLIC_URL: PUBLIC_URL });
  });
  afterAll(async () => server?.close());

  it('answers 502 with the reason and leaves no invite behind', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const res = await api.post('/orgs/c/invites', { email: 'ada@example.com', role: 'AGENT' });
    expect(res.status, res.text).toBe(502);
    expect(res.body.message).toMatch(/^could not send the invite email: /);
    expect((await api.get('/orgs/c/invites')).body).toEqual([]);
    const log = await api.get('/orgs/c/audit-log?type=invite.*');
    expect(log.body.map((e: { type: string }) => e.type)).toEqual(['invite.deleted', 'invite.created']);
  });

  it('keeps the earlier pending invite of the same email when the new one cannot be sent', async () => {
    const t = await seedOrg(server);
    // An invite sent while the mail server still worked (written as createInvite writes it).
    const token = newInviteToken();
    await server.deps.database.db.execute(
      sql`insert into invites (id, org_id, email, role, token_hash, expires_at) values ('inv_earlier00000000000000', ${t.orgId}, 'lin@example.com', 'AGENT', ${hashToken(token)}, now() + interval '1 day')`,
    );
    const res = await client(server, t.key).post('/orgs/c/invites', { email: 'lin@example.com', role: 'MANAGER' });
    expect(res.status, res.text).toBe(502);
    expect((await client(server, t.key).get('/orgs/c/invites')).body.map((i: { id: string }) => i.id)).toEqual(['inv_earlier00000000000000']);
    const info = await call(server, 'POST', '/auth/invite-info', { json: { token } });
    expect(info.status, info.text).toBe(200);
    expect(info.body).toMatchObject({ email: 'lin@example.com', role: 'AGENT' });
  });
});

describe('SMTP settings', () => {
  it('refuses PARLEY_SMTP_URL without PARLEY_PUBLIC_URL (the emailed link must be absolute)', async () => {
    await expect(startServer({ PARLEY_SMTP_URL: 'smtp://127.0.0.1:25' })).rejects.toThrow(/PARLEY_SMTP_URL needs PARLEY_PUBLIC_URL/);
  });
});

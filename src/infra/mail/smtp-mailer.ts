import type { Transporter } from 'nodemailer';
import type { Mailer } from './mailer.ts';

/**
 * Email over SMTP with nodemailer. `url` is `smtp://user:pass@host:587` (STARTTLS when the server
 * offers it) or `smtps://user:pass@host:465`; the operator's own server, so it is not behind the
 * egress guard. Timeouts are short: an invite is sent while its request waits.
 */
export function createSmtpMailer(opts: { url: string; from: string; timeoutMs?: number }): Mailer {
  const timeout = opts.timeoutMs ?? 15_000;
  const u = new URL(opts.url);
  const secure = u.protocol === 'smtps:';
  // nodemailer is loaded at the first message rather than at startup: most instances send mail rarely.
  let transport: Promise<Transporter> | undefined;
  const transportOf = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport(
        {
          host: u.hostname.replace(/^\[|\]$/g, ''),
          port: u.port ? Number(u.port) : secure ? 465 : 587,
          secure,
          ...(u.username && { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } }),
          connectionTimeout: timeout,
          greetingTimeout: timeout,
          socketTimeout: timeout,
        },
        { from: opts.from },
      ),
    ));
  return {
    async send(mail) {
      await (await transportOf()).sendMail({ to: mail.to, subject: mail.subject, text: mail.text });
    },
    close() {
      void transport?.then((t) => t.close());
    },
  };
}

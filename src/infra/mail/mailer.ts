/** The mail port: how Parley sends email (invites today). One adapter: SMTP (smtp-mailer.ts). */
export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Resolves once the server accepted the message; rejects with the server's reason otherwise. */
  send(mail: Mail): Promise<void>;
  close(): void;
}

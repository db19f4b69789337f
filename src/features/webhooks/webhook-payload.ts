/** Reads of other features a payload embeds (wired by app/ from their index.ts). */
export interface PayloadSources {
  /** A message as the API shows it (content included), or null when it is gone. */
  message(orgId: string, messageId: string): Promise<unknown | null>;
  /** A chat as the API shows it, or null when it is gone. */
  chat(orgId: string, chatId: string): Promise<unknown | null>;
}

export const PING_TYPE = 'webhook.test';

/**
 * The body of a delivery: `{type, timestamp, data}`. Events are thin (ids, changed fields); a
 * receiver should not have to call back for what it needs, so message events carry the message
 * (with its content: a receiver can forward a reply to its own transport) and chat events the chat.
 * Built once, at the first attempt, and stored: every later attempt sends these exact bytes.
 */
export async function buildPayload(
  sources: PayloadSources,
  d: { orgId: string; eventType: string; eventData: Record<string, unknown>; eventAt: Date },
): Promise<string> {
  const data: Record<string, unknown> = { ...d.eventData };
  if (d.eventType === 'message.created' || d.eventType === 'message.updated') {
    data.message = await sources.message(d.orgId, String(d.eventData.message_id));
  } else if (d.eventType === 'chat.created' || d.eventType === 'chat.updated') {
    data.chat = await sources.chat(d.orgId, String(d.eventData.chat_id));
  }
  return JSON.stringify({ type: d.eventType, timestamp: d.eventAt.toISOString(), data });
}

import type { LanguageModelV2Message, LanguageModelV2Prompt } from '@ai-sdk/provider';

/** One `<passage>` of the system prompt's `<knowledge>` block. */
export interface PromptPassage {
  id: string;
  title: string;
  url: string;
  text: string;
}

/** What the built-in model reads from a prompt (see features/runtime/prompt.ts for the format). */
export interface ParsedPrompt {
  instructions: string;
  /** `auto` or a language tag such as `fr` or `pt-BR`. */
  language: string;
  passages: PromptPassage[];
  /** The customer's messages, oldest first; the last one is the message to answer. */
  userTurns: string[];
  /** The prompt's `<handover>` block: a person takes the chat over when there is no answer. */
  handoverWhenUnanswered: boolean;
}

/** The plain text of a message: system content, or its text parts joined (files and tool parts carry no text). */
export function messageText(message: LanguageModelV2Message): string {
  if (message.role === 'system') return message.content;
  let text = '';
  for (const part of message.content) if (part.type === 'text') text += part.text;
  return text;
}

const unescapeAttr = (s: string) => s.replace(/&quot;/g, '"').replace(/&amp;/g, '&');

function parseAttributes(raw: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of raw.matchAll(/([\w-]+)\s*=\s*"([^"]*)"/g)) attrs[m[1]!] = unescapeAttr(m[2]!);
  return attrs;
}

const PASSAGE = /<passage\b([^>]*)>([\s\S]*?)<\/passage>/g;
const KNOWN_BLOCK = /<(instructions|context|knowledge|rules|handover|tools|conversation_summary)>[\s\S]*?<\/\1>/g;

/**
 * Reads the system message(s) and the conversation. Any block may be missing; a system prompt
 * written without the tags (e.g. by a direct AI SDK caller) is treated as instructions.
 */
export function parsePrompt(prompt: LanguageModelV2Prompt): ParsedPrompt {
  const system = prompt
    .filter((m) => m.role === 'system')
    .map(messageText)
    .join('\n');

  const passages: PromptPassage[] = [];
  for (const m of system.matchAll(PASSAGE)) {
    const attrs = parseAttributes(m[1]!);
    passages.push({
      id: attrs.id ?? String(passages.length + 1),
      title: attrs.title ?? '',
      url: attrs.url ?? '',
      text: m[2]!.trim(),
    });
  }

  const tagged = /<instructions>([\s\S]*?)<\/instructions>/.exec(system);
  let instructions = tagged?.[1]?.trim() ?? '';
  if (!tagged) {
    // Untagged text outside the known blocks (and outside passages) is the caller's own instructions.
    instructions = system.replace(KNOWN_BLOCK, '\n').replace(PASSAGE, '\n').trim();
  }

  const context = /<context>([\s\S]*?)<\/context>/.exec(system)?.[1] ?? '';
  const language = /Language:\s*(auto|[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\b/.exec(context)?.[1] ?? 'auto';

  const userTurns = prompt.filter((m) => m.role === 'user').map(messageText);
  const handoverWhenUnanswered = /<handover>[\s\S]*?<\/handover>/.test(system);
  return { instructions, language, passages, userTurns, handoverWhenUnanswered };
}

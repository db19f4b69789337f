// The widget's own words. English, and Arabic for right-to-left; other locales fall back to English.
const en = {
  open: 'Open chat',
  close: 'Close chat',
  chat: 'Chat',
  restart: 'Start a new conversation',
  retry: 'Try again',
  connecting: 'Connecting…',
  reconnecting: 'Connection lost. Reconnecting…',
  conversation: 'Conversation',
  suggested: 'Suggested questions',
  message: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  you: 'You',
  team: 'Support team',
  sources: 'Sources',
  typing: 'Writing a reply',
  rate: 'How would you rate this conversation?',
  thanks: 'Thank you for your rating!',
  waiting: 'A person from the team will answer here shortly.',
  stars: (n: number) => `${n} out of 5 stars`,
  unread: (n: number) => `${n} unread`,
  assigned: (name: string) => `${name} has joined the conversation.`,
  personTyping: (name: string) => `${name} is typing…`,
};
type Strings = typeof en;
const ar: Strings = {
  open: 'افتح المحادثة',
  close: 'أغلق المحادثة',
  chat: 'محادثة',
  restart: 'ابدأ محادثة جديدة',
  retry: 'حاول مرة أخرى',
  connecting: 'جارٍ الاتصال…',
  reconnecting: 'انقطع الاتصال. جارٍ إعادة الاتصال…',
  conversation: 'المحادثة',
  suggested: 'أسئلة مقترحة',
  message: 'الرسالة',
  placeholder: 'اكتب رسالة…',
  send: 'إرسال',
  you: 'أنت',
  team: 'فريق الدعم',
  sources: 'المصادر',
  typing: 'يكتب ردًا',
  rate: 'كيف تقيّم هذه المحادثة؟',
  thanks: 'شكرًا على تقييمك!',
  waiting: 'سيرد عليك أحد أعضاء الفريق هنا قريبًا.',
  stars: (n: number) => `${n} من 5 نجوم`,
  unread: (n: number) => `${n} غير مقروءة`,
  assigned: (name: string) => `انضم ${name} إلى المحادثة.`,
  personTyping: (name: string) => `${name} يكتب…`,
};
const tables: Record<string, Strings> = { en, ar };

export const isRtl = (locale: string) => /^(ar|he|fa|ur)\b/i.test(locale);

export function t<K extends keyof Strings>(locale: string, key: K, ...args: Strings[K] extends (...a: infer A) => string ? A : []): string {
  const table = tables[locale.slice(0, 2).toLowerCase()] ?? en;
  const v = table[key] as string | ((...a: unknown[]) => string);
  return typeof v === 'function' ? v(...args) : v;
}

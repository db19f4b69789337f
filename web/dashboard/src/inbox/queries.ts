import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, FIRST_PAGE, type Schemas, unwrap } from '../api/client';

export type InboxChat = Schemas['InboxChat'];
export type Chat = Schemas['Chat'];
export type Message = Schemas['Message'];
export type InboxCounts = Schemas['InboxCounts'];
export type InboxView = keyof InboxCounts;
export type ChannelType = Chat['channel']['type'];

/** What narrows the list: the view, and optionally one assistant and one channel (kept in the URL's query). */
export interface InboxScope {
  view: InboxView;
  assistantId?: string;
  channel?: ChannelType;
}

/** Everything under this key is refreshed by any inbox event: lists, counts, a contact's chats. */
export const inboxKey = (orgId: string) => ['orgs', orgId, 'inbox'] as const;
/** A chat and its messages; refreshed by the events that name it. */
export const chatKey = (chatId: string) => ['chats', chatId] as const;

const LIST_PAGE = 50;

/**
 * The conversations of a view, a page at a time ("Load more"); `rows` is every page loaded. A live event refetches
 * the pages already loaded, so the rows stay in place.
 */
export function useInboxList(orgId: string, scope: InboxScope) {
  const query = useInfiniteQuery({
    queryKey: [...inboxKey(orgId), 'list', scope],
    initialPageParam: 1,
    queryFn: async ({ pageParam }) => {
      const { data, error, response } = await api.GET('/orgs/{org_id}/inbox', {
        params: { path: { org_id: orgId }, query: { page: pageParam, take: LIST_PAGE, filter: scope.view, assistant_id: scope.assistantId, channel: scope.channel } },
      });
      const items = await unwrap(Promise.resolve({ data, error, response }));
      return { items, page: pageParam, count: Number(response.headers.get('pagination-count') ?? items.length) };
    },
    getNextPageParam: (last) => (last.page * LIST_PAGE < last.count ? last.page + 1 : undefined),
    // Another view's rows stay on screen (faded) until this one arrives, instead of a loader.
    placeholderData: (previous) => previous,
  });
  return { ...query, rows: query.data?.pages.flatMap((p) => p.items) };
}

export function useInboxCounts(orgId: string, scope: Omit<InboxScope, 'view'>) {
  return useQuery({
    queryKey: [...inboxKey(orgId), 'counts', scope],
    queryFn: () =>
      unwrap(api.GET('/orgs/{org_id}/inbox/counts', { params: { path: { org_id: orgId }, query: { assistant_id: scope.assistantId, channel: scope.channel } } })),
    placeholderData: (previous) => previous,
  });
}

/** The other conversations of a contact, newest first. */
export function useContactChats(orgId: string, contactId: string | null) {
  return useQuery({
    queryKey: [...inboxKey(orgId), 'contact', contactId],
    enabled: !!contactId,
    queryFn: () =>
      unwrap(api.GET('/orgs/{org_id}/inbox', { params: { path: { org_id: orgId }, query: { page: 1, take: 20, filter: 'all', contact_id: contactId! } } })),
  });
}

export function useChat(chatId: string | undefined) {
  return useQuery({
    queryKey: [...chatKey(chatId ?? ''), 'chat'],
    enabled: !!chatId,
    queryFn: () => unwrap(api.GET('/chats/{chat_id}', { params: { path: { chat_id: chatId! } } })),
  });
}

const PAGE = 100;

/**
 * The newest messages of a chat, oldest first. The API pages oldest first, so a long chat is read from its last
 * page (and the one before, so a page boundary never leaves only a message or two on screen).
 */
async function newestMessages(chatId: string): Promise<Message[]> {
  const read = async (page: number) => {
    const { data, error, response } = await api.GET('/chats/{chat_id}/messages', { params: { path: { chat_id: chatId }, query: { page, take: PAGE } } });
    const items = await unwrap(Promise.resolve({ data, error, response }));
    return { items, count: Number(response.headers.get('pagination-count') ?? items.length) };
  };
  const first = await read(1);
  const pages = Math.ceil(first.count / PAGE);
  if (pages <= 1) return first.items;
  const [before, last] = await Promise.all([read(pages - 1), read(pages)]);
  return [...before.items, ...last.items];
}

export function useMessages(chatId: string | undefined) {
  return useQuery({
    queryKey: [...chatKey(chatId ?? ''), 'messages'],
    enabled: !!chatId,
    queryFn: () => newestMessages(chatId!),
  });
}

/** The members a chat can be assigned to: the roles that work conversations. */
export function useAssignableMembers(orgId: string) {
  return useQuery({
    queryKey: ['orgs', orgId, 'members'],
    queryFn: () => unwrap(api.GET('/orgs/{org_id}/members', { params: { path: { org_id: orgId }, query: FIRST_PAGE } })),
    select: (members) => members.filter((m) => m.role !== 'DEVELOPER'),
    staleTime: 60_000,
  });
}

export function useContact(orgId: string, contactId: string | null) {
  return useQuery({
    queryKey: ['orgs', orgId, 'contacts', contactId],
    enabled: !!contactId,
    queryFn: () => unwrap(api.GET('/orgs/{org_id}/contacts/{contact_id}', { params: { path: { org_id: orgId, contact_id: contactId! } } })),
  });
}

/** A newer chat where a closed conversation went on (same contact and assistant), to point the reader to it. */
export function useNewestChat(chat: Chat | undefined) {
  return useQuery({
    queryKey: [...chatKey(chat?.id ?? ''), 'newest'],
    enabled: !!chat?.contact_id && chat.state.state === 'CLOSED',
    queryFn: () => unwrap(api.GET('/chats/{chat_id}/state/info', { params: { path: { chat_id: chat!.id } } })),
    select: (info) => info.newest_chat_id,
  });
}

import { useQuery } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../api/client';
import { usePagedList } from '../api/paged';

export type Item = Schemas['KnowledgeContent'];
export type Stats = Schemas['KnowledgeStats'];

export const knowledgeKey = (orgId: string) => ['orgs', orgId, 'knowledge'] as const;

const FINAL = new Set<Item['status']>(['PROCESSED', 'FAILED']);
export const isFinal = (i: Pick<Item, 'status'>) => FINAL.has(i.status);

/** Processing runs in the background: while an item is not final the list (and the totals) poll for its progress. */
const POLL_MS = 1500;

/** Where knowledge is read and added: the organization's global knowledge, or one assistant's. */
export interface KnowledgeTarget {
  orgId: string;
  /** With an assistant: its list shows what it answers from (its knowledge_scope), and what is added is its own. */
  assistantId: string | null;
}

export function useKnowledgeItems({ orgId, assistantId }: KnowledgeTarget) {
  return usePagedList<Item>(
    [...knowledgeKey(orgId), 'items', assistantId],
    (query) =>
      assistantId
        ? api.GET('/orgs/{org_id}/assistants/{assistant_id}/knowledge/contents', { params: { path: { org_id: orgId, assistant_id: assistantId }, query } })
        : api.GET('/orgs/{org_id}/knowledge/contents', { params: { path: { org_id: orgId }, query } }),
    { refetchInterval: (rows) => (rows?.some((i) => !isFinal(i)) ? POLL_MS : false) },
  );
}

export function useKnowledgeStats(orgId: string) {
  return useQuery({
    queryKey: [...knowledgeKey(orgId), 'stats'],
    queryFn: () => unwrap(api.GET('/orgs/{org_id}/knowledge/stats', { params: { path: { org_id: orgId } } })),
    refetchInterval: (q) => ((q.state.data?.pending ?? 0) > 0 ? POLL_MS : false),
  });
}

type CreateBody = Schemas['CreateKnowledgeContent'];

/** One item added to the target; a file goes as multipart (`form`), the typed body then only names its field. */
function create({ orgId, assistantId }: KnowledgeTarget, body: CreateBody | { file: string }, form?: FormData) {
  const serializer = form ? { bodySerializer: () => form } : {};
  return unwrap(
    assistantId
      ? api.POST('/orgs/{org_id}/assistants/{assistant_id}/knowledge/contents', { params: { path: { org_id: orgId, assistant_id: assistantId } }, body: body as CreateBody, ...serializer })
      : api.POST('/orgs/{org_id}/knowledge/contents', { params: { path: { org_id: orgId } }, body: body as CreateBody, ...serializer }),
  );
}

export const addText = (target: KnowledgeTarget, title: string, text: string) => create(target, { title, content: { type: 'TEXT', text } });

export type WebsiteInput = Extract<CreateBody['content'], { type: 'URL' }>;

export const addWebsite = (target: KnowledgeTarget, title: string, content: WebsiteInput) => create(target, { title, content });

/** One file per request, as the API takes them; without a title the server names the item after the file. */
export function addFile(target: KnowledgeTarget, file: File) {
  const form = new FormData();
  form.append('file', file, file.name);
  // The typed form names its fields (a binary field is typed as a string); the bytes travel in the FormData.
  return create(target, { file: file.name }, form);
}

export const syncItem = (orgId: string, id: string) =>
  unwrap(api.POST('/orgs/{org_id}/knowledge/contents/{content_id}/sync', { params: { path: { org_id: orgId, content_id: id } } }));

export const deleteItem = (orgId: string, id: string) =>
  unwrap(api.DELETE('/orgs/{org_id}/knowledge/contents/{content_id}', { params: { path: { org_id: orgId, content_id: id } } }));

export const searchKnowledge = (orgId: string, body: Schemas['KnowledgeSearch']) =>
  unwrap(api.POST('/orgs/{org_id}/knowledge/search', { params: { path: { org_id: orgId } }, body }));

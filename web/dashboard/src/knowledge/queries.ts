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

export function useKnowledgeItems(orgId: string) {
  return usePagedList<Item>([...knowledgeKey(orgId), 'items'], (query) => api.GET('/orgs/{org_id}/knowledge/contents', { params: { path: { org_id: orgId }, query } }), {
    refetchInterval: (rows) => (rows?.some((i) => !isFinal(i)) ? POLL_MS : false),
  });
}

export function useKnowledgeStats(orgId: string) {
  return useQuery({
    queryKey: [...knowledgeKey(orgId), 'stats'],
    queryFn: () => unwrap(api.GET('/orgs/{org_id}/knowledge/stats', { params: { path: { org_id: orgId } } })),
    refetchInterval: (q) => ((q.state.data?.pending ?? 0) > 0 ? POLL_MS : false),
  });
}

export const addText = (orgId: string, title: string, text: string) =>
  unwrap(api.POST('/orgs/{org_id}/knowledge/contents', { params: { path: { org_id: orgId } }, body: { title, content: { type: 'TEXT', text } } }));

export type WebsiteInput = Extract<Schemas['CreateKnowledgeContent']['content'], { type: 'URL' }>;

export const addWebsite = (orgId: string, title: string, content: WebsiteInput) =>
  unwrap(api.POST('/orgs/{org_id}/knowledge/contents', { params: { path: { org_id: orgId } }, body: { title, content } }));

/** One file per request, as the API takes them; without a title the server names the item after the file. */
export function addFile(orgId: string, file: File) {
  const form = new FormData();
  form.append('file', file, file.name);
  return unwrap(
    api.POST('/orgs/{org_id}/knowledge/contents', {
      params: { path: { org_id: orgId } },
      // The typed form names its fields (a binary field is typed as a string); the bytes travel in the FormData.
      body: { file: file.name },
      bodySerializer: () => form,
    }),
  );
}

export const syncItem = (orgId: string, id: string) =>
  unwrap(api.POST('/orgs/{org_id}/knowledge/contents/{content_id}/sync', { params: { path: { org_id: orgId, content_id: id } } }));

export const deleteItem = (orgId: string, id: string) =>
  unwrap(api.DELETE('/orgs/{org_id}/knowledge/contents/{content_id}', { params: { path: { org_id: orgId, content_id: id } } }));

export const searchKnowledge = (orgId: string, body: Schemas['KnowledgeSearch']) =>
  unwrap(api.POST('/orgs/{org_id}/knowledge/search', { params: { path: { org_id: orgId } }, body }));

import { z } from 'zod';
import { DeletedSchema, OrgParams } from '../../http/common-schemas.ts';
import { defineRoute, type RouteContext, type RouteDef } from '../../http/define-route.ts';
import { sendPage } from '../../http/pagination.ts';
import { badRequest } from '../../lib/errors.ts';
import {
  AssistantContentParams,
  ChunkParams,
  ChunkSchema,
  ContentParams,
  ContentSchema,
  CreateContentBodySchema,
  type CreateContentInput,
  KnowledgeStatsSchema,
  ListChunksQuerySchema,
  ListContentsQuerySchema,
  MAX_FILE_BYTES,
  MAX_TEXT_CHARS,
  SearchBodySchema,
  SearchResponseSchema,
  UpdateContentBodySchema,
  UpdateUrlBodySchema,
  UploadFormSchema,
} from './knowledge.schemas.ts';
import type { KnowledgeService } from './knowledge.service.ts';

const tags = ['Knowledge'];

/** JSON bodies carry up to 2 MiB characters of text, which JSON escaping can make several times larger. */
const CREATE_BODY_LIMIT = MAX_TEXT_CHARS * 4 + 64 * 1024;

const multipart = {
  schema: UploadFormSchema,
  maxFileBytes: MAX_FILE_BYTES,
  toBody: (fields: Record<string, string>, file: { filename: string } | undefined) => ({
    title: fields.title || file?.filename || '',
    content: { type: 'FILE' },
  }),
};

function createHandler(knowledge: KnowledgeService, assistantOf: (params: Record<string, string>) => string | null) {
  return async ({ orgId, params, body, request, reply, actor }: RouteContext<Record<string, string>, unknown, CreateContentInput>) => {
    const assistantId = assistantOf(params);
    let created;
    if (body.content.type === 'FILE') {
      if (!request.upload) throw badRequest('file: is required; send it as multipart/form-data with the fields "file" and "title"');
      created = await knowledge.createFile(orgId, assistantId, { ...request.upload, title: body.title }, actor);
    } else {
      created = await knowledge.create(orgId, assistantId, body, actor);
    }
    return reply.code(201).send(created);
  };
}

const createDescription = (whose: string) =>
  `Adds ${whose} knowledge: \`TEXT\` (title and text), \`URL\` (a page, a site to crawl, or a sitemap) as JSON, or a file (PDF, DOCX, TXT, Markdown, HTML; at most 50 MB) as multipart/form-data with the fields \`file\` and \`title\`. ` +
  'Answers at once with status `PENDING`; a background job moves it to `PROCESSED` or `FAILED` (see `error`).';

export function knowledgeRoutes(knowledge: KnowledgeService): RouteDef[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/orgs/:org_id/knowledge/contents',
      operationId: 'createKnowledgeContent',
      summary: 'Add global knowledge',
      description: createDescription('org-wide'),
      tags,
      auth: { permission: 'knowledge:manage' },
      params: OrgParams,
      body: CreateContentBodySchema,
      bodyLimit: CREATE_BODY_LIMIT,
      multipart,
      responses: { 201: ContentSchema },
      handler: createHandler(knowledge, () => null) as never,
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/knowledge/contents',
      operationId: 'listKnowledgeContents',
      summary: 'List global knowledge',
      description: 'Org-wide items (not those of one assistant), newest first, without their text.',
      tags,
      auth: { permission: 'knowledge:read' },
      params: OrgParams,
      query: ListContentsQuerySchema,
      responses: { 200: z.array(ContentSchema) },
      handler: async ({ orgId, query, reply }) => sendPage(reply, await knowledge.list(orgId, null, query)),
    }),
    defineRoute({
      method: 'POST',
      url: '/orgs/:org_id/assistants/:assistant_id/knowledge/contents',
      operationId: 'createAssistantKnowledgeContent',
      summary: "Add an assistant's own knowledge",
      description: createDescription("one assistant's own"),
      tags,
      auth: { permission: 'knowledge:manage' },
      params: AssistantContentParams,
      body: CreateContentBodySchema,
      bodyLimit: CREATE_BODY_LIMIT,
      multipart,
      responses: { 201: ContentSchema },
      handler: createHandler(knowledge, (p) => p.assistant_id!) as never,
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/assistants/:assistant_id/knowledge/contents',
      operationId: 'listAssistantKnowledgeContents',
      summary: 'List the knowledge an assistant uses',
      description: "Items the assistant answers from under its `knowledge_scope` (global, its own, or both); `assistant_id` tells which are its own.",
      tags,
      auth: { permission: 'knowledge:read' },
      params: AssistantContentParams,
      query: ListContentsQuerySchema,
      responses: { 200: z.array(ContentSchema) },
      handler: async ({ orgId, params, query, reply }) => sendPage(reply, await knowledge.list(orgId, params.assistant_id, query)),
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/knowledge/contents/:content_id',
      operationId: 'getKnowledgeContent',
      summary: 'Get a knowledge item',
      description: 'One item with its extracted text and, for websites, its pages (`children`).',
      tags,
      auth: { permission: 'knowledge:read' },
      params: ContentParams,
      responses: { 200: ContentSchema },
      handler: async ({ orgId, params }) => knowledge.get(orgId, params.content_id),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/orgs/:org_id/knowledge/contents/:content_id',
      operationId: 'updateKnowledgeContent',
      summary: 'Update a knowledge item',
      description: 'Renames any item; a new `text` (TEXT items) is processed again.',
      tags,
      auth: { permission: 'knowledge:manage' },
      params: ContentParams,
      body: UpdateContentBodySchema,
      bodyLimit: CREATE_BODY_LIMIT,
      responses: { 200: ContentSchema },
      handler: async ({ orgId, params, body, actor }) => knowledge.update(orgId, params.content_id, body, actor),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/orgs/:org_id/knowledge/contents/:content_id/url',
      operationId: 'updateKnowledgeUrl',
      summary: 'Change what a website item crawls',
      description: 'Include/exclude path globs (e.g. `/docs/*`), max pages and depth; the site is crawled again.',
      tags,
      auth: { permission: 'knowledge:manage' },
      params: ContentParams,
      body: UpdateUrlBodySchema,
      responses: { 200: ContentSchema },
      handler: async ({ orgId, params, body, actor }) => knowledge.updateUrl(orgId, params.content_id, body, actor),
    }),
    defineRoute({
      method: 'POST',
      url: '/orgs/:org_id/knowledge/contents/:content_id/sync',
      operationId: 'syncKnowledgeContent',
      summary: 'Crawl a website item again',
      description: 'Fetches the pages again: changed pages are re-indexed, vanished ones removed.',
      tags,
      auth: { permission: 'knowledge:manage' },
      params: ContentParams,
      responses: { 200: ContentSchema },
      handler: async ({ orgId, params, actor }) => knowledge.sync(orgId, params.content_id, actor),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/orgs/:org_id/knowledge/contents/:content_id',
      operationId: 'deleteKnowledgeContent',
      summary: 'Delete a knowledge item',
      description: 'Removes the item, its pages and all their chunks in one transaction; assistants stop answering from it at once.',
      tags,
      auth: { permission: 'knowledge:manage' },
      params: ContentParams,
      responses: { 200: DeletedSchema },
      handler: async ({ orgId, params, actor }) => {
        await knowledge.remove(orgId, params.content_id, actor);
        return { id: params.content_id, deleted: true as const };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/knowledge/contents/:content_id/chunks',
      operationId: 'listKnowledgeChunks',
      summary: 'List the chunks of an item',
      description: 'The passages retrieval works on, in document order (pages of a website included).',
      tags,
      auth: { permission: 'knowledge:read' },
      params: ContentParams,
      query: ListChunksQuerySchema,
      responses: { 200: z.array(ChunkSchema) },
      handler: async ({ orgId, params, query, reply }) => sendPage(reply, await knowledge.chunks(orgId, params.content_id, query)),
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/knowledge/contents/:content_id/chunks/:chunk_id',
      operationId: 'getKnowledgeChunk',
      summary: 'Get a chunk',
      description: 'One passage of a knowledge item as it is searched: its text, heading path, page and token count.',
      tags,
      auth: { permission: 'knowledge:read' },
      params: ChunkParams,
      responses: { 200: ChunkSchema },
      handler: async ({ orgId, params }) => knowledge.chunk(orgId, params.content_id, params.chunk_id),
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/knowledge/stats',
      operationId: 'getKnowledgeStats',
      summary: 'Knowledge totals',
      description: 'Items, chunks, bytes, items pending and failed.',
      tags,
      auth: { permission: 'knowledge:read' },
      params: OrgParams,
      responses: { 200: KnowledgeStatsSchema },
      handler: async ({ orgId }) => knowledge.stats(orgId),
    }),
    defineRoute({
      method: 'POST',
      url: '/orgs/:org_id/knowledge/search',
      operationId: 'searchKnowledge',
      summary: 'Search knowledge',
      description:
        'The passages an assistant would be given for a question, best first, with their ranks in full-text and vector search, so you can see why an answer was given.',
      tags,
      auth: { permission: 'knowledge:read' },
      params: OrgParams,
      body: SearchBodySchema,
      responses: { 200: SearchResponseSchema },
      handler: async ({ orgId, body }) => knowledge.search(orgId, body),
    }),
  ];
}

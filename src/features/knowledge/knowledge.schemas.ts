import { z } from 'zod';
import { EXAMPLE_IDS, idParam, OrgIdParam, PageQuerySchema, Timestamp, WebUrl } from '../../http/common-schemas.ts';

export const MAX_TEXT_CHARS = 2_097_152;
export const MAX_FILE_BYTES = 50 * 1024 * 1024;
const Pattern = z.string().min(1).max(2048);
const Patterns = z.array(Pattern).max(256);

export const ContentTypeSchema = z.enum(['TEXT', 'FILE', 'URL']);
export const ContentStatusSchema = z.enum(['PENDING', 'PROCESSING', 'PROCESSED', 'FAILED']);

const TextInput = z.object({
  type: z.literal('TEXT'),
  text: z
    .string({ error: 'must be a string' })
    .min(1, { error: 'is required' })
    .max(MAX_TEXT_CHARS, { error: `must be at most ${MAX_TEXT_CHARS} characters` }),
});

const UrlInput = z.object({
  type: z.literal('URL'),
  url: WebUrl.meta({ description: 'A page, a site, or a sitemap URL.', examples: ['https://example.com/docs'] }),
  mode: z
    .enum(['single', 'crawl', 'sitemap'])
    .default('single')
    .meta({ description: '`single`: that page only; `crawl`: follow same-site links; `sitemap`: the pages a sitemap lists.' }),
  include_path_patterns: Patterns.optional().meta({ description: 'Only paths matching one of these globs, e.g. `/docs/*`.' }),
  exclude_path_patterns: Patterns.optional().meta({ description: 'Never paths matching these globs, e.g. `/admin/*`.' }),
  max_pages: z.number().int().min(1).max(10_000).optional().meta({ description: 'Stop after this many pages (capped by the instance).' }),
  max_depth: z.number().int().min(0).max(20).optional().meta({ description: 'Link depth from the start URL in crawl mode (default 3).' }),
});

const FileInput = z
  .object({ type: z.literal('FILE') })
  .meta({ description: 'Only in a multipart/form-data upload (fields `file` and `title`); the server fills it in.' });

export const CreateContentBodySchema = z
  .object({
    title: z.string().trim().min(1).max(255).meta({ examples: ['Opening hours'] }),
    content: z.discriminatedUnion('type', [TextInput, UrlInput, FileInput], {
      error: 'must be {type: "TEXT", text} or {type: "URL", url, mode}; upload files as multipart/form-data',
    }),
  })
  .meta({
    id: 'CreateKnowledgeContent',
    examples: [
      { title: 'Opening hours', content: { type: 'TEXT', text: 'We are open Monday to Friday, 9:00 to 18:00.' } },
      { title: 'Help center', content: { type: 'URL', url: 'https://example.com/docs', mode: 'crawl', include_path_patterns: ['/docs/*'] } },
    ],
  });
export type CreateContentInput = z.output<typeof CreateContentBodySchema>;

/** The multipart form of a file upload (documentation only; the route reads the parts itself). */
export const UploadFormSchema = z
  .object({
    file: z.string().meta({ format: 'binary', description: 'PDF, DOCX, TXT, Markdown or HTML; at most 50 MB.' }),
    title: z.string().max(255).optional().meta({ description: 'Defaults to the file name.' }),
  })
  .meta({ description: 'A file upload as multipart/form-data.', examples: [{ file: '(the bytes of returns-policy.pdf)', title: 'Returns policy' }] });

export const UpdateContentBodySchema = z
  .object({
    title: z.string().trim().min(1).max(255).optional(),
    text: TextInput.shape.text.optional().meta({ description: 'New body of a TEXT item; it is processed again.' }),
  })
  .meta({ id: 'UpdateKnowledgeContent', examples: [{ text: 'We are open Monday to Saturday, 9:00 to 18:00.' }] });

export const UpdateUrlBodySchema = z
  .object({
    include_path_patterns: Patterns.optional(),
    exclude_path_patterns: Patterns.optional(),
    max_pages: UrlInput.shape.max_pages,
    max_depth: UrlInput.shape.max_depth,
  })
  .meta({ id: 'UpdateKnowledgeUrl', examples: [{ include_path_patterns: ['/docs/*'], exclude_path_patterns: ['/docs/archive/*'], max_pages: 200 }] });

const ContentSourceSchema = z
  .object({
    type: ContentTypeSchema,
    text: z.string().optional(),
    url: z.string().optional(),
    mode: z.enum(['single', 'crawl', 'sitemap']).optional(),
    include_path_patterns: z.array(z.string()).optional(),
    exclude_path_patterns: z.array(z.string()).optional(),
    max_pages: z.number().int().optional(),
    max_depth: z.number().int().optional(),
    file_name: z.string().optional(),
    mime_type: z.string().optional(),
  })
  .meta({ id: 'KnowledgeSource', description: 'What was added: the text, the website settings, or the file name.' });

const ContentBase = z.object({
  id: z.string().meta({ examples: ['kn_3JbV7x9QmT2LcR8pWn1Ya'] }),
  title: z.string(),
  type: ContentTypeSchema,
  status: ContentStatusSchema,
  assistant_id: z.string().nullable().meta({ description: 'The assistant it belongs to; null when global to the org.' }),
  parent_content_id: z.string().nullable().meta({ description: "A crawled page's website item." }),
  content: ContentSourceSchema,
  url: z.string().nullable(),
  size: z.number().int().meta({ description: 'Bytes of source (file, text, or fetched pages).' }),
  chunks_count: z.number().int(),
  chunks_processed: z.number().int(),
  progress: z
    .object({ pages_fetched: z.number().int().optional(), pages_skipped: z.number().int().optional(), pages_failed: z.number().int().optional() })
    .meta({ description: 'Website items: pages fetched, skipped (robots.txt, patterns) and failed so far.' }),
  error: z.string().nullable().meta({ description: 'Why processing failed.' }),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const ContentSchema = ContentBase.extend({
  text: z.string().nullable().meta({ description: 'The extracted text as Markdown; only when reading one item.' }),
  children: z.array(ContentBase).meta({ description: 'Pages of a website item; only when reading one item.' }),
}).meta({ id: 'KnowledgeContent' });
export type Content = z.infer<typeof ContentSchema>;

export const ChunkSchema = z
  .object({
    id: z.string(),
    content_id: z.string(),
    chunk_index: z.number().int(),
    char_start: z.number().int(),
    char_end: z.number().int(),
    status: ContentStatusSchema,
    error: z.string().nullable(),
    text: z.string(),
    heading_path: z.array(z.string()),
    url: z.string().nullable(),
    page: z.number().int().nullable(),
    tokens: z.number().int(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'KnowledgeChunk' });
export type Chunk = z.infer<typeof ChunkSchema>;

export const ContentParams = z.object({ org_id: OrgIdParam, content_id: idParam('The knowledge item id.', EXAMPLE_IDS.knowledge) });
export const ChunkParams = ContentParams.extend({ chunk_id: idParam('The chunk id.', EXAMPLE_IDS.chunk) });
export const AssistantContentParams = z.object({ org_id: OrgIdParam, assistant_id: idParam('The assistant id.', EXAMPLE_IDS.assistant) });

export const ListContentsQuerySchema = PageQuerySchema.extend({
  type: z.enum(['ALL', 'TEXT', 'FILE', 'URL']).default('ALL'),
  status: z.enum(['ALL', 'PENDING', 'PROCESSING', 'PROCESSED', 'FAILED']).default('ALL'),
  search: z.string().max(256).optional().meta({ description: 'Matches titles (case-insensitive).' }),
});
export type ListContentsQuery = z.output<typeof ListContentsQuerySchema>;

export const ListChunksQuerySchema = PageQuerySchema.extend({
  status: z.enum(['ALL', 'PENDING', 'PROCESSING', 'PROCESSED', 'FAILED']).default('ALL'),
});

export const KnowledgeStatsSchema = z
  .object({
    contents: z.number().int(),
    chunks: z.number().int(),
    size: z.number().int(),
    pending: z.number().int().meta({ description: 'Items waiting or being processed.' }),
    failed: z.number().int(),
  })
  .meta({ id: 'KnowledgeStats' });

export const SearchBodySchema = z
  .object({
    query: z.string().trim().min(1, { error: 'is required' }).max(2000),
    assistant_id: z.string().min(1).max(64).optional().meta({ description: "Search what this assistant sees (its knowledge_scope); all of the org's knowledge when absent." }),
    limit: z.number().int().min(1).max(50).default(5),
  })
  .meta({ id: 'KnowledgeSearch', examples: [{ query: 'opening hours on Saturday', limit: 5 }] });
export type SearchInput = z.output<typeof SearchBodySchema>;

export const SearchResultSchema = z
  .object({
    chunk_id: z.string(),
    content_id: z.string(),
    title: z.string(),
    url: z.string().nullable(),
    heading_path: z.array(z.string()),
    text: z.string(),
    score: z.number().meta({ description: 'Fused score (reciprocal rank fusion); higher is better.' }),
    keyword_rank: z.number().int().nullable().meta({ description: 'Rank in full-text search (1 = best), null when not found by it.' }),
    vector_rank: z.number().int().nullable().meta({ description: 'Rank by embedding similarity, null when not found by it or no embeddings.' }),
  })
  .meta({ id: 'KnowledgeSearchResult' });
export type SearchResult = z.infer<typeof SearchResultSchema>;

export const SearchResponseSchema = z
  .object({
    mode: z.enum(['keyword', 'hybrid']).meta({ description: '`hybrid` when an embedding model is configured and available.' }),
    results: z.array(SearchResultSchema),
  })
  .meta({ id: 'KnowledgeSearchResponse' });

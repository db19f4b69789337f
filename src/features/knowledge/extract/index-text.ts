import { chunkMarkdown, chunkMarkdownCooperatively, type Chunk, type ChunkOptions } from './chunker.ts';
import { chunkTsvector } from '../lexemes.ts';

/** An item's text made searchable: its chunks, each chunk's `tsvector` literal, and each stem's number of chunks. */
export interface IndexedText {
  chunks: Chunk[];
  /** `tsvs[i]` is the `tsvector` literal of `chunks[i]`. */
  tsvs: string[];
  /** Each distinct stem of the chunks with the number of chunks holding it (the item's document frequencies). */
  terms: Array<[string, number]>;
}

export interface IndexTextInput {
  markdown: string;
  /** The item's title, part of every chunk's `tsvector` (weight A) with the chunk's heading path. */
  title: string;
  opts: ChunkOptions;
}

function analyze(title: string, chunks: Chunk[]): IndexedText {
  const termChunks = new Map<string, number>();
  const tsvs = chunks.map((c) => chunkTsvector(title, c.headingPath, c.text, termChunks));
  return { chunks, tsvs, terms: [...termChunks] };
}

/** The whole work at once (the indexing thread runs this). */
export function indexText(input: IndexTextInput): IndexedText {
  return analyze(input.title, chunkMarkdown(input.markdown, input.opts));
}

/** The same on the calling thread, chunking in slices that let its event loop serve requests in between. */
export async function indexTextCooperatively(input: IndexTextInput): Promise<IndexedText> {
  return analyze(input.title, await chunkMarkdownCooperatively(input.markdown, input.opts));
}

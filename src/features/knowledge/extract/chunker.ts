import { countTokens } from '../../../llm/tokens.ts';
import { blockUnits, type Unit, type Wrapper } from './block-units.ts';
import { parseBlocks, type Block } from './markdown-blocks.ts';
import { tailWithin } from './split-text.ts';

export type Chunk = {
  /** Position in the document, from 0. */
  index: number;
  /** The chunk's Markdown. Its heading lines are not in it: they are `headingPath`. */
  text: string;
  /** Titles of the enclosing headings, outermost first, e.g. ["Pricing", "Refunds"]. */
  headingPath: string[];
  /**
   * Offsets into the input: `text` starts at `charStart`. The text of a chunk that continues a split
   * table or code block begins with the repeated header row(s) or opening fence, which are not in
   * the range; between its blocks the text joins with a blank line.
   */
  charStart: number;
  charEnd: number;
  /** o200k_base tokens of `text`, never above maxTokens. */
  tokens: number;
  /** PDF page on which the chunk starts (from `<!-- page N -->` markers). */
  page?: number;
};

export type ChunkOptions = {
  maxTokens: number;
  /** Tokens of trailing context from the previous chunk of the same section repeated at the start of the next one. */
  overlapTokens: number;
};

type Context = { md: string; blocks: Block[]; wrappers: Map<number, Wrapper>; opts: ChunkOptions; out: Chunk[] };

// Joining two pieces ("\n\n" between blocks, a space or newline inside one) costs at most one token.
const SEPARATOR = 1;

/**
 * Splits Markdown into retrieval chunks that follow its structure: never across a heading; whole
 * blocks (paragraphs, lists, tables, code) when they fit; a block's items, rows or lines when it
 * does not; sentences, then words, only inside a paragraph that alone exceeds the budget. Each
 * block is tokenized once and chunks are packed by summing counts; only each finished chunk is
 * counted again, to report (and guarantee) its exact size.
 */
export function chunkMarkdown(markdown: string, opts: ChunkOptions): Chunk[] {
  const steps = chunkSteps(markdown, opts);
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

/** Longest stretch of chunking between two turns of the event loop in `chunkMarkdownCooperatively`. */
const SLICE_MS = 4;

/**
 * `chunkMarkdown` in slices of a few milliseconds, letting the event loop serve requests in between: tokenizing a
 * large document takes tens of milliseconds per 100 KB, during which every chat and API call would otherwise wait.
 */
export async function chunkMarkdownCooperatively(markdown: string, opts: ChunkOptions): Promise<Chunk[]> {
  const steps = chunkSteps(markdown, opts);
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart >= SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}

/** The chunker's work, pausable after each block and each packed section (the unit of a slice). */
function* chunkSteps(markdown: string, opts: ChunkOptions): Generator<void, Chunk[]> {
  const { maxTokens, overlapTokens } = opts;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new RangeError('maxTokens must be a positive integer');
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0 || overlapTokens >= maxTokens) {
    throw new RangeError('overlapTokens must be an integer from 0 to maxTokens - 1');
  }
  const ctx: Context = { md: markdown, blocks: parseBlocks(markdown), wrappers: new Map(), opts, out: [] };
  const path: Array<{ level: number; title: string }> = [];
  let page: number | undefined;
  let section: Unit[] = [];
  const flush = () => {
    if (section.length > 0) packSection(ctx, section, path.map((h) => h.title));
    section = [];
  };
  for (const [index, block] of ctx.blocks.entries()) {
    if (block.kind === 'page') {
      page = block.page;
    } else if (block.kind === 'heading') {
      flush();
      yield;
      while (path.length > 0 && path.at(-1)!.level >= block.level!) path.pop();
      if (block.title) path.push({ level: block.level!, title: block.title });
    } else {
      const { units, wrapper } = blockUnits(markdown, block, index, page, maxTokens);
      if (wrapper) ctx.wrappers.set(index, wrapper);
      for (const unit of units) section.push(unit);
      yield;
    }
  }
  flush();
  return ctx.out;
}

/** Greedy packing of one section's units; each new chunk opens with overlap from the previous one. */
function packSection(ctx: Context, units: Unit[], headingPath: string[]): void {
  const max = ctx.opts.maxTokens;
  let current: Unit[] = [];
  let overlap = 0; // how many of `current`'s first units are repeated context
  let estimate = 0;
  for (let i = 0; i < units.length; ) {
    const unit = units[i]!;
    const cost = costOf(ctx, unit, current.at(-1));
    if (current.length > overlap && estimate + cost > max) {
      const { kept, dropped } = emit(ctx, current, overlap, headingPath);
      i -= dropped; // units that did not fit after exact counting go round again
      current = overlapFor(ctx, kept, units[i]!);
      overlap = current.length;
      estimate = current.reduce((sum, u, k) => sum + u.tokens + (k > 0 ? SEPARATOR : 0), 0);
      continue;
    }
    current.push(unit);
    estimate += cost;
    i++;
  }
  if (current.length > overlap) emit(ctx, current, overlap, headingPath);
}

/** Tokens that adding `unit` after `previous` costs, counting a repeated table header or code fences. */
function costOf(ctx: Context, unit: Unit, previous: Unit | undefined): number {
  let cost = unit.tokens + (previous ? SEPARATOR : 0);
  const wrapper = ctx.wrappers.get(unit.block);
  if (wrapper && previous?.block !== unit.block) {
    if (unit.start !== ctx.blocks[unit.block]!.start) cost += wrapper.openTokens + SEPARATOR;
    if (wrapper.close) cost += wrapper.closeTokens + SEPARATOR;
  }
  return cost;
}

/**
 * Trailing prose of the previous chunk, at most overlapTokens and leaving room for `next`: whole
 * units while they fit or, when even the last one is too long, the longest tail of its whole
 * sentences (else lines, else words). Tables and code are not repeated (a split table repeats its header).
 */
function overlapFor(ctx: Context, previous: Unit[], next: Unit): Unit[] {
  let budget = Math.min(ctx.opts.overlapTokens, ctx.opts.maxTokens - costOf(ctx, next, undefined) - SEPARATOR);
  const taken: Unit[] = [];
  for (let k = previous.length - 1; k >= 0 && budget > 0; k--) {
    const unit = previous[k]!;
    if (!unit.prose) break;
    const separator = taken.length > 0 ? SEPARATOR : 0;
    if (unit.tokens + separator <= budget) {
      taken.unshift(unit);
      budget -= unit.tokens + separator;
      continue;
    }
    // Only the unit next to the boundary is cut; further back, a partial unit would start mid-sentence.
    const tail = taken.length === 0 ? tailWithin(ctx.md, unit, budget) : undefined;
    if (tail) taken.unshift({ ...unit, start: tail.start, tokens: tail.tokens });
    break;
  }
  return taken;
}

/**
 * Renders and records a chunk, dropping overlap and then trailing units in the rare case the
 * exact count exceeds the budget the summed estimate promised. Returns the units it kept and how
 * many of the chunk's own units it dropped.
 */
function emit(ctx: Context, units: Unit[], overlap: number, headingPath: string[]): { kept: Unit[]; dropped: number } {
  let kept = units;
  let dropped = 0;
  let text = render(ctx, kept);
  let tokens = countTokens(text);
  while (tokens > ctx.opts.maxTokens && kept.length > 1) {
    if (overlap > 0) {
      kept = kept.slice(1);
      overlap--;
    } else {
      kept = kept.slice(0, -1);
      dropped++;
    }
    text = render(ctx, kept);
    tokens = countTokens(text);
  }
  const first = kept[0]!;
  const chunk: Chunk = {
    index: ctx.out.length,
    text,
    headingPath: [...headingPath],
    charStart: first.start,
    charEnd: kept.at(-1)!.end,
    tokens,
  };
  if (first.page !== undefined) chunk.page = first.page;
  ctx.out.push(chunk);
  return { kept, dropped };
}

/** Consecutive units of one block are one slice of the document; blocks are joined by a blank line. */
function render(ctx: Context, units: Unit[]): string {
  const parts: string[] = [];
  for (let g = 0; g < units.length; ) {
    let h = g;
    while (h + 1 < units.length && units[h + 1]!.block === units[g]!.block) h++;
    const first = units[g]!;
    const last = units[h]!;
    const block = ctx.blocks[first.block]!;
    const wrapper = ctx.wrappers.get(first.block);
    let text = ctx.md.slice(first.start, last.end);
    if (wrapper && first.start !== block.start) text = `${wrapper.open}\n${text}`;
    if (wrapper?.close && last.end !== block.end) text = `${text}\n${wrapper.close}`;
    parts.push(text);
    g = h + 1;
  }
  return parts.join('\n\n');
}

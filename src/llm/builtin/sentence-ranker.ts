/**
 * BM25 over sentences: every candidate sentence of the instructions and passages is a document,
 * the customer's message is the query. Tuned for a corpus of tens to hundreds of short documents.
 */

export interface Candidate {
  /** The sentence as it would be quoted. */
  text: string;
  /** Stemmed content terms of the sentence (repeats kept). */
  terms: string[];
  /** Terms of the passage title and section heading: they tell what a sentence is about without being in it. */
  context: ReadonlySet<string>;
  /** `null` for the instructions. */
  passageId: string | null;
  /** Order of the sentence's source in the prompt, then of the sentence in its source. */
  sourceOrder: number;
  position: number;
}

export interface RankQuery {
  /** Term -> weight: 1 for the message's own terms, less for synonyms and terms borrowed from the previous question. */
  weights: ReadonlyMap<string, number>;
  /**
   * What the answer must be about, one entry per term of the message: the term first, then the
   * synonyms that also satisfy it. Relevance thresholds are measured on these alone.
   */
  primary: ReadonlyArray<readonly string[]>;
  /**
   * The shape of the fact asked for (a price, a phone number...), when the question asks for one:
   * it counts as one more concept, and when some relevant sentence has it, only such sentences answer.
   */
  shape?: ((text: string) => boolean) | undefined;
}

const K1 = 1.2;
const B = 0.75;
/** A title or heading match counts for about a third of a match in the sentence itself. */
const CONTEXT_WEIGHT = 0.35;
/**
 * Share of the question's idf mass a sentence must cover (strictly more than this). Terms absent
 * from the knowledge have the highest idf, so "what is the capital of France?" against "we ship
 * to France" covers too little to be answered, while "how long do I have to return an item?"
 * covers enough.
 */
const MIN_COVERAGE = 0.5;
/** Long questions carry extra topic-free words; three matched concepts with a smaller share also qualify. */
const MIN_COVERAGE_MULTI = 0.3;
/** Companions of the best sentence must score at least this fraction of it. */
const RELATIVE_CUTOFF = 0.7;
const DUPLICATE_JACCARD = 0.8;


function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let inter = 0;
  for (const t of a) if (b.has(t)) inter++;
  const union = a.size + b.size - inter;
  return union === 0 ? 1 : inter / union;
}

/**
 * Picks up to `max` sentences that answer the query, in reading order (sources ordered by their
 * best sentence, sentences by position). Returns [] when nothing is relevant enough. Besides the
 * best sentence, only sentences that answer a part of the question it leaves out, or the other
 * items of the list it belongs to, are quoted: a near-duplicate about the same thing is noise.
 */
export function selectSentences<C extends Candidate & { listItem?: { heading: string } | undefined }>(
  candidates: readonly C[],
  query: RankQuery,
  max = 3,
): C[] {
  if (candidates.length === 0 || (query.primary.length === 0 && !query.shape)) return [];
  const n = candidates.length;
  const df = new Map<string, number>();
  let totalLen = 0;
  const tfs = candidates.map((c) => {
    const tf = new Map<string, number>();
    for (const t of c.terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    totalLen += c.terms.length;
    return tf;
  });
  const avgLen = totalLen / n || 1;
  const idf = (t: string) => {
    const d = df.get(t) ?? 0;
    return Math.log(1 + (n - d + 0.5) / (d + 0.5));
  };
  // A concept weighs what the customer's own word weighs: an unknown word is a strong sign the
  // question is about something the knowledge does not cover, unless a synonym is present.
  const conceptIdf = query.primary.map(([t]) => idf(t!));
  // The fact type weighs like an average concept ("how much is a tune-up?": half price, half tune-up).
  const shapeIdf = query.shape ? (conceptIdf.length ? conceptIdf.reduce((a, b) => a + b, 0) / conceptIdf.length : 1) : 0;
  const primaryIdf = conceptIdf.reduce((a, b) => a + b, 0) + shapeIdf;

  const eligible: Array<{ c: C; score: number; covers: Set<number>; shaped: boolean }> = [];
  candidates.forEach((c, i) => {
    const tf = tfs[i]!;
    let matchedIdf = 0;
    let matched = 0;
    let inSentence = false;
    const covers = new Set<number>();
    query.primary.forEach((concept, k) => {
      const here = concept.some((t) => tf.has(t));
      if (here || concept.some((t) => c.context.has(t))) {
        matchedIdf += conceptIdf[k]!;
        matched++;
        covers.add(k);
        inSentence ||= here;
      }
    });
    const shaped = query.shape?.(c.text) ?? false;
    if (shaped) {
      matchedIdf += shapeIdf;
      matched++;
      inSentence = true;
    }
    const coverage = matchedIdf / primaryIdf;
    // A title or heading alone ("Delivery times" for "what time is it?") is too weak a link.
    if (!inSentence || (coverage <= MIN_COVERAGE && !(matched >= 3 && coverage >= MIN_COVERAGE_MULTI))) return;
    const norm = K1 * (1 - B + (B * c.terms.length) / avgLen);
    let score = shaped ? shapeIdf : 0;
    for (const [t, w] of query.weights) {
      const f = tf.get(t) ?? 0;
      if (f > 0) score += w * idf(t) * ((f * (K1 + 1)) / (f + norm));
      else if (c.context.has(t)) score += w * idf(t) * CONTEXT_WEIGHT;
    }
    eligible.push({ c, score, covers, shaped });
  });
  // A question that asks for a price is answered by a sentence that states one, when there is one.
  const answering = eligible.some((e) => e.shaped) ? eligible.filter((e) => e.shaped) : eligible;
  if (answering.length === 0) return [];

  answering.sort((a, b) => b.score - a.score || a.c.sourceOrder - b.c.sourceOrder || a.c.position - b.c.position);
  const top = answering[0]!;
  const covered = new Set(top.covers);
  const sameList = (c: C) => top.c.listItem !== undefined && c.listItem?.heading === top.c.listItem.heading && c.sourceOrder === top.c.sourceOrder;
  const picked: Array<{ c: C; set: Set<string>; rank: number }> = [];
  for (const e of answering) {
    if (picked.length >= max || e.score < top.score * RELATIVE_CUTOFF) break;
    const set = new Set(e.c.terms);
    if (picked.some((p) => p.c.text === e.c.text || jaccard(p.set, set) >= DUPLICATE_JACCARD)) continue;
    if (picked.length > 0 && !sameList(e.c) && ![...e.covers].some((k) => !covered.has(k))) continue;
    for (const k of e.covers) covered.add(k);
    picked.push({ c: e.c, set, rank: picked.length });
  }

  // Reading order: the source holding the best sentence first, then the sentences as written.
  const sourceRank = new Map<number, number>();
  for (const p of picked) if (!sourceRank.has(p.c.sourceOrder)) sourceRank.set(p.c.sourceOrder, p.rank);
  return picked
    .sort((a, b) => sourceRank.get(a.c.sourceOrder)! - sourceRank.get(b.c.sourceOrder)! || a.c.position - b.c.position)
    .map((p) => p.c);
}

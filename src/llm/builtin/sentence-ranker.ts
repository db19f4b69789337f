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
  /** Indexes into `primary` of which a sentence must hold at least one (a follow-up's own words). */
  anyOf?: readonly number[] | undefined;
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
/** Long questions carry extra topic-free words; two matched concepts with a smaller share also qualify. */
const MIN_COVERAGE_MULTI = 0.4;
/** See `conceptIdf`. */
const MIN_CONCEPT_IDF = 1;
/** Share of a concept's weight that a match in the title or heading only brings to coverage. */
const CONTEXT_COVERAGE = 0.5;
/** Share of a term's weight added when the sentence opens with it. */
const SUBJECT_BONUS = 0.15;
/** Bonus of a page's first sentence over later ones, decreasing with position. */
const POSITION_PRIOR = 0.08;
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
  // Floored: retrieval already brought passages about the question's subject, so its main word is
  // common among the candidates without being any less what the question is about.
  const conceptIdf = query.primary.map(([t]) => Math.max(MIN_CONCEPT_IDF, idf(t!)));
  // The fact type weighs like an average concept ("how much is a tune-up?": half price, half tune-up).
  const shapeIdf = query.shape ? (conceptIdf.length ? conceptIdf.reduce((a, b) => a + b, 0) / conceptIdf.length : 1) : 0;
  const primaryIdf = conceptIdf.reduce((a, b) => a + b, 0) + shapeIdf;

  const eligible: Array<{ c: C; score: number; covers: Set<number>; shaped: boolean }> = [];
  candidates.forEach((c, i) => {
    const tf = tfs[i]!;
    let matchedIdf = 0;
    let matched = 0;
    let inSentence = false;
    let contextIdf = 0;
    const covers = new Set<number>();
    query.primary.forEach((concept, k) => {
      const here = concept.some((t) => tf.has(t));
      if (here || concept.some((t) => c.context.has(t))) {
        // A heading word is a weaker link than the sentence's own ("Do you offer bike fitting?" over "bike insurance?").
        matchedIdf += here ? conceptIdf[k]! : conceptIdf[k]! * CONTEXT_COVERAGE;
        contextIdf += here ? 0 : conceptIdf[k]!;
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
    if (query.anyOf && !query.anyOf.some((k) => covers.has(k))) return;
    // A heading that asks the whole question ("The e-bike will not switch on") is answered by what follows it.
    if (!inSentence && matched >= 2 && matched === query.primary.length) {
      inSentence = true;
      matchedIdf = contextIdf;
    }
    const coverage = matchedIdf / primaryIdf;
    // A title or heading alone ("Delivery times" for "what time is it?") is too weak a link.
    if (!inSentence || (coverage <= MIN_COVERAGE && !(matched >= 2 && coverage >= MIN_COVERAGE_MULTI))) return;
    const norm = K1 * (1 - B + (B * c.terms.length) / avgLen);
    let score = shaped ? shapeIdf : 0;
    for (const [t, w] of query.weights) {
      const f = tf.get(t) ?? 0;
      if (f > 0) score += w * idf(t) * ((f * (K1 + 1)) / (f + norm));
      else if (c.context.has(t)) score += w * idf(t) * CONTEXT_WEIGHT;
    }
    // A sentence about something usually names it first ("Refunds go back within 5 days" for "when is my refund?").
    const subject = c.terms[0] !== undefined ? query.weights.get(c.terms[0]) : undefined;
    if (subject !== undefined) score += SUBJECT_BONUS * subject * idf(c.terms[0]!);
    // The first sentences of a page state its general case ("Standard delivery takes 3 to 5 days"), later ones exceptions.
    score *= 1 + POSITION_PRIOR / (1 + c.position);
    eligible.push({ c, score, covers, shaped });
  });
  // A question that asks for a price is answered by a sentence that states one, when there is one.
  const answering = eligible.some((e) => e.shaped) ? eligible.filter((e) => e.shaped) : eligible;
  if (answering.length === 0) return [];

  answering.sort((a, b) => b.score - a.score || a.c.sourceOrder - b.c.sourceOrder || a.c.position - b.c.position);
  const top = answering[0]!;
  const covered = new Set(top.covers);
  // The other items of the best sentence's list, when they are about all it is about ("E-bike: £45" for "and an
  // e-bike?" comes without "City bike: £25"; every row comes for "what are your hire prices?").
  const sameList = (e: { c: C; covers: Set<number> }) =>
    top.c.listItem !== undefined &&
    e.c.listItem?.heading === top.c.listItem.heading &&
    e.c.sourceOrder === top.c.sourceOrder &&
    [...top.covers].every((k) => e.covers.has(k));
  const topCoverage = top.covers.size;
  const picked: Array<{ c: C; set: Set<string>; rank: number; extra: boolean }> = [];
  for (const e of answering) {
    if (picked.length >= max || e.score < top.score * RELATIVE_CUTOFF) break;
    const set = new Set(e.c.terms);
    if (picked.some((p) => p.c.text === e.c.text || jaccard(p.set, set) >= DUPLICATE_JACCARD)) continue;
    const adds = [...e.covers].some((k) => !covered.has(k));
    // More of the same page about as much on topic may follow the answer; another page's may not.
    const extra = picked.length > 0 && !adds && !sameList(e);
    if (extra && (e.c.sourceOrder !== top.c.sourceOrder || e.covers.size < topCoverage)) continue;
    for (const k of e.covers) covered.add(k);
    picked.push({ c: e.c, set, rank: picked.length, extra });
  }

  // Reading order: the source holding the best sentence first, then the sentences as written; the
  // extras after what answers, so the answer comes first.
  const sourceRank = new Map<number, number>();
  for (const p of picked) if (!sourceRank.has(p.c.sourceOrder)) sourceRank.set(p.c.sourceOrder, p.rank);
  return picked
    .sort((a, b) => Number(a.extra) - Number(b.extra) || sourceRank.get(a.c.sourceOrder)! - sourceRank.get(b.c.sourceOrder)! || a.c.position - b.c.position)
    .map((p) => p.c);
}

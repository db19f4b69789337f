/**
 * Deterministic support-style text for the knowledge benchmark: Markdown documents to ingest over
 * HTTP, chunk-sized passages to load straight into the database, and the questions to search for.
 *
 * Word frequencies follow a Zipf-Mandelbrot law over a few thousand terms (real support vocabulary
 * at the head, invented product and feature names in the tail), plus a sprinkle of near-unique
 * names from a space of 64,000, so a query can hit most chunks ("account"), a few percent of them,
 * or a handful. Stop words and numbers make the text read like prose; the english parser drops them.
 */

/** mulberry32: a small seeded PRNG, so every run writes and asks exactly the same text. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

const DOMAIN = `account billing invoice refund password shipping delivery warranty subscription plan upgrade downgrade cancel
order payment card charge receipt address email login profile settings notification security verification code device
app browser support ticket agent chat message reply request return exchange product item package tracking carrier
courier label customs duty tax discount coupon voucher gift balance credit debit bank transfer wallet currency price
fee trial renewal license seat team member admin owner role permission access token key integration webhook export
import report dashboard analytics data backup restore sync storage upload download file attachment folder document
template calendar schedule appointment booking reservation location store branch hours holiday weekend morning evening
phone number contact form feedback survey rating review complaint escalation manager policy terms privacy consent
cookie region country language timezone unit size color model version update release feature bug error issue outage
maintenance status incident latency limit quota usage overage alert threshold reminder deadline extension exception
approval rejection dispute chargeback fraud block unlock reset recover change edit delete remove add create open close
confirm verify enable disable connect disconnect install uninstall configure migrate transfer assign share invite join
leave pause resume start stop retry fail succeed pending processing shipped delivered returned refunded expired active
inactive suspended locked archived default custom standard premium enterprise basic monthly annual weekly daily
free paid partial full quick slow secure safe broken missing wrong late early damaged lost stolen duplicate invalid
expired valid primary secondary mobile desktop tablet printer scanner router modem battery charger cable adapter screen
keyboard speaker camera sensor firmware software hardware server network connection signal bandwidth speed capacity
warehouse inventory stock supplier vendor partner reseller affiliate loyalty points reward tier member benefit
insurance claim coverage deductible premium policyholder beneficiary appointment prescription pharmacy clinic doctor
patient nurse visit checkup vaccine allergy dosage symptom treatment recipe ingredient menu allergen table seat
room guest checkin checkout luggage flight ticket boarding gate baggage delay cancellation voucher lounge upgrade`;

const GENERAL = `help need want find see use make get give take keep show tell ask call send receive check look work run set put
try move turn pay buy sell ship return wait agree apply follow choose decide mean note include contain require allow
provide offer support cover handle manage review process complete prepare submit print save load read write list
sort filter search select copy paste print mark flag pin star archive label group merge split link unlink attach
detach first last next previous new old current recent extra additional separate single multiple several each every
other same different important available possible necessary usual common special specific general personal public
private local global internal external automatic manual instant immediate temporary permanent clear simple easy hard`;

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tor', 'vex', 'qua', 'zel', 'dor', 'fin', 'gra', 'hal', 'jun', 'kip', 'lum', 'nor',
  'pax', 'ril', 'sol', 'tam', 'ul', 'vin', 'wex', 'yor', 'bri', 'cal', 'dex', 'fel', 'gon', 'hyn', 'ix', 'jor', 'kel', 'mar',
  'nev', 'ost', 'pra', 'quin', 'rho', 'sta'] as const;
const STOP = ['the', 'to', 'and', 'of', 'a', 'is', 'for', 'you', 'your', 'in', 'it', 'on', 'with', 'we', 'can', 'if', 'be',
  'this', 'that', 'or', 'will', 'are', 'by', 'from', 'at', 'as', 'our', 'not', 'when', 'after', 'before', 'any'] as const;

const VOCAB_SIZE = 5_000;
/** The most frequent terms are all real support words. */
const HEAD_REAL = 150;
const ZIPF_S = 1.0;
const ZIPF_Q = 10;
/** Share of content words that are near-unique names (3 syllables out of 40^3). */
const RARE_SHARE = 0.02;

function buildVocabulary(): string[] {
  const r = rng(7);
  const real = [...new Set(`${DOMAIN} ${GENERAL}`.split(/\s+/).filter(Boolean))];
  // A light shuffle keeps support words near the head without a fixed alphabetical order.
  for (let i = real.length - 1; i > 0; i--) {
    const j = Math.max(0, i - int(r, 0, 40));
    [real[i], real[j]] = [real[j]!, real[i]!];
  }
  const seen = new Set(real);
  const invented: string[] = [];
  while (real.length + invented.length < VOCAB_SIZE) {
    const w = Array.from({ length: int(r, 2, 3) }, () => pick(r, SYLLABLES)).join('');
    if (!seen.has(w)) {
      seen.add(w);
      invented.push(w);
    }
  }
  // Ranks: real words first, invented names filling the tail (mixed in past the head).
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < real.length || j < invented.length) {
    const takeReal = i < real.length && (j >= invented.length || out.length < HEAD_REAL || r() < 0.75);
    out.push(takeReal ? real[i++]! : invented[j++]!);
  }
  return out;
}

export const VOCABULARY = buildVocabulary();

/** Rank sampler: a 64k-entry table of the inverse CDF, one array read per word. */
const RANK_TABLE = (() => {
  const weights = VOCABULARY.map((_, rank) => 1 / (rank + 1 + ZIPF_Q) ** ZIPF_S);
  const total = weights.reduce((s, w) => s + w, 0);
  const table = new Uint16Array(65_536);
  let cum = 0;
  let rank = 0;
  for (let k = 0; k < table.length; k++) {
    const target = ((k + 0.5) / table.length) * total;
    while (rank < weights.length - 1 && cum + weights[rank]! < target) cum += weights[rank++]!;
    table[k] = rank;
  }
  return table;
})();

function rareName(r: Rand): string {
  return pick(r, SYLLABLES) + pick(r, SYLLABLES) + pick(r, SYLLABLES) + 'a';
}

function word(r: Rand): string {
  if (r() < RARE_SHARE) return rareName(r);
  return VOCABULARY[RANK_TABLE[Math.floor(r() * 65_536)]!]!;
}

function sentence(r: Rand): string {
  const n = int(r, 8, 20);
  const words: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = r();
    if (x < 0.38) words.push(pick(r, STOP));
    else if (x < 0.41) words.push(r() < 0.5 ? `#${int(r, 1000, 99999)}` : `${int(r, 1, 90)}.${int(r, 0, 99)}`);
    else words.push(word(r));
  }
  const s = words.join(' ');
  return `${s[0]!.toUpperCase()}${s.slice(1)}${r() < 0.1 ? '?' : '.'}`;
}

const paragraph = (r: Rand) => Array.from({ length: int(r, 2, 6) }, () => sentence(r)).join(' ');
export const title = (r: Rand, words: number) =>
  Array.from({ length: words }, () => word(r)).map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');

function list(r: Rand): string {
  const ordered = r() < 0.3;
  return Array.from({ length: int(r, 3, 7) }, (_, i) => `${ordered ? `${i + 1}.` : '-'} ${sentence(r)}`).join('\n');
}

function table(r: Rand): string {
  const cols = int(r, 3, 5);
  const head = Array.from({ length: cols }, () => title(r, 1));
  const rows = Array.from({ length: int(r, 3, 8) }, () =>
    Array.from({ length: cols }, (_, c) => (c === 0 ? title(r, 2) : r() < 0.4 ? `${int(r, 1, 500)}` : word(r))),
  );
  return [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** One section's blocks: mostly paragraphs, some lists, now and then a table. */
function sectionBody(r: Rand, blocks: number): string {
  const out: string[] = [];
  for (let b = 0; b < blocks; b++) {
    const x = r();
    out.push(x < 0.7 ? paragraph(r) : x < 0.92 ? list(r) : table(r));
  }
  return out.join('\n\n');
}

/** A help-centre article of about `bytes` bytes: a title, sections and subsections. */
export function markdownDocument(seed: number, bytes: number): { title: string; text: string } {
  const r = rng(seed);
  const docTitle = title(r, int(r, 2, 5));
  const parts = [`# ${docTitle}`, paragraph(r)];
  let size = parts.join('\n\n').length;
  while (size < bytes) {
    const part = r() < 0.7 ? `## ${title(r, int(r, 1, 4))}` : `### ${title(r, int(r, 1, 4))}`;
    const body = sectionBody(r, int(r, 3, 8));
    parts.push(part, body);
    size += part.length + body.length + 4;
  }
  return { title: docTitle, text: parts.join('\n\n') };
}

/** A chunk-sized passage, `chars` characters on average, with its heading path. */
export function passage(r: Rand, chars: number): { headingPath: string[]; text: string } {
  const headingPath = [title(r, int(r, 1, 3))];
  if (r() < 0.5) headingPath.push(title(r, int(r, 1, 3)));
  const blocks: string[] = [];
  let size = 0;
  for (;;) {
    const x = r();
    const block = x < 0.75 ? paragraph(r) : x < 0.95 ? list(r) : table(r);
    // Stop where the total lands nearer the target: with the block or without it.
    if (blocks.length > 0 && size + block.length / 2 > chars) break;
    blocks.push(block);
    size += block.length + 2;
  }
  return { headingPath, text: blocks.join('\n\n') };
}

const HOW = ['How do I', 'How can I', 'Can I', 'Why can I not', 'What happens if I', 'Where do I', 'When will I'];

export interface Question {
  text: string;
  /** The near-unique name the question asks about, when it names one: the chunks holding it should rank first. */
  rare?: string;
}

/**
 * The fixed question set: 2 to 8 words, from head terms only ("reset password account") to ones
 * naming a mid-frequency or near-unique term, as support questions and search-box queries do.
 */
export function queries(n: number): Question[] {
  const r = rng(4242);
  const head = (k: number) => Array.from({ length: k }, () => VOCABULARY[int(r, 0, 80)]!);
  const mid = () => VOCABULARY[int(r, 200, 1500)]!;
  const tail = () => VOCABULARY[int(r, 1500, VOCAB_SIZE - 1)]!;
  const out: Question[] = [];
  for (let i = 0; i < n; i++) {
    switch (i % 6) {
      case 0:
        out.push({ text: `${pick(r, HOW)} ${head(int(r, 1, 3)).join(' ')} my ${head(1)[0]}?` });
        break;
      case 1:
        out.push({ text: head(int(r, 2, 3)).join(' ') });
        break;
      case 2:
        out.push({ text: `${head(1)[0]} ${mid()} ${head(1)[0]}` });
        break;
      case 3:
        out.push({ text: `${pick(r, HOW)} ${mid()} the ${tail()}?` });
        break;
      case 4:
        out.push({ text: `${tail()} ${mid()}` });
        break;
      default: {
        const rare = rareName(r);
        out.push({ text: `is ${rare} ${head(1)[0]} covered by the ${mid()} ${head(1)[0]}`, rare });
      }
    }
  }
  return out;
}

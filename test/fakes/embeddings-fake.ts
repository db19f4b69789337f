import { type Fake, type Vendor, type VendorReply, bearerKey, randomHex, startFake } from './fake-server.ts';
import { errorBody } from './openai-fake.ts';

export type FakeEmbeddings = Fake;

/**
 * A loopback OpenAI embeddings server (`POST /v1/embeddings`), also standing in for
 * OpenAI-compatible ones, with a deterministic embedding model (see embedText). Replies are
 * computed, not scripted: only `error`, `hang` and `raw` steps change what a request gets.
 *
 *   const fake = await startFakeEmbeddings();
 *   env: PARLEY_EMBEDDING_MODEL=openai-compatible/fake-embed, OPENAI_COMPATIBLE_BASE_URL=fake.url
 *   expect(embeddedInputs(fake)).toContain('some chunk text');
 */
export function startFakeEmbeddings(opts: { apiKey?: string } = {}): Promise<FakeEmbeddings> {
  return startFake(embeddingsVendor, opts);
}

/** Every text the fake has embedded, in request order. */
export function embeddedInputs(fake: Fake): string[] {
  return fake.requests.filter((r) => r.path === EMBEDDINGS_PATH && r.body?.input !== undefined).flatMap((r) => [r.body.input].flat());
}

export const EMBEDDING_DIMENSIONS = 256;
const EMBEDDINGS_PATH = '/v1/embeddings';
/** OpenAI's per-request limit on inputs. */
const MAX_INPUTS = 2048;

export const embeddingsVendor: Vendor = {
  name: 'openai-embeddings',
  defaultStep: { kind: 'text', text: '' },

  precheck(req, requiredKey) {
    if (req.method !== 'POST' || req.path !== EMBEDDINGS_PATH) return reject(404, `Invalid URL (${req.method} ${req.path})`);
    if (requiredKey !== undefined && bearerKey(req.headers) !== requiredKey) {
      return { status: 401, body: errorBody(401) };
    }
    const body = req.body;
    if (typeof body !== 'object' || body === null) {
      return reject(400, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)");
    }
    if (!body.model) return reject(400, 'you must provide a model parameter');
    if (body.input === undefined) return reject(400, "'input' is a required property", 'input');
    const inputs = [body.input].flat();
    // The real API also takes token arrays; the AI SDK only ever sends strings.
    if (inputs.length === 0 || inputs.length > MAX_INPUTS || !inputs.every((s) => typeof s === 'string' && s.length > 0)) {
      return reject(400, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", 'input');
    }
    if (body.encoding_format !== undefined && body.encoding_format !== 'float' && body.encoding_format !== 'base64') {
      return reject(400, `'${body.encoding_format}' is not one of ['float', 'base64'] - 'encoding_format'`, 'encoding_format');
    }
    if (body.dimensions !== undefined && !(Number.isInteger(body.dimensions) && body.dimensions >= 1 && body.dimensions <= EMBEDDING_DIMENSIONS)) {
      return reject(400, `This model does not support specifying dimensions of ${body.dimensions}.`, 'dimensions');
    }
    return undefined;
  },

  async reply(step, req, out) {
    const headers = { 'x-request-id': `req_${randomHex(32)}`, 'openai-processing-ms': '12', 'openai-model': String(req.body.model) };
    if (step.kind === 'error') return out.json(step.status, errorBody(step.status, step), headers);
    if (step.kind === 'hang' || step.kind === 'raw') return; // served by the core
    const inputs: string[] = [req.body.input].flat();
    const dims: number = req.body.dimensions ?? EMBEDDING_DIMENSIONS;
    const base64 = req.body.encoding_format === 'base64';
    const tokens = inputs.reduce((sum, s) => sum + Math.max(1, Math.ceil(s.length / 4)), 0);
    out.json(
      200,
      {
        object: 'list',
        data: inputs.map((text, index) => {
          const v = embedText(text, dims);
          return { object: 'embedding', index, embedding: base64 ? toBase64(v) : v };
        }),
        model: req.body.model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      },
      headers,
    );
  },
};

function reject(status: number, message: string, param: string | null = null): VendorReply {
  return { status, body: { error: { message, type: 'invalid_request_error', param, code: null } } };
}

/** OpenAI's base64 encoding: the vector's little-endian float32 bytes. */
function toBase64(v: number[]): string {
  const buf = Buffer.alloc(v.length * 4);
  v.forEach((x, i) => buf.writeFloatLE(x, i * 4));
  return buf.toString('base64');
}

// ---- the deterministic embedding model ----
//
// A bag of word stems and concepts, feature-hashed (signed) into a fixed number of dimensions and
// L2-normalised, so cosine similarity is overlap of meaning-bearing words. The concept table is
// what makes it "semantic": a small, general vocabulary of customer-support synonyms (the sort of
// equivalence a real embedding model learns), written independently of any test's questions and
// answers. It knows nothing about any document; paraphrases outside the table still miss.

const STOPWORDS = new Set(
  `a an the and or but if then else of to in on at by for with from into onto over under about as is am are was were be been being
  do does did doing have has had having i me my mine we us our ours you your yours he him his she her hers it its they them their
  theirs this that these those there here what which who whom whose when where why how can could would should will shall may
  might must not no nor so too very just also than such any all each every some own same other only both few more most much
  many up down out off again once s t don doesn didn isn aren wasn weren hasn haven hadn won wouldn shouldn couldn get got
  let please hi hello thanks thank`.split(/\s+/),
);

/** Groups of words and phrases with one meaning. A word may sit in more than one group. */
const CONCEPTS: string[][] = [
  ['refund', 'reimburse', 'reimbursement', 'money back', 'repay', 'repayment', 'credit back', 'pay back'],
  ['return', 'send back', 'bring back', 'give back', 'take back'],
  ['ship', 'shipping', 'shipment', 'deliver', 'delivery', 'dispatch', 'courier', 'carrier', 'arrive', 'arrival', 'transit', 'postage'],
  ['parcel', 'package', 'shipment', 'box', 'order', 'purchase'],
  ['cost', 'price', 'fee', 'charge', 'pay', 'payment', 'expense', 'expensive', 'cheap', 'how much', 'rate', 'tariff', 'surcharge'],
  ['cancel', 'cancellation', 'terminate', 'termination', 'end', 'stop', 'quit', 'unsubscribe', 'discontinue'],
  ['password', 'passcode', 'passphrase', 'credentials', 'log in', 'login', 'sign in', 'signin', 'locked out'],
  ['account', 'profile', 'user', 'customer account'],
  ['broken', 'faulty', 'defective', 'defect', 'damaged', 'damage', 'malfunction', 'fault', 'broke', 'not working', 'stopped working', 'failure'],
  ['repair', 'fix', 'service', 'servicing', 'mend', 'maintenance'],
  ['warranty', 'guarantee', 'guaranteed', 'coverage', 'covered'],
  ['hours', 'open', 'opening', 'closing', 'closed', 'schedule', 'timetable'],
  ['store', 'shop', 'showroom', 'branch', 'outlet', 'boutique', 'location', 'in person'],
  ['gift card', 'voucher', 'gift certificate', 'gift voucher', 'store credit'],
  ['discount', 'reduction', 'saving', 'savings', 'coupon', 'promo code', 'deal', 'offer', 'percent off', 'cheaper'],
  ['subscription', 'subscribe', 'subscriber', 'plan', 'membership', 'recurring', 'renewal', 'renew'],
  ['pause', 'suspend', 'hold', 'skip', 'postpone', 'break', 'delay'],
  ['privacy', 'personal data', 'personal information', 'data', 'gdpr', 'information'],
  ['delete', 'erase', 'remove', 'deletion', 'erasure', 'close account', 'wipe'],
  ['clean', 'cleaning', 'wash', 'rinse', 'descale', 'descaling', 'limescale', 'scale', 'mineral', 'calcium'],
  ['wholesale', 'bulk', 'volume', 'large quantity', 'large order', 'business', 'company', 'corporate', 'office', 'b2b', 'trade', 'reseller'],
  ['international', 'abroad', 'overseas', 'foreign', 'worldwide', 'outside', 'cross border', 'country', 'countries'],
  ['tax', 'vat', 'duty', 'duties', 'customs', 'import'],
  ['invoice', 'receipt', 'bill', 'billing', 'statement', 'proof of purchase'],
  ['email', 'e mail', 'mail', 'inbox', 'message'],
  ['contact', 'phone', 'call', 'reach', 'support', 'customer service', 'help', 'helpdesk', 'chat'],
  ['change', 'modify', 'update', 'edit', 'alter', 'amend', 'switch', 'swap'],
  ['lost', 'missing', 'stolen', 'misplaced', 'never arrived', 'never came'],
  ['points', 'rewards', 'reward', 'loyalty', 'bonus', 'perk', 'perks'],
  ['expire', 'expiry', 'expiration', 'expired', 'valid', 'validity', 'lapse'],
  ['leak', 'leaking', 'drip', 'dripping', 'puddle', 'seep'],
  ['power', 'turn on', 'switch on', 'power on', 'start up', 'dead', 'no lights'],
  ['noise', 'noisy', 'loud', 'sound', 'rattle', 'grinding noise'],
  ['machine', 'appliance', 'device', 'equipment', 'espresso maker', 'coffee maker'],
  ['grinder', 'mill', 'burr', 'burrs'],
  ['bean', 'beans', 'coffee', 'roast', 'blend'],
  ['weak', 'watery', 'sour', 'thin', 'bitter', 'taste', 'flavour', 'flavor'],
  ['card', 'credit card', 'debit card', 'visa', 'mastercard', 'amex'],
  ['fast', 'quick', 'quickly', 'express', 'expedited', 'rush', 'urgent', 'next day', 'asap', 'soon'],
  ['free', 'no charge', 'complimentary', 'without cost', 'at no cost', 'waived'],
  ['wait', 'late', 'slow', 'delayed', 'overdue', 'how long', 'long'],
  ['error', 'error code', 'warning', 'blinking', 'flashing', 'alert', 'light'],
  ['milk', 'steam', 'steamer', 'froth', 'frothing', 'foam', 'wand'],
  ['child', 'children', 'kid', 'kids', 'minor'],
  ['cookie', 'cookies', 'tracking', 'analytics'],
  ['newsletter', 'marketing', 'promotional', 'spam', 'advertising'],
  ['address', 'where', 'street', 'postcode', 'zip code'],
  ['holiday', 'holidays', 'christmas', 'public holiday', 'bank holiday', 'new year'],
  ['security', 'secure', 'two factor', '2fa', 'verification', 'authenticator', 'hacked', 'compromised'],
  ['exchange', 'replacement', 'replace', 'swap', 'substitute'],
  ['fail', 'failed', 'declined', 'rejected', 'bounced', 'unsuccessful', 'did not go through'],
  ['twice', 'double', 'duplicate', 'charged twice', 'two charges'],
  ['parking', 'park', 'car'],
  ['wheelchair', 'accessible', 'accessibility', 'step free', 'disabled'],
  ['store', 'keep', 'storage', 'fresh', 'freshness', 'stale', 'airtight', 'container'],
  ['filter', 'cartridge', 'water filter'],
  ['pressure', 'bar', 'pump'],
  ['app', 'bluetooth', 'wifi', 'wi fi', 'connect', 'pair', 'pairing', 'smartphone'],
  ['lease', 'leasing', 'rent', 'rental', 'hire'],
  ['quote', 'quotation', 'estimate', 'proposal'],
  ['balance', 'remaining', 'left on', 'how much is left'],
  ['birthday', 'anniversary'],
  ['tier', 'level', 'status'],
  ['voltage', 'plug', 'socket', 'adapter', 'electrical', '230v', '110v'],
  ['spare part', 'spare parts', 'part', 'parts', 'component', 'gasket', 'seal'],
  ['loaner', 'loan', 'temporary', 'borrow', 'lend'],
  ['track', 'tracking number', 'track and trace', 'where is my', 'status'],
];

/** A deliberately small suffix stripper: enough that "deliveries", "delivered" and "delivering" meet. */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  for (const suffix of ['ation', 'ment', 'ness', 'ingly', 'edly', 'ing', 'ed', 'ly']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= (suffix === 'ly' ? 4 : 3)) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  if (/([b-df-hj-np-tv-z])\1$/.test(w) && !w.endsWith('ss')) w = w.slice(0, -1); // shipp -> ship, cancell -> cancel
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1); // charge -> charg, like charged
  if (w.length > 4 && w.endsWith('y')) w = `${w.slice(0, -1)}i`; // delivery -> deliveri, like deliveries
  return w;
}

function words(text: string): string[] {
  return (text.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').match(/[\p{L}\p{N}]+/gu) ?? []);
}

const stems = (text: string) => words(text).map(stem);

/** phrase (stems joined by spaces) -> concept ids; phrases of up to MAX_PHRASE words. */
const PHRASES = new Map<string, number[]>();
let MAX_PHRASE = 1;
CONCEPTS.forEach((group, id) => {
  for (const phrase of group) {
    const key = stems(phrase).join(' ');
    const ids = PHRASES.get(key) ?? [];
    if (!ids.includes(id)) ids.push(id);
    PHRASES.set(key, ids);
    MAX_PHRASE = Math.max(MAX_PHRASE, key.split(' ').length);
  }
});

/** Weighted features of a text: its content-word stems, and the concepts its words and phrases name. */
function features(text: string): Map<string, number> {
  const all = words(text);
  const st = all.map(stem);
  const counts = new Map<string, number>();
  const add = (f: string) => counts.set(f, (counts.get(f) ?? 0) + 1);
  for (let i = 0; i < st.length; i++) {
    if (!STOPWORDS.has(all[i]!)) add(`w:${st[i]}`);
    // Phrases may start with a stopword ("how much", "in person"), so they are matched on all words.
    for (let n = Math.min(MAX_PHRASE, st.length - i); n >= 1; n--) {
      const ids = PHRASES.get(st.slice(i, i + n).join(' '));
      if (ids) for (const id of ids) add(`c:${id}`);
    }
  }
  // Sublinear term frequency: a word repeated ten times is not ten times the topic.
  const weighted = new Map<string, number>();
  for (const [f, n] of counts) weighted.set(f, 1 + Math.log(n));
  return weighted;
}

/** FNV-1a, 32 bits. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The embedding of `text`: signed feature hashing into EMBEDDING_DIMENSIONS buckets, then L2
 * normalised. `dims` below that keeps the leading dimensions and renormalises, as OpenAI's
 * `dimensions` parameter does for text-embedding-3 models.
 */
export function embedText(text: string, dims = EMBEDDING_DIMENSIONS): number[] {
  const v = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  for (const [f, weight] of features(text)) {
    const h = hash(f);
    v[h % EMBEDDING_DIMENSIONS]! += (h & 0x80000000 ? -1 : 1) * weight;
  }
  const out = v.slice(0, dims);
  const norm = Math.hypot(...out);
  // An input of only stopwords still gets a valid unit vector, as a real model would return.
  return norm === 0 ? out.map((_, i) => (i === 0 ? 1 : 0)) : out.map((x) => x / norm);
}

export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

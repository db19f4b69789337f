/**
 * Text PostgreSQL cannot store: `text` and `jsonb` refuse U+0000, and a lone UTF-16 surrogate has
 * no UTF-8 form. Client input holding either is refused (see `findUnstorable`); content Parley did
 * not write itself (extracted files, crawled pages, model output, upstream errors) is cleaned.
 */

declare global {
  // ES2024 string methods, in Node 20; TypeScript's lib for them would also pull in ES2024's other changes.
  interface String {
    isWellFormed(): boolean;
    toWellFormed(): string;
  }
}

/** True when `s` can be stored as is (the common case: checked without allocating). */
export function isStorable(s: string): boolean {
  return s.indexOf('\0') === -1 && s.isWellFormed();
}

/** NUL removed and unpaired surrogates replaced by U+FFFD; `s` itself when already storable. */
export function cleanText(s: string): string {
  if (isStorable(s)) return s;
  return s.replaceAll('\0', '').toWellFormed();
}

/** `cleanText` of a string cut to at most `max` characters (error texts, which may be long). */
export function cleanBounded(s: string, max: number): string {
  const cut = s.length > max ? `${s.slice(0, max - 1)}…` : s;
  return cleanText(cut);
}

/** Strings (values and keys) of a JSON-like value cleaned at any depth; other values kept. */
export function cleanDeep<T>(value: T): T {
  if (typeof value === 'string') return cleanText(value) as T;
  if (Array.isArray(value)) return value.map(cleanDeep) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[cleanText(k)] = cleanDeep(v);
    return out as T;
  }
  return value;
}

export interface Unstorable {
  /** Where the value sits, e.g. `history[0].content`, or `config.{key}` for an object key. */
  path: string;
  what: 'NUL' | 'surrogate';
}

const describe = (s: string): Unstorable['what'] => (s.indexOf('\0') !== -1 ? 'NUL' : 'surrogate');
const join = (base: string, key: string | number) =>
  typeof key === 'number' ? `${base}[${key}]` : base ? `${base}.${key}` : key;

/**
 * The first string (value or object key) in `value` that cannot be stored, or undefined.
 * Iterative, so a hostile, deeply nested body cannot overflow the stack.
 */
export function findUnstorable(value: unknown, base = ''): Unstorable | undefined {
  const stack: Array<[unknown, string]> = [[value, base]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (!isStorable(v)) return { path, what: describe(v) };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], join(path, i)]);
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (!isStorable(k)) return { path: join(path, '{key}'), what: describe(k) };
        stack.push([child, join(path, k)]);
      }
    }
  }
  return undefined;
}

/** The 400 message for an unstorable value (the caller names the part: body, query, path). */
export function unstorableMessage(u: Unstorable, part: string): string {
  const char = u.what === 'NUL' ? 'a NUL character (U+0000)' : 'an unpaired UTF-16 surrogate';
  return `${u.path || part}: contains ${char}, which cannot be stored`;
}

import fc from 'fast-check';
import { deref, type Json, type Schema } from './doc.ts';
import { hostileJson } from './hostile.ts';

const FORMAT_VALUES: Record<string, () => fc.Arbitrary<string>> = {
  // Loopback addresses: the egress guard refuses them at connect time, so nothing leaves the machine.
  uri: () => fc.constantFrom('http://127.0.0.1:9/docs', 'https://localhost:9/page', 'http://[::1]:9/x'),
  email: () => fc.constantFrom('a@example.com', 'support@acme.test'),
  'date-time': () => fc.date({ min: new Date('2024-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  binary: () => fc.constant('file'),
};

const nonNull = (types: unknown): string | undefined => (Array.isArray(types) ? types.find((t) => t !== 'null') : (types as string));

/** Values the schema accepts (best effort: examples, enums and bounds, not every keyword). */
export function validArb(doc: Json, schemaIn: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const s = deref(doc, schemaIn) as Schema | undefined;
  if (!s || depth > 8) return fc.constant(null);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  const branches = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
  if (branches) {
    const usable = branches.filter((b) => deref(doc, b)?.type !== 'null');
    return fc.oneof(...usable.map((b) => validArb(doc, b, depth + 1)));
  }
  if (s.allOf) return validArb(doc, Object.assign({}, ...s.allOf.map((b: Schema) => deref(doc, b))), depth + 1);
  const type = nonNull(s.type) ?? (s.properties ? 'object' : undefined);
  switch (type) {
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const required = new Set<string>(s.required ?? []);
      const rec: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, p] of Object.entries(props)) rec[k] = validArb(doc, p, depth + 1);
      return fc.record(rec, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) });
    }
    case 'array':
      return fc.array(validArb(doc, s.items, depth + 1), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, 3) });
    case 'integer':
      return fc.integer({ min: Math.max(s.minimum ?? -1000, -1e6), max: Math.min(s.maximum ?? 1000, 1e6) });
    case 'number':
      return fc.double({ min: s.minimum ?? -1000, max: s.maximum ?? 1000, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'string': {
      if (s.format === 'uri') return FORMAT_VALUES.uri!();
      if (Array.isArray(s.examples) && s.examples.length) return fc.constantFrom(...s.examples);
      if (s.example !== undefined) return fc.constant(s.example);
      if (s.format && FORMAT_VALUES[s.format]) return FORMAT_VALUES[s.format]!();
      if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter((x) => x.length <= (s.maxLength ?? 200));
      const min = s.minLength ?? 0;
      // Printable text with something past ASCII in it, trimmed so `.trim().min(1)` fields stay valid.
      return fc
        .string({ unit: fc.constantFrom(...'abcXYZ019 -_.éß漢🙂'.split(/(?:)/u)), minLength: Math.max(min, 1), maxLength: Math.min(s.maxLength ?? 24, 24) })
        .map((x) => (x.trim().length >= Math.max(min, 1) ? x : 'a'.repeat(Math.max(min, 1))));
    }
    default:
      return fc.constant('x');
  }
}

type Path = (string | number)[];

/** Every location inside a value (objects and arrays, not the root). */
function locations(v: unknown, base: Path = [], out: Path[] = []): Path[] {
  if (v && typeof v === 'object' && out.length < 200) {
    for (const [k, child] of Object.entries(v)) {
      const p = [...base, Array.isArray(v) ? Number(k) : k];
      out.push(p);
      locations(child, p, out);
    }
  }
  return out;
}

function setAt(root: unknown, path: Path, f: (parent: any, key: string | number) => void): unknown {
  const copy = structuredClone(root);
  let parent: any = copy;
  for (const k of path.slice(0, -1)) parent = parent[k];
  f(parent, path[path.length - 1]!);
  return copy;
}

/** Characters a valid string can carry that storage and rendering get wrong. */
const INJECTED = ['\u0000', '\ud800', '\udfff', '\u202e', '\u200b', 'e\u0301', '\ufeff', '🙂'];

export interface Mutated {
  value: unknown;
  /** What was done, for the failure report. */
  how: string;
}

/** A valid value with one thing wrong: a field replaced by a hostile value, removed, or an unknown key added. */
export function mutatedArb(doc: Json, schema: Schema): fc.Arbitrary<Mutated> {
  const ops = ['replace', 'remove', 'add', 'wrap', 'inject', 'inject', 'inject'] as const;
  return fc.tuple(validArb(doc, schema), fc.nat(), fc.constantFrom(...ops), hostileJson, fc.constantFrom(...INJECTED)).map(([valid, i, op, bad, ch]) => {
    const locs = locations(valid);
    if (!locs.length || op === 'add') {
      const base = valid && typeof valid === 'object' && !Array.isArray(valid) ? valid : {};
      return { value: { ...base, ['fuzz_unknown_' + (i % 5)]: bad }, how: 'added an unknown key' };
    }
    const at = locs[i % locs.length]!;
    const where = at.join('.');
    if (op === 'remove') return { value: setAt(valid, at, (p, k) => (Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k])), how: `removed ${where}` };
    if (op === 'inject') {
      // Still valid for the schema, so the value reaches the handler and the database.
      const strings = locs.filter((l) => typeof l.reduce((v: any, k) => v?.[k], valid) === 'string');
      if (strings.length) {
        const s = strings[i % strings.length]!;
        return { value: setAt(valid, s, (p, k) => (p[k] = `${String(p[k]).slice(0, 8)}${ch}`)), how: `put ${JSON.stringify(ch)} into ${s.join('.')}` };
      }
    }
    if (op === 'wrap') return { value: setAt(valid, at, (p, k) => (p[k] = [p[k]])), how: `wrapped ${where} in an array` };
    return { value: setAt(valid, at, (p, k) => (p[k] = bad)), how: `replaced ${where}` };
  });
}

/** The smallest value the schema accepts: required fields only, first enum/example/branch (deterministic). */
export function minimalValid(doc: Json, schemaIn: Schema | undefined, depth = 0): unknown {
  const s = deref(doc, schemaIn) as Schema | undefined;
  if (!s || depth > 8) return null;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  const branches = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
  if (branches) return minimalValid(doc, branches.find((b) => deref(doc, b)?.type !== 'null'), depth + 1);
  switch (nonNull(s.type) ?? (s.properties ? 'object' : undefined)) {
    case 'object':
      return Object.fromEntries((s.required ?? []).map((k: string) => [k, minimalValid(doc, s.properties?.[k], depth + 1)]));
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => minimalValid(doc, s.items, depth + 1));
    case 'integer':
    case 'number':
      return Math.max(s.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'string':
      if (s.format === 'uri') return 'http://127.0.0.1:9/x';
      if (s.format === 'date-time') return '2030-01-01T00:00:00Z';
      if (s.format === 'email') return 'a@example.com';
      return 'x'.repeat(Math.max(s.minLength ?? 1, 1));
    default:
      return null;
  }
}

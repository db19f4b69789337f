const REF = '#/components/schemas/';
const INPUT_SUFFIX = 'Input';

type Schemas = Record<string, unknown>;
interface DocWithSchemas {
  components?: { schemas?: Schemas };
}

/** Every `#/components/schemas/X` that `node` references, directly. */
function refsIn(node: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(REF)) out.add(v.slice(REF.length));
      else refsIn(v, out);
    }
  }
  return out;
}

/** The component schemas reachable from the operations (the rest of the document). */
function reachable(doc: DocWithSchemas, schemas: Schemas): Set<string> {
  const seen = refsIn({ ...doc, components: { ...doc.components, schemas: undefined } });
  for (const todo = [...seen]; todo.length > 0; ) {
    for (const name of refsIn(schemas[todo.pop()!])) {
      if (!seen.has(name)) {
        seen.add(name);
        todo.push(name);
      }
    }
  }
  return seen;
}

function renameRefs<T>(node: T, rename: Map<string, string>): T {
  return JSON.parse(JSON.stringify(node), (key, value) =>
    key === '$ref' && typeof value === 'string' && value.startsWith(REF) && rename.has(value.slice(REF.length))
      ? REF + rename.get(value.slice(REF.length))
      : value,
  );
}

/** Key order does not make two schemas different. */
const canonical = (node: unknown): string =>
  JSON.stringify(node, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

/**
 * fastify-type-provider-zod registers every zod schema that has an `id` twice: `X` as the server
 * sends it (io: output: defaults filled in, so required) and `XInput` as a client may send it. Request
 * bodies reference the input twin and responses the output one, so each schema used on one side
 * only leaves an unused twin (and `CreateAssistant` would show output-side required fields). This keeps
 * what the operations reach, names a schema used only as input by its own id, and folds the two
 * twins into one where they are the same schema.
 */
export function tidyComponentSchemas<D extends DocWithSchemas>(doc: D): D {
  const schemas = doc.components?.schemas;
  if (!schemas) return doc;
  const used = reachable(doc, schemas);
  const baseOf = (name: string) => (name.endsWith(INPUT_SUFFIX) && name.slice(0, -INPUT_SUFFIX.length) in schemas ? name.slice(0, -INPUT_SUFFIX.length) : undefined);
  const rename = new Map<string, string>();
  const bothSides: string[] = [];
  for (const name of used) {
    const base = baseOf(name);
    if (base === undefined) continue;
    if (used.has(base)) bothSides.push(base);
    else rename.set(name, base);
  }
  // A pair folds when the twins are equal once the pairs they reference are folded too; drop
  // pairs that differ until nothing changes (a schema is only equal if what it references is).
  let folding = new Set(bothSides);
  for (let changed = true; changed; ) {
    changed = false;
    const trial = new Map([...rename, ...[...folding].map((b) => [b + INPUT_SUFFIX, b] as const)]);
    for (const base of folding) {
      if (canonical(renameRefs(schemas[base + INPUT_SUFFIX], trial)) !== canonical(renameRefs(schemas[base], trial))) {
        folding.delete(base);
        changed = true;
      }
    }
    folding = new Set(folding);
  }
  for (const base of folding) rename.set(base + INPUT_SUFFIX, base);

  const kept: Schemas = {};
  for (const [name, schema] of Object.entries(schemas)) {
    if (!used.has(name)) continue;
    const target = rename.get(name) ?? name;
    if (!(target in kept) || rename.has(name)) kept[target] = renameRefs(schema, rename);
  }
  const out = renameRefs({ ...doc, components: { ...doc.components, schemas: undefined } }, rename);
  return { ...out, components: { ...out.components, schemas: kept } };
}

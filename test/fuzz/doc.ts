import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

export type Json = Record<string, any>;
export type Schema = Json;

export interface Param {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

export interface Operation {
  /** `GET /orgs/{org_id}` */
  label: string;
  method: string;
  /** The OpenAPI path template, e.g. `/orgs/{org_id}/assistants/{assistant_id}`. */
  path: string;
  operationId: string;
  secured: boolean;
  /** Called with a web widget visitor token (the widget's public API), not an API key. */
  visitor: boolean;
  params: Param[];
  /** Request media types and their schemas ($refs resolved at use). */
  body?: Record<string, Schema>;
  bodyRequired: boolean;
  /** Documented statuses -> media type -> schema pointer (a JSON pointer into the doc). */
  responses: Record<string, Record<string, string>>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];
const ptr = (...parts: string[]) => '#/' + parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** Every path + method of the document, in document order. */
export function operationsOf(doc: Json): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const method of Object.keys(item).filter((m) => HTTP_METHODS.includes(m))) {
      const o = item[method] as Json;
      const params = [...(item.parameters ?? []), ...(o.parameters ?? [])].map((p: Json) => deref(doc, p)) as Param[];
      const responses: Operation['responses'] = {};
      for (const [status, r] of Object.entries((o.responses ?? {}) as Json)) {
        responses[status] = {};
        for (const media of Object.keys(deref(doc, r).content ?? {})) {
          responses[status]![media] = ptr('paths', path, method, 'responses', status, 'content', media, 'schema');
        }
      }
      const requestBody = o.requestBody ? deref(doc, o.requestBody) : undefined;
      ops.push({
        label: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        operationId: o.operationId,
        secured: (o.security ?? doc.security ?? []).length > 0,
        visitor: ((o.security ?? []) as Json[]).some((s) => 'visitorToken' in s),
        params,
        body: requestBody && Object.fromEntries(Object.entries(requestBody.content as Json).map(([m, c]) => [m, (c as Json).schema])),
        bodyRequired: Boolean(requestBody?.required),
        responses,
      });
    }
  }
  return ops;
}

/** Follows local `$ref`s (`#/components/...`) until a node without one. */
export function deref(doc: Json, node: any): any {
  let n = node;
  for (let i = 0; n && typeof n === 'object' && typeof n.$ref === 'string' && i < 32; i++) {
    const parts = n.$ref.replace(/^#\//, '').split('/').map((p: string) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    n = parts.reduce((acc: any, p: string) => acc?.[p], doc);
  }
  return n;
}

/**
 * Validates bodies against schemas of the document with draft 2020-12. The whole document is one schema
 * resource, so `#/components/schemas/X` inside any response schema resolves against it.
 */
export function docValidator(doc: Json) {
  // strict: false because the document carries OpenAPI keywords (example, discriminator, paths...) Ajv does not know.
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
  // ajv-formats is CommonJS: under NodeNext its default export is the module object.
  (formats as unknown as { default: (a: Ajv2020) => void }).default(ajv);
  ajv.addFormat('binary', true);
  const id = 'parley:openapi';
  ajv.addSchema({ ...doc, $id: id });
  const cache = new Map<string, ValidateFunction>();
  return (pointer: string, value: unknown): string | null => {
    const fn = cache.get(pointer) ?? ajv.compile({ $ref: id + pointer });
    cache.set(pointer, fn);
    if (fn(value)) return null;
    return ajv.errorsText(fn.errors, { separator: '; ' });
  };
}

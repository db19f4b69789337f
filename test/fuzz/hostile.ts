import fc from 'fast-check';

/** Strings that have broken servers before: NUL, lone surrogates, traversal, odd unicode, number-looking text. */
export const NASTY_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '\udc00\ud800',
  '\u202eevil\u202c',
  '\u200b\u200c\u200d\ufeff',
  '\ufffe\uffff',
  '\u2028\u2029',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  'e\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301',
  'ｃ',
  '\\xC0\\xAF\\xE0\\x80\\xAF',
  '%C0%AE%C0%AE%C0%AF',
  '../',
  '../../etc/passwd',
  '..\\..\\windows',
  '%2e%2e%2f',
  '..%2F..%2F',
  '%252e%252e%252f',
  'a/b',
  '%00',
  '',
  ' ',
  '\t\r\n',
  '1e308',
  '-0',
  'NaN',
  'Infinity',
  '9007199254740993',
  '-1',
  'null',
  'true',
  '[]',
  '{}',
  "'; drop table orgs; --",
  '<script>alert(1)</script>',
  '${7*7}{{7*7}}',
  '__proto__',
  'constructor',
  'c',
  'x'.repeat(70),
];

/** Over every limit in the contract (100 000-char messages) but under the 1 MiB body limit. */
export const HUGE_STRING = 'x'.repeat(300_000);

const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** Any UTF-16 code units, so lone surrogates and NUL turn up on their own. */
export const rawString = fc.string({ unit: codeUnit, maxLength: 40 });

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 3, arbitrary: rawString },
  { weight: 2, arbitrary: fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...NASTY_STRINGS), fc.string({ maxLength: 8 })).map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.constant(HUGE_STRING) },
);

export const hostileNumber = fc.constantFrom(1e308, -1e308, -0, 2 ** 53 + 1, -(2 ** 53) - 1, 5e-324, 0, -1, 1.5, 2 ** 31, 2 ** 63);

/** `depth` levels of `{"a": ...}` or `[...]`, built without recursion. */
export function nested(depth: number, kind: 'object' | 'array'): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = kind === 'object' ? { a: v } : [v];
  return v;
}

const leaf = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null));

/** A JSON value with hostile strings as values and keys, sometimes very deep. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: leaf },
  { weight: 2, arbitrary: fc.array(leaf, { maxLength: 4 }) },
  { weight: 3, arbitrary: fc.dictionary(hostileString, leaf, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(nested(1000, 'object'), nested(1000, 'array'), { __proto__: { admin: true } }, { constructor: { prototype: { x: 1 } } }) },
);

/** Body texts JSON.stringify cannot make: duplicate keys, -0, overflow, invalid syntax, deep nesting, BOM. */
export function rawJsonTexts(valid: unknown): fc.Arbitrary<string> {
  const text = JSON.stringify(valid ?? {});
  const firstKey = valid && typeof valid === 'object' && !Array.isArray(valid) ? Object.keys(valid)[0] : undefined;
  const dup = firstKey
    ? fc.constantFrom(...NASTY_STRINGS.slice(0, 12)).map((s) => `{${JSON.stringify(firstKey)}:${JSON.stringify(s)},${text.slice(1)}`)
    : fc.constant('{"a":1,"a":2}');
  const dupAfter = firstKey ? fc.constant(`${text.slice(0, -1)}${text.length > 2 ? ',' : ''}${JSON.stringify(firstKey)}:{"$ne":null}}`) : fc.constant('{"a":{},"a":[]}');
  return fc.oneof(
    dup,
    dupAfter,
    fc.constantFrom(
      '-0',
      '1e400',
      '{"a":-0,"b":1e400,"c":-1e400}',
      'NaN',
      '{"a":NaN}',
      '{"a":Infinity}',
      '{"a":1,}',
      '{"a"',
      '{',
      '[',
      '',
      '   ',
      'null',
      '"just a string"',
      '[]',
      '[{}]',
      '\ufeff' + text,
      text + 'garbage',
      text + text,
      '{"\\u0000":"\\u0000"}',
      '{"a":"\\ud800"}',
      '{"__proto__":{"polluted":true}}',
      '1' + '0'.repeat(400),
      '['.repeat(1000) + ']'.repeat(1000),
      '['.repeat(100_000) + ']'.repeat(100_000),
      '{"a":'.repeat(5000) + '1' + '}'.repeat(5000),
    ),
  );
}

/** Bytes that are not UTF-8 at all inside an otherwise fine JSON object. */
export const INVALID_UTF8_BODIES = [
  Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc0, 0xaf, 0xff, 0xfe]), Buffer.from('"}')]),
  Buffer.concat([Buffer.from('{"message":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
  Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
];

export const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'application/jsonx',
  'json',
  'multipart/form-data',
  '*/*',
];

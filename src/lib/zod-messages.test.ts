import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import './zod-messages.ts';

const messages = (schema: z.ZodType, input: unknown) => schema.safeParse(input).error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

describe('plain messages for refused input', () => {
  const schema = z
    .object({
      name: z.string().min(1).max(3),
      count: z.number().int().min(0).max(5),
      above: z.number().gt(0),
      kind: z.enum(['day', 'model']),
      site: z.url(),
      tags: z.array(z.string()).min(1).max(2),
      on: z.boolean(),
      at: z.iso.datetime(),
    })
    .strict();

  it('say what a value must be, in words', () => {
    expect(messages(schema, { name: '', count: 9, above: 0, kind: 'week', site: 'nope', tags: [], on: 'yes', at: 'soon', extra: 1 })).toEqual([
      'name: must not be empty',
      'count: must be at most 5',
      'above: must be greater than 0',
      'kind: must be one of "day", "model"',
      'site: must be a URL',
      'tags: must hold at least one item',
      'on: must be true or false',
      'at: must be a date-time such as 2026-01-31T09:30:00Z',
      ': unknown field: extra',
    ]);
    expect(messages(schema, { name: 'abcd', count: 1.5, above: 1, kind: 'day', site: 'https://example.com', tags: ['a', 'b', 'c'], on: true, at: '2026-01-31T09:30:00Z' })).toEqual([
      'name: must be at most 3 characters',
      'count: must be an integer',
      'tags: must hold at most 2 items',
    ]);
  });

  it('say a missing field is required, whatever its type', () => {
    expect(messages(schema, {})).toEqual(['name', 'count', 'above', 'kind', 'site', 'tags', 'on', 'at'].map((f) => `${f}: is required`));
  });

  it("leave a schema's own message alone", () => {
    expect(messages(z.object({ message: z.string({ error: 'message is required' }) }), {})).toEqual(['message: message is required']);
  });
});

import { z } from 'zod';
import { DEFAULT_TAKE, MAX_TAKE } from '../lib/pagination.ts';

export const OrgIdParam = z
  .string()
  .min(1)
  .max(64)
  .meta({ description: 'An organization id, or `c` for the org the API key was issued for (a signed-in user\'s default org).', examples: ['c'] });

/** A prefixed id in a path; the example shows callers which kind of id goes there. */
export const idParam = (description: string, example: string) => z.string().min(1).max(64).meta({ description, examples: [example] });

export const EXAMPLE_IDS = {
  org: 'org_4xVb2mQ9cT1kLzR8pWn3Ya',
  subOrg: 'org_7Rk2Lq9Xv4Tn1Bc8Mw3Pz6',
  assistant: 'ast_2Yq8Lm4Nx7Tc1Vb9Kp3Rw5',
  apiKey: 'key_1bQz8Hn4fK2LmX7cV9tR0s',
  chat: 'chat_5Hq2Tn8Lm1Xc4Vb7Kp9Rw3',
  knowledge: 'kn_3JbV7x9QmT2LcR8pWn1Ya',
  chunk: 'chk_6Wp1Zr8Kd3Nf5Gh2Jq9Lx4',
} as const;

export const OrgParams = z.object({ org_id: OrgIdParam });

export const PageQuerySchema = z.object({
  page: z.coerce
    .number()
    .int()
    .min(1)
    .default(1)
    .meta({ description: 'Page number, starting at 1.', examples: [1] }),
  take: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_TAKE)
    .default(DEFAULT_TAKE)
    .meta({ description: `Items per page (default ${DEFAULT_TAKE}, at most ${MAX_TAKE}).`, examples: [20] }),
});

export const Timestamp = z.string().meta({ format: 'date-time', examples: ['2026-01-15T09:30:00.000Z'] });
export const NullableTimestamp = Timestamp.nullable();

export const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** An https (or http) URL; other schemes are refused. */
export const WebUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .meta({ examples: ['https://example.com/logo.png'] });

export const DeletedSchema = z
  .object({ id: z.string(), deleted: z.literal(true) })
  .meta({ id: 'Deleted', examples: [{ id: 'ast_4xVb2mQ9cT1kLzR8pWn3Ya', deleted: true }] });

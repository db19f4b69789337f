import { z } from 'zod';
import { EmailSchema, PasswordSchema } from '../members/index.ts';

export const SetupStateSchema = z
  .object({
    needs_setup: z.boolean().meta({ description: 'True while the instance has no user: `POST /setup` creates the first one.' }),
  })
  .meta({ id: 'SetupState' });

export const SetupBodySchema = z
  .object({
    admin_key: z
      .string()
      .min(1)
      .max(200)
      .meta({ description: 'An `admin` API key of a top-level organization, such as the one printed at first start.', examples: ['apk_3Jq9Lx4Wp1Zr8Kd3Nf5Gh2Tq7Vb6Yc0Ue4Ia8Os2Mn'] }),
    name: z.string().trim().min(1).max(128).meta({ examples: ['Ada Lovelace'] }),
    email: EmailSchema,
    password: PasswordSchema,
  })
  .meta({
    id: 'Setup',
    examples: [{ admin_key: 'apk_3Jq9Lx4Wp1Zr8Kd3Nf5Gh2Tq7Vb6Yc0Ue4Ia8Os2Mn', name: 'Ada Lovelace', email: 'ada@example.com', password: 'correct horse battery staple' }],
  });

export type SetupInput = z.infer<typeof SetupBodySchema>;

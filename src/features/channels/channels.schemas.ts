import { z } from 'zod';
import { EXAMPLE_IDS, idParam, OrgIdParam } from '../../http/common-schemas.ts';

const Parts = z
  .array(z.object({ type: z.literal('text'), text: z.string().trim().min(1).max(100_000) }))
  .min(1)
  .max(20)
  .meta({ description: 'What the contact wrote, as text parts.' });

export const ContactChannelChatParams = z.object({
  org_id: OrgIdParam,
  contact_id: idParam('The contact id.', 'cnt_3Fq8Lm2Nx7Tc1Vb9Kp4Rw6'),
  channel_id: idParam('A CUSTOM channel of the contact.', 'cch_7Hq2Tn8Lm1Xc4Vb7Kp9Rw3'),
});

export const ContactChatParams = z.object({
  org_id: OrgIdParam,
  contact_id: idParam('The contact id.', 'cnt_3Fq8Lm2Nx7Tc1Vb9Kp4Rw6'),
  chat_id: idParam('A chat of the contact.', EXAMPLE_IDS.chat),
});

export const OpenChannelChatBodySchema = z
  .object({
    assistant_id: z.string().min(1).max(64).meta({ description: 'The assistant that answers.', examples: [EXAMPLE_IDS.assistant] }),
    title: z.string().trim().min(1).max(255).optional().meta({ description: 'Defaults to the start of the message.' }),
    message: Parts,
  })
  .meta({ id: 'OpenChannelChat', examples: [{ assistant_id: EXAMPLE_IDS.assistant, message: [{ type: 'text', text: 'Hi, is my order 1042 on its way?' }] }] });

export const ContactMessageBodySchema = z
  .object({
    message: Parts,
    channel_id: z.string().min(1).max(64).optional().meta({ description: 'The channel it came through (a CUSTOM channel of the contact).' }),
  })
  .meta({ id: 'ContactMessage', examples: [{ message: [{ type: 'text', text: 'Thanks! And can I change the address?' }] }] });

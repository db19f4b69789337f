import { z } from 'zod';
import { idParam, OrgIdParam, PageQuerySchema, Timestamp } from '../../http/common-schemas.ts';

export const EXAMPLE_SEGMENT_ID = 'seg_2Kd3Lp0Qw2Er5Ty7Ui9Op1';

export const SEGMENT_COLORS = [
  'red', 'orange', 'amber', 'yellow', 'lime', 'green', 'teal', 'cyan', 'sky',
  'blue', 'indigo', 'violet', 'purple', 'fuchsia', 'pink', 'rose', 'neutral',
] as const;

export const SegmentColorSchema = z.enum(SEGMENT_COLORS).meta({ id: 'SegmentColor' });

export const SegmentSchema = z
  .object({
    id: z.string().meta({ examples: [EXAMPLE_SEGMENT_ID] }),
    org_id: z.string(),
    name: z.string(),
    color: SegmentColorSchema,
    contacts_count: z.number().int(),
    boards: z.array(z.looseObject({})).meta({ description: 'Reserved; always empty in this version.' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Segment' });

export type Segment = z.infer<typeof SegmentSchema>;

const Name = z.string().trim().min(1).max(128).meta({ description: 'Unique in the organization, without case.', examples: ['VIP'] });

export const CreateSegmentBodySchema = z
  .object({ name: Name, color: SegmentColorSchema.default('neutral') })
  .meta({ id: 'CreateSegment', examples: [{ name: 'VIP', color: 'amber' }] });

export const UpdateSegmentBodySchema = z
  .object({ name: Name.optional(), color: SegmentColorSchema.optional() })
  .meta({ id: 'UpdateSegment', examples: [{ name: 'Key accounts', color: 'violet' }] });

export type CreateSegmentInput = z.infer<typeof CreateSegmentBodySchema>;
export type UpdateSegmentInput = z.infer<typeof UpdateSegmentBodySchema>;

export const SegmentListQuerySchema = PageQuerySchema.extend({
  search: z.string().trim().min(1).max(128).optional().meta({ description: 'Part of the name, without case.', examples: ['vip'] }),
});

export const SegmentParams = z.object({ org_id: OrgIdParam, segment_id: idParam('A segment id.', EXAMPLE_SEGMENT_ID) });

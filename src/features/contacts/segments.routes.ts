import { z } from 'zod';
import { DeletedSchema, OrgParams } from '../../http/common-schemas.ts';
import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { sendPage } from '../../http/pagination.ts';
import { CreateSegmentBodySchema, SegmentListQuerySchema, SegmentParams, SegmentSchema, UpdateSegmentBodySchema } from './segments.schemas.ts';
import type { SegmentsService } from './segments.service.ts';

const tags = ['Segments'];

export function segmentsRoutes(segments: SegmentsService): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/segments',
      operationId: 'listSegments',
      summary: 'List segments',
      description: 'Segments of the organization by name, each with its number of contacts.',
      tags,
      auth: { permission: 'contacts:read' },
      params: OrgParams,
      query: SegmentListQuerySchema,
      responses: { 200: z.array(SegmentSchema) },
      handler: async ({ orgId, query, reply }) => sendPage(reply, await segments.list(orgId, query.search, { page: query.page, take: query.take })),
    }),
    defineRoute({
      method: 'POST',
      url: '/orgs/:org_id/segments',
      operationId: 'createSegment',
      summary: 'Create a segment',
      description: 'Names are unique in the organization, without case: a name in use answers 409.',
      tags,
      auth: { permission: 'segments:manage' },
      params: OrgParams,
      body: CreateSegmentBodySchema,
      responses: { 200: SegmentSchema },
      errors: [409],
      handler: async ({ orgId, body, actor }) => segments.create(orgId, body, actor),
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/segments/:segment_id',
      operationId: 'getSegment',
      summary: 'Get a segment',
      description: 'One segment with its number of contacts (list them with `GET /orgs/{org_id}/contacts?segment_id=`).',
      tags,
      auth: { permission: 'contacts:read' },
      params: SegmentParams,
      responses: { 200: SegmentSchema },
      handler: async ({ orgId, params }) => segments.get(orgId, params.segment_id),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/orgs/:org_id/segments/:segment_id',
      operationId: 'updateSegment',
      summary: 'Update a segment',
      description: 'Rename or recolour; a name in use by another segment answers 409.',
      tags,
      auth: { permission: 'segments:manage' },
      params: SegmentParams,
      body: UpdateSegmentBodySchema,
      responses: { 200: SegmentSchema },
      errors: [409],
      handler: async ({ orgId, params, body, actor }) => segments.update(orgId, params.segment_id, body, actor),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/orgs/:org_id/segments/:segment_id',
      operationId: 'deleteSegment',
      summary: 'Delete a segment',
      description: 'Deletes the segment; its contacts stay and only leave it.',
      tags,
      auth: { permission: 'segments:manage' },
      params: SegmentParams,
      responses: { 200: DeletedSchema },
      handler: async ({ orgId, params, actor }) => {
        await segments.remove(orgId, params.segment_id, actor);
        return { id: params.segment_id, deleted: true as const };
      },
    }),
  ];
}

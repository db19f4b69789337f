import { z } from 'zod';
import { DeletedSchema, OrgParams, PageQuerySchema } from '../../http/common-schemas.ts';
import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { sendPage } from '../../http/pagination.ts';
import {
  ChannelParams,
  ContactChannelSchema,
  ContactListQuerySchema,
  ContactParams,
  ContactSchema,
  ContactSegmentParams,
  CreateContactBodySchema,
  CreateContactChannelBodySchema,
  FieldSchema,
  MergeContactBodySchema,
  UpdateContactBodySchema,
  UpdateContactChannelBodySchema,
} from './contacts.schemas.ts';
import type { ContactsService } from './contacts.service.ts';
import { SegmentSchema } from './segments.schemas.ts';

const tags = ['Contacts'];
const read = { permission: 'contacts:read' } as const;
const write = { permission: 'contacts:write' } as const;

export function contactsRoutes(contacts: ContactsService): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/contacts',
      operationId: 'listContacts',
      summary: 'List contacts',
      description: 'Contacts of the organization, newest first, each with its channels and segments. Filters combine (AND).',
      tags,
      auth: read,
      params: OrgParams,
      query: ContactListQuerySchema,
      responses: { 200: z.array(ContactSchema) },
      handler: async ({ orgId, query, reply }) => sendPage(reply, await contacts.list(orgId, query)),
    }),
    defineRoute({
      method: 'POST',
      url: '/orgs/:org_id/contacts',
      operationId: 'createContact',
      summary: 'Create a contact',
      description:
        'A contact with a name, or a first channel, or both. A channel identity (`type`, `user_id`) belongs to one contact: ' +
        'an identity already in use answers 409 naming its contact.',
      tags,
      auth: write,
      params: OrgParams,
      body: CreateContactBodySchema,
      responses: { 200: ContactSchema },
      errors: [409],
      handler: async ({ orgId, body, actor }) => contacts.create(orgId, body, actor),
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/contacts/fields',
      operationId: 'listContactFields',
      summary: 'List contact fields',
      description: 'The built-in fields of a contact (`kind: "system"`), in display order.',
      tags,
      auth: read,
      params: OrgParams,
      query: PageQuerySchema,
      responses: { 200: z.array(FieldSchema) },
      handler: async ({ query, reply }) => sendPage(reply, contacts.fields(query)),
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/contacts/:contact_id',
      operationId: 'getContact',
      summary: 'Get a contact',
      description: 'One contact with its channels and segments; another organization\'s contact answers 404, like a missing one.',
      tags,
      auth: read,
      params: ContactParams,
      responses: { 200: ContactSchema },
      handler: async ({ orgId, params }) => contacts.get(orgId, params.contact_id),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/orgs/:org_id/contacts/:contact_id',
      operationId: 'updateContact',
      summary: 'Update a contact',
      description:
        'Partial update. `custom_attributes` is merged into the stored ones (a key set to null is removed). ' +
        '`blocked_at` and `unsubscribed_at` record when the flag was last set.',
      tags,
      auth: write,
      params: ContactParams,
      body: UpdateContactBodySchema,
      responses: { 200: ContactSchema },
      handler: async ({ orgId, params, body, actor }) => contacts.update(orgId, params.contact_id, body, actor),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/orgs/:org_id/contacts/:contact_id',
      operationId: 'deleteContact',
      summary: 'Delete a contact',
      description:
        'Deletes the contact, its channels and its segment memberships. Its chats are kept, without a contact ' +
        '(`contact_id` becomes null); delete them first (`DELETE /chats/{chat_id}`) to erase the person entirely.',
      tags,
      auth: write,
      params: ContactParams,
      responses: { 200: DeletedSchema },
      handler: async ({ orgId, params, actor }) => {
        await contacts.remove(orgId, params.contact_id, actor);
        return { id: params.contact_id, deleted: true as const };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/orgs/:org_id/contacts/:contact_id/channels',
      operationId: 'createContactChannel',
      summary: 'Add a channel to a contact',
      description:
        'Links a channel identity to the contact, typically a `CUSTOM` channel: your own transport (WhatsApp through your ' +
        'provider, SMS, email). `user_id` defaults to the email, else the phone. An identity already in use answers 409.',
      tags,
      auth: write,
      params: ContactParams,
      body: CreateContactChannelBodySchema,
      responses: { 200: ContactChannelSchema },
      errors: [409],
      handler: async ({ orgId, params, body, actor }) => contacts.addChannel(orgId, params.contact_id, body, actor),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/orgs/:org_id/contacts/:contact_id/channels/:channel_id',
      operationId: 'updateContactChannel',
      summary: 'Update a custom contact channel',
      description: 'Only for `CUSTOM` channels (400 otherwise): `WEB` and `API` channels are kept up to date by their transport.',
      tags,
      auth: write,
      params: ChannelParams,
      body: UpdateContactChannelBodySchema,
      responses: { 200: ContactChannelSchema },
      handler: async ({ orgId, params, body, actor }) => contacts.updateChannel(orgId, params.contact_id, params.channel_id, body, actor),
    }),
    defineRoute({
      method: 'POST',
      url: '/orgs/:org_id/contacts/:contact_id/merge',
      operationId: 'mergeContacts',
      summary: 'Merge another contact into this one',
      description:
        'In one transaction, the channels, segment memberships and chats of `from_contact_id` move to this contact, and ' +
        '`from_contact_id` is deleted. This contact\'s values win; the other\'s fill what it lacks (name, custom attributes); ' +
        '`blocked`, `unsubscribed` and `ai_replies_disabled` stay set if either contact had them. 409 when the custom ' +
        'attributes together would exceed the limit.',
      tags,
      auth: write,
      params: ContactParams,
      body: MergeContactBodySchema,
      responses: { 200: ContactSchema },
      errors: [409],
      handler: async ({ orgId, params, body, actor }) => contacts.merge(orgId, params.contact_id, body.from_contact_id, actor),
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/contacts/:contact_id/segments',
      operationId: 'listContactSegments',
      summary: 'List the segments of a contact',
      description: 'The segments the contact is in, by name.',
      tags,
      auth: read,
      params: ContactParams,
      query: PageQuerySchema,
      responses: { 200: z.array(SegmentSchema) },
      handler: async ({ orgId, params, query, reply }) => sendPage(reply, await contacts.segmentsOf(orgId, params.contact_id, query)),
    }),
    defineRoute({
      method: 'POST',
      url: '/orgs/:org_id/contacts/:contact_id/segments/:segment_id',
      operationId: 'addContactToSegment',
      summary: 'Add a contact to a segment',
      description: 'Idempotent: adding a contact to a segment it is in changes nothing.',
      tags,
      auth: write,
      params: ContactSegmentParams,
      responses: { 200: ContactSchema },
      handler: async ({ orgId, params, actor }) => contacts.addToSegment(orgId, params.contact_id, params.segment_id, actor),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/orgs/:org_id/contacts/:contact_id/segments/:segment_id',
      operationId: 'removeContactFromSegment',
      summary: 'Remove a contact from a segment',
      description: 'Idempotent: removing a contact from a segment it is not in changes nothing.',
      tags,
      auth: write,
      params: ContactSegmentParams,
      responses: { 200: ContactSchema },
      handler: async ({ orgId, params, actor }) => contacts.removeFromSegment(orgId, params.contact_id, params.segment_id, actor),
    }),
  ];
}

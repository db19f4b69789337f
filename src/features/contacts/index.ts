export { createContactsService, type ContactsService } from './contacts.service.ts';
export { createSegmentsService, type SegmentsService } from './segments.service.ts';
export { contactsRoutes } from './contacts.routes.ts';
export { segmentsRoutes } from './segments.routes.ts';
export { findContactByChannel, resolveContactByChannel, type ChannelIdentity, type ResolvedContact } from './resolve-contact.ts';
export type { Contact, ContactChannel } from './contacts.schemas.ts';
export type { Segment } from './segments.schemas.ts';

import { useQuery } from '@tanstack/react-query';
import type { paths } from '../../../generated/openapi';
import { api, FIRST_PAGE, type Schemas, unwrap } from '../api/client';
import { usePagedList } from '../api/paged';

export type Contact = Schemas['Contact'];
export type Segment = Schemas['Segment'];
export type SegmentColor = Segment['color'];
export type ContactStatus = NonNullable<NonNullable<paths['/orgs/{org_id}/contacts']['get']['parameters']['query']>['status']>;

export const contactsKey = (orgId: string) => ['orgs', orgId, 'contacts'] as const;
export const segmentsKey = (orgId: string) => ['orgs', orgId, 'segments'] as const;

export interface ContactFilters {
  search: string;
  status: ContactStatus;
  segmentId: string | null;
}

export function useContacts(orgId: string, f: ContactFilters) {
  return usePagedList<Contact>([...contactsKey(orgId), 'list', f.search, f.status, f.segmentId], (page) =>
    api.GET('/orgs/{org_id}/contacts', {
      params: {
        path: { org_id: orgId },
        query: { ...page, status: f.status, ...(f.search.trim() ? { search: f.search.trim() } : {}), ...(f.segmentId ? { segment_id: f.segmentId } : {}) },
      },
    }),
  );
}

export function useContactById(orgId: string, contactId: string) {
  return useQuery({
    queryKey: [...contactsKey(orgId), contactId],
    queryFn: () => unwrap(api.GET('/orgs/{org_id}/contacts/{contact_id}', { params: { path: { org_id: orgId, contact_id: contactId } } })),
  });
}

/** Segments a page at a time, for the segments table ("Load more"); pickers use `useSegments`. */
export function useSegmentList(orgId: string) {
  return usePagedList<Segment>([...segmentsKey(orgId), 'list'], (query) => api.GET('/orgs/{org_id}/segments', { params: { path: { org_id: orgId }, query } }));
}

/** The first 100 segments, for pickers and filters. */
export function useSegments(orgId: string) {
  return useQuery({
    queryKey: segmentsKey(orgId),
    queryFn: () => unwrap(api.GET('/orgs/{org_id}/segments', { params: { path: { org_id: orgId }, query: FIRST_PAGE } })),
  });
}

const contactPath = (orgId: string, contactId: string) => ({ params: { path: { org_id: orgId, contact_id: contactId } } });
const memberPath = (orgId: string, contactId: string, segmentId: string) => ({ params: { path: { org_id: orgId, contact_id: contactId, segment_id: segmentId } } });

export const updateContact = (orgId: string, contactId: string, body: Schemas['UpdateContact']) =>
  unwrap(api.PATCH('/orgs/{org_id}/contacts/{contact_id}', { ...contactPath(orgId, contactId), body }));
export const deleteContact = (orgId: string, contactId: string) => unwrap(api.DELETE('/orgs/{org_id}/contacts/{contact_id}', contactPath(orgId, contactId)));
export const addToSegment = (orgId: string, contactId: string, segmentId: string) =>
  unwrap(api.POST('/orgs/{org_id}/contacts/{contact_id}/segments/{segment_id}', memberPath(orgId, contactId, segmentId)));
export const removeFromSegment = (orgId: string, contactId: string, segmentId: string) =>
  unwrap(api.DELETE('/orgs/{org_id}/contacts/{contact_id}/segments/{segment_id}', memberPath(orgId, contactId, segmentId)));
export const createSegment = (orgId: string, body: Schemas['CreateSegment']) => unwrap(api.POST('/orgs/{org_id}/segments', { params: { path: { org_id: orgId } }, body }));
export const deleteSegment = (orgId: string, segmentId: string) =>
  unwrap(api.DELETE('/orgs/{org_id}/segments/{segment_id}', { params: { path: { org_id: orgId, segment_id: segmentId } } }));

/** A contact's name, or the first identity of a channel for one who gave none. */
export { contactLabel } from '../ui/person';

/** Segment colours (the API's palette) as Mantine colours. */
export const SEGMENT_COLOR: Record<SegmentColor, string> = {
  red: 'red', orange: 'orange', amber: 'yellow', yellow: 'yellow', lime: 'lime', green: 'green', teal: 'teal', cyan: 'cyan', sky: 'blue',
  blue: 'blue', indigo: 'indigo', violet: 'violet', purple: 'grape', fuchsia: 'grape', pink: 'pink', rose: 'pink', neutral: 'gray',
};

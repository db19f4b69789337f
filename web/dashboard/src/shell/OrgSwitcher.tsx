import { Select } from '@mantine/core';
import { useLocation, useNavigate } from 'react-router';
import type { ReachableOrg } from './orgs';

/** Switches org and keeps the section: /o/A/api-keys becomes /o/B/api-keys. */
export function OrgSwitcher({ orgId, orgs }: { orgId: string; orgs: ReachableOrg[] }) {
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const section = pathname.split('/')[3] ?? 'assistants';
  const data = orgs.map((o) => ({
    value: o.id,
    label: o.parentName ? `${o.name} (in ${o.parentName})` : o.name,
  }));
  return (
    <Select
      label="Organization"
      data={data}
      value={orgs.some((o) => o.id === orgId) ? orgId : null}
      placeholder="Choose an organization"
      allowDeselect={false}
      searchable={orgs.length > 7}
      onChange={(id) => id && navigate(`/o/${id}/${section}`)}
    />
  );
}

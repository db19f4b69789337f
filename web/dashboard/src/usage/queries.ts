import { useQuery } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../api/client';

export type Usage = Schemas['UsageSummary'];
export type GroupBy = Usage['group_by'];
export type UsageRow = Usage['groups'][number];

export const PERIODS = [
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
];

/** The period ends at the end of today (UTC) and starts `days` UTC days earlier: whole days, like the API's groups. */
export function periodOf(days: number, now = new Date()): { from: string; to: string } {
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return { from: new Date(end - days * 86_400_000).toISOString(), to: new Date(end).toISOString() };
}

/** Every day of the period, those without calls as zeros, so the chart's axis is the period's. */
export function fillDays(rows: UsageRow[], from: string, to: string): UsageRow[] {
  const byDay = new Map(rows.map((r) => [r.key, r]));
  const out: UsageRow[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += 86_400_000) {
    const key = new Date(t).toISOString().slice(0, 10);
    out.push(byDay.get(key) ?? { key, requests: 0, errors: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  }
  return out;
}

export function useUsage(orgId: string, period: { from: string; to: string }, group_by: GroupBy) {
  return useQuery({
    queryKey: ['orgs', orgId, 'usage', period.from, period.to, group_by],
    queryFn: () => unwrap(api.GET('/orgs/{org_id}/usage', { params: { path: { org_id: orgId }, query: { ...period, group_by } } })),
  });
}

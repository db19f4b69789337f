import type { Role } from '../api/client';

/**
 * The permissions of each role, as docs/members.md lists them: the dashboard only hides what a role may not use.
 * The API is the authority: a page opened by URL that the role may not use shows the server's 403 message.
 */
const TABLE = {
  'assistants:read': ['ADMIN', 'DEVELOPER', 'MANAGER', 'AGENT'],
  'assistants:manage': ['ADMIN', 'DEVELOPER'],
  'keys:manage': ['ADMIN', 'DEVELOPER'],
  'chats:write': ['ADMIN', 'MANAGER', 'AGENT'],
  'knowledge:read': ['ADMIN', 'DEVELOPER'],
  'knowledge:manage': ['ADMIN', 'DEVELOPER'],
  'runtime:invoke': ['ADMIN', 'DEVELOPER'],
  'providers:manage': ['ADMIN', 'DEVELOPER'],
  'org:read': ['ADMIN', 'DEVELOPER', 'MANAGER', 'AGENT'],
  'members:manage': ['ADMIN', 'MANAGER'],
  'webhooks:read': ['ADMIN', 'DEVELOPER'],
  'webhooks:write': ['ADMIN', 'DEVELOPER'],
  'usage:read': ['ADMIN', 'DEVELOPER', 'MANAGER'],
  'audit:read': ['ADMIN', 'MANAGER'],
  'contacts:read': ['ADMIN', 'DEVELOPER', 'MANAGER', 'AGENT'],
  'contacts:write': ['ADMIN', 'MANAGER', 'AGENT'],
  'segments:manage': ['ADMIN', 'MANAGER'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof TABLE;

export const may = (role: Role | undefined, permission: Permission): boolean =>
  !!role && (TABLE[permission] as readonly Role[]).includes(role);

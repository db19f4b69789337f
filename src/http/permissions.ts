/**
 * Roles and permissions as data. Each route declares the one permission it needs (see RouteDef.auth);
 * a member's role and an API key's scope each grant a set of them. The role matrix test is generated
 * from this table and the route table, so a change here is a change of tested behaviour.
 */
export const PERMISSIONS = [
  'org:read',
  'org:manage',
  'members:manage',
  'keys:manage',
  'assistants:read',
  'assistants:manage',
  'knowledge:read',
  'knowledge:manage',
  'chats:read',
  'chats:write',
  'contacts:read',
  'contacts:write',
  'segments:manage',
  'usage:read',
  'audit:read',
  'providers:manage',
  'runtime:invoke',
  'webhooks:read',
  'webhooks:write',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['ADMIN', 'DEVELOPER', 'MANAGER', 'AGENT'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  ADMIN: PERMISSIONS,
  // Builds the product: assistants, what they know, keys, model credentials and webhooks; reads chats and usage.
  DEVELOPER: [
    'org:read',
    'keys:manage',
    'assistants:read',
    'assistants:manage',
    'knowledge:read',
    'knowledge:manage',
    'chats:read',
    'contacts:read',
    'usage:read',
    'providers:manage',
    'runtime:invoke',
    'webhooks:read',
    'webhooks:write',
  ],
  // Runs the support team: members and invites, usage, the audit log, the conversations and contacts themselves,
  // and the segments contacts are grouped in.
  MANAGER: [
    'org:read',
    'members:manage',
    'assistants:read',
    'chats:read',
    'chats:write',
    'contacts:read',
    'contacts:write',
    'segments:manage',
    'usage:read',
    'audit:read',
  ],
  // Works conversations and the contacts they are with (including putting a contact in a segment); sees which
  // assistants exist. Creating, renaming and deleting segments is the manager's.
  AGENT: ['org:read', 'assistants:read', 'chats:read', 'chats:write', 'contacts:read', 'contacts:write'],
};

/** API key scopes: `admin` is every permission (as before roles existed), `runtime` only the runtime API. */
export const SCOPE_PERMISSIONS: Record<'admin' | 'runtime', readonly Permission[]> = {
  admin: PERMISSIONS,
  runtime: ['runtime:invoke'],
};

export const roleHas = (role: Role, permission: Permission): boolean => ROLE_PERMISSIONS[role].includes(permission);

/** A role may grant (invite to, or set) only roles whose permissions it holds all of: no escalation. */
export const canGrant = (granted: readonly Permission[], role: Role): boolean =>
  ROLE_PERMISSIONS[role].every((p) => granted.includes(p));

import { IconAddressBook, IconBooks, IconChartBar, IconHistory, IconInbox, IconKey, IconMessageChatbot, IconMessages, IconPlugConnected, IconUsers, IconWebhook, type Icon } from '@tabler/icons-react';
import type { Permission } from '../auth/permissions';

export interface NavEntry {
  label: string;
  /** Under `/o/{org_id}/`. */
  path: string;
  icon: Icon;
  /** The permission the page's main request needs; the entry is hidden from roles without it. */
  permission: Permission;
}

/** The screens built so far; the other screens join here as they are built. */
export const NAV: NavEntry[] = [
  // Working conversations and the people in them.
  { label: 'Inbox', path: 'inbox', icon: IconInbox, permission: 'chats:write' },
  { label: 'Contacts', path: 'contacts', icon: IconAddressBook, permission: 'contacts:read' },
  // Building the assistants.
  { label: 'Assistants', path: 'assistants', icon: IconMessageChatbot, permission: 'assistants:read' },
  { label: 'Knowledge', path: 'knowledge', icon: IconBooks, permission: 'knowledge:read' },
  { label: 'Playground', path: 'playground', icon: IconMessages, permission: 'runtime:invoke' },
  // Running the organization.
  { label: 'Usage', path: 'usage', icon: IconChartBar, permission: 'usage:read' },
  { label: 'Webhooks', path: 'webhooks', icon: IconWebhook, permission: 'webhooks:read' },
  { label: 'API keys', path: 'api-keys', icon: IconKey, permission: 'keys:manage' },
  { label: 'Providers', path: 'providers', icon: IconPlugConnected, permission: 'providers:manage' },
  { label: 'Members', path: 'members', icon: IconUsers, permission: 'org:read' },
  { label: 'Audit log', path: 'audit-log', icon: IconHistory, permission: 'audit:read' },
];

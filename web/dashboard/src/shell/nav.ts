import { IconAddressBook, IconBooks, IconChartBar, IconHistory, IconInbox, IconKey, IconMessageChatbot, IconMessages, IconWebhook, type Icon } from '@tabler/icons-react';
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
  { label: 'Inbox', path: 'inbox', icon: IconInbox, permission: 'chats:write' },
  { label: 'Assistants', path: 'assistants', icon: IconMessageChatbot, permission: 'assistants:read' },
  { label: 'Knowledge', path: 'knowledge', icon: IconBooks, permission: 'knowledge:read' },
  { label: 'Playground', path: 'playground', icon: IconMessages, permission: 'runtime:invoke' },
  { label: 'API keys', path: 'api-keys', icon: IconKey, permission: 'keys:manage' },
  { label: 'Webhooks', path: 'webhooks', icon: IconWebhook, permission: 'webhooks:read' },
  { label: 'Usage', path: 'usage', icon: IconChartBar, permission: 'usage:read' },
  { label: 'Contacts', path: 'contacts', icon: IconAddressBook, permission: 'contacts:read' },
  { label: 'Audit log', path: 'audit-log', icon: IconHistory, permission: 'audit:read' },
];

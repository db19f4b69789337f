import { ActionIcon, Avatar, Button, Menu, Text, useComputedColorScheme, useMantineColorScheme, VisuallyHidden } from '@mantine/core';
import { IconDeviceLaptop, IconLogout, IconMoon, IconSun } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { User } from '../api/client';
import { useSignOut } from '../auth/session';
import { notify } from '../ui/notify';

/** Dark mode: Mantine keeps the choice in localStorage, so it survives reloads. */
export function ColorSchemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme('light');
  const next = computed === 'dark' ? 'light' : 'dark';
  return (
    <ActionIcon variant="default" size="lg" onClick={() => setColorScheme(next)} aria-label={`Switch to ${next} mode`}>
      {computed === 'dark' ? <IconSun size={18} /> : <IconMoon size={18} />}
    </ActionIcon>
  );
}

const initials = (name: string) =>
  name
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();

export function UserMenu({ user }: { user: User }) {
  const signOut = useSignOut();
  return (
    <Menu position="bottom-end" width={240}>
      <Menu.Target>
        <Button
          variant="subtle"
          color="gray"
          px={6}
          leftSection={
            <Avatar size={28} radius="xl" color="indigo" aria-hidden>
              {initials(user.name)}
            </Avatar>
          }
        >
          <Text size="sm" fw={500} c="var(--mantine-color-text)" visibleFrom="xs">
            {user.name}
          </Text>
          {/* On a phone the name is not shown and the avatar is decorative: screen readers still get the name. */}
          <VisuallyHidden hiddenFrom="xs">{user.name}</VisuallyHidden>
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={600} c="var(--mantine-color-text)">
            {user.name}
          </Text>
          <Text size="xs">{user.email}</Text>
        </Menu.Label>
        <Menu.Item component={Link} to="/account/sessions" leftSection={<IconDeviceLaptop size={16} />}>
          Sessions
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item
          leftSection={<IconLogout size={16} />}
          onClick={() => signOut().catch((e: Error) => notify(`Could not sign out: ${e.message}`, 'red'))}
        >
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

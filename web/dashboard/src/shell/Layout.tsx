import { AppShell, Burger, Group, NavLink, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense } from 'react';
import { Link, Outlet, useLocation, useMatch } from 'react-router';
import type { User } from '../api/client';
import { may } from '../auth/permissions';
import { NAV } from './nav';
import { OrgSwitcher } from './OrgSwitcher';
import { useReachableOrgs } from './orgs';
import { Loading } from '../ui/QueryState';
import { ColorSchemeToggle, UserMenu } from './UserMenu';

/** The frame of every signed-in screen; the org in the URL decides which entries the member's role may use. */
export function Layout({ user }: { user: User }) {
  const [opened, { toggle, close }] = useDisclosure();
  const { pathname } = useLocation();
  const orgs = useReachableOrgs(user.memberships);
  const inOrg = useMatch('/o/:orgId/*');
  // Pages outside an org (sessions) keep the default org in the switcher and the links.
  const orgId = inOrg?.params.orgId ?? user.default_org_id ?? orgs[0]?.id ?? '';
  const role = orgs.find((x) => x.id === orgId)?.role;

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Text fw={700} size="lg" component={Link} to="/" c="var(--mantine-color-text)" td="none">
              Parley
            </Text>
          </Group>
          <Group gap="xs">
            <ColorSchemeToggle />
            <UserMenu user={user} />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="md" aria-label="Main">
        <Stack gap="md">
          <OrgSwitcher orgId={orgId} orgs={orgs} />
          <nav aria-label="Sections">
            {NAV.filter((e) => may(role, e.permission)).map((e) => {
              const to = `/o/${orgId}/${e.path}`;
              return (
                <NavLink
                  key={e.path}
                  component={Link}
                  to={to}
                  label={e.label}
                  leftSection={<e.icon size={18} stroke={1.6} />}
                  active={pathname.startsWith(to)}
                  onClick={close}
                />
              );
            })}
          </nav>
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main>
        {/* Each screen is its own chunk: the shell stays while one loads. */}
        <Suspense fallback={<Loading label="Loading the page" />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}

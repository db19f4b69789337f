import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTitle } from '../ui/useTitle';

/** The frame of the screens shown before the app: setup, sign-in, accepting an invite. */
export function AuthCard({ title, intro, children }: { title: string; intro?: ReactNode; children: ReactNode }) {
  useTitle(title);
  return (
    <Center mih="100vh" p="md" component="main" bg="light-dark(var(--mantine-color-gray-0), var(--mantine-color-dark-8))">
      <Paper withBorder shadow="sm" radius="md" p="xl" w="100%" maw={440}>
        <Stack gap="md">
          <div>
            <Text c="dimmed" size="sm" fw={600}>
              Parley
            </Text>
            <Title order={1} size="h2">
              {title}
            </Title>
          </div>
          {intro ? <Text size="sm">{intro}</Text> : null}
          {children}
        </Stack>
      </Paper>
    </Center>
  );
}

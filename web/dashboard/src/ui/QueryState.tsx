import { Alert, Center, Loader } from '@mantine/core';
import { IconAlertCircle, IconLock } from '@tabler/icons-react';
import { ApiError } from '../api/client';

export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <Center py="xl">
      <Loader aria-label={label} />
    </Center>
  );
}

/** An error from the API as the user should read it: a 403 is "not allowed" with the server's reason. */
export function ErrorAlert({ error, mt = 'sm' }: { error: unknown; mt?: string }) {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ApiError && error.status === 403) {
    return (
      <Alert color="orange" title="Not allowed" icon={<IconLock />} role="alert" mt={mt}>
        {message}
      </Alert>
    );
  }
  const status = error instanceof ApiError ? error.status : undefined;
  // A refused input says which field and why: the title says it is the input, not the server, that went wrong.
  const title = status === 404 ? 'Not found' : status === 400 ? 'Invalid input' : 'Something went wrong';
  return (
    <Alert color="red" title={title} icon={<IconAlertCircle />} role="alert" mt={mt}>
      {message}
    </Alert>
  );
}

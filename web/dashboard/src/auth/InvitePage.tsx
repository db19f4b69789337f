import { Alert, Anchor, Button, Center, Loader, PasswordInput, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { api, ApiError, unwrap } from '../api/client';
import { ErrorAlert } from '../ui/QueryState';
import { AuthCard } from './AuthCard';
import { useSignedIn } from './session';
import { useFormSubmit } from '../ui/useFormSubmit';

/**
 * `/app/invite?token=pit_...`: the link an invite carries. Reads what the invite is for first (the org, the role, the
 * email, whether that email has an account), then creates the account, or joins the existing one, and signs in.
 */
export function InvitePage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const signedIn = useSignedIn();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const info = useQuery({
    queryKey: ['invite-info', token],
    enabled: token !== '',
    queryFn: () => unwrap(api.POST('/auth/invite-info', { body: { token } })),
  });

  const { busy, error, submit } = useFormSubmit(async () => {
    // An existing account keeps its name: the server ignores this one.
    signedIn(await unwrap(api.POST('/auth/accept-invite', { body: { token, name: info.data?.has_account ? '-' : name, password } })));
    setDone(true);
  });

  // Into the organization just joined (an existing account's default may be another one).
  if (done) return <Navigate to={info.data ? `/o/${info.data.org.id}` : '/'} replace />;
  if (!token) {
    return (
      <AuthCard title="Accept your invite">
        <Alert color="orange" title="No invite token" role="alert">
          This address has no token: open the whole link from the invite.
        </Alert>
      </AuthCard>
    );
  }
  if (info.isPending) {
    return (
      <AuthCard title="Accept your invite">
        <Center py="md">
          <Loader size="sm" aria-label="Reading the invite" />
        </Center>
      </AuthCard>
    );
  }
  if (info.error) {
    const gone = info.error instanceof ApiError && info.error.status === 404;
    return (
      <AuthCard title="Accept your invite">
        {gone ? (
          <Alert color="orange" title="This invite link no longer works" role="alert">
            It was already used, revoked, replaced by a newer invite, or it expired. Ask the person who invited you for a new link.
          </Alert>
        ) : (
          <ErrorAlert error={info.error} mt="0" />
        )}
        <Text size="sm">
          Already a member? <Anchor component={Link} to="/" underline="always">Sign in</Anchor>
        </Text>
      </AuthCard>
    );
  }

  const invite = info.data;
  const org = invite.org.name ?? 'the organization';
  return (
    <AuthCard
      title={`Join ${org}`}
      intro={
        <>
          You are invited as <b>{invite.role}</b> with <b>{invite.email}</b>.{' '}
          {invite.has_account ? 'This email already has a Parley account: enter its password to join.' : 'Choose your name and a password.'}
        </>
      }
    >
      <form onSubmit={submit}>
        {/* For password managers: the account this password belongs to. */}
        <input type="email" name="username" autoComplete="username" value={invite.email} readOnly hidden />
        {invite.has_account ? null : <TextInput label="Your name" required autoComplete="name" value={name} onChange={(e) => setName(e.currentTarget.value)} />}
        <PasswordInput
          label={invite.has_account ? 'Your current password' : 'Password'}
          description={invite.has_account ? undefined : 'At least 8 characters'}
          required
          mt="sm"
          minLength={8}
          autoComplete={invite.has_account ? 'current-password' : 'new-password'}
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
        />
        {error ? <ErrorAlert error={error} /> : null}
        <Button type="submit" fullWidth mt="lg" loading={busy}>
          Join {org}
        </Button>
      </form>
    </AuthCard>
  );
}

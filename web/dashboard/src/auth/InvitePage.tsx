import { Alert, Button, PasswordInput, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { ErrorAlert } from '../ui/QueryState';
import { AuthCard } from './AuthCard';
import { useSignedIn } from './session';
import { useFormSubmit } from '../ui/useFormSubmit';

/** `/app/invite?token=pit_...`: the link an invite carries. Creates the account (or joins an existing one) and signs in. */
export function InvitePage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const signedIn = useSignedIn();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);

  const { busy, error, submit } = useFormSubmit(async () => {
    signedIn(await unwrap(api.POST('/auth/accept-invite', { body: { token, name, password } })));
    setDone(true);
  });

  if (done) return <Navigate to="/" replace />;
  return (
    <AuthCard
      title="Accept your invite"
      intro="Choose your name and a password. If this email already has a Parley account, enter its current password instead."
    >
      {token ? null : (
        <Alert color="orange" title="No invite token" role="alert">
          This address has no token: open the whole link from the invite.
        </Alert>
      )}
      <form onSubmit={submit}>
        <TextInput label="Your name" required autoComplete="name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <PasswordInput label="Password" description="At least 8 characters" required mt="sm" minLength={8} autoComplete="new-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
        {error ? <ErrorAlert error={error} /> : null}
        <Button type="submit" fullWidth mt="lg" loading={busy} disabled={!token}>
          Join
        </Button>
      </form>
    </AuthCard>
  );
}

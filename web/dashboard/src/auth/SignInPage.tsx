import { Button, PasswordInput, TextInput } from '@mantine/core';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { ErrorAlert } from '../ui/QueryState';
import { AuthCard } from './AuthCard';
import { useSignedIn } from './session';
import { useFormSubmit } from '../ui/useFormSubmit';

export function SignInPage() {
  const signedIn = useSignedIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const { busy, error, submit } = useFormSubmit(async () => {
    signedIn(await unwrap(api.POST('/auth/sign-in', { body: { email, password } })));
  });

  return (
    <AuthCard title="Sign in" intro="New to this team? Open the invite link an admin sent you.">
      <form onSubmit={submit}>
        <TextInput label="Email" type="email" required autoComplete="username" value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
        <PasswordInput label="Password" required mt="sm" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
        {error ? <ErrorAlert error={error} /> : null}
        <Button type="submit" fullWidth mt="lg" loading={busy}>
          Sign in
        </Button>
      </form>
    </AuthCard>
  );
}

import { Button, Code, PasswordInput, TextInput } from '@mantine/core';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { ErrorAlert } from '../ui/QueryState';
import { AuthCard } from './AuthCard';
import { useSignedIn } from './session';
import { useFormSubmit } from '../ui/useFormSubmit';

/** First run: the instance has no user yet; whoever holds the admin key printed at first start becomes its owner. */
export function SetupPage() {
  const signedIn = useSignedIn();
  const [form, setForm] = useState({ admin_key: '', name: '', email: '', password: '' });
  const field = (k: keyof typeof form) => ({ value: form[k], onChange: (e: { currentTarget: { value: string } }) => setForm({ ...form, [k]: e.currentTarget.value }) });

  const { busy, error, submit } = useFormSubmit(async () => {
    signedIn(await unwrap(api.POST('/setup', { body: form })));
  });

  return (
    <AuthCard
      title="Set up Parley"
      intro={
        <>
          Create the owner account. Paste the admin API key that <Code>parley start</Code> printed the first time it ran
          (or the <Code>PARLEY_BOOTSTRAP_KEY</Code> you set).
        </>
      }
    >
      <form onSubmit={submit}>
        <TextInput label="Admin API key" placeholder="apk_..." required autoComplete="off" spellCheck={false} {...field('admin_key')} />
        <TextInput label="Your name" required mt="sm" autoComplete="name" {...field('name')} />
        <TextInput label="Email" type="email" required mt="sm" autoComplete="email" {...field('email')} />
        <PasswordInput label="Password" description="At least 8 characters" required mt="sm" minLength={8} autoComplete="new-password" {...field('password')} />
        {error ? <ErrorAlert error={error} /> : null}
        <Button type="submit" fullWidth mt="lg" loading={busy}>
          Create owner account
        </Button>
      </form>
    </AuthCard>
  );
}

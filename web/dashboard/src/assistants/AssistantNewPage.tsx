import { Button, Group, Paper, Textarea, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, unwrap } from '../api/client';
import { useOrg } from '../shell/orgs';
import { PageHeader } from '../ui/PageHeader';
import { ErrorAlert } from '../ui/QueryState';
import { assistantsKey } from './queries';
import { notify } from '../ui/notify';
import { useFormSubmit } from '../ui/useFormSubmit';

/** The few fields an assistant needs to start; everything else is on its page once it exists. */
export function AssistantNewPage() {
  const { orgId } = useOrg();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [instructions, setInstructions] = useState('');

  const { busy, error, submit } = useFormSubmit(async () => {
    const created = await unwrap(
      api.POST('/orgs/{org_id}/assistants', { params: { path: { org_id: orgId } }, body: { name, config: instructions ? { instructions } : undefined } }),
    );
    await client.invalidateQueries({ queryKey: assistantsKey(orgId) });
    notify(`Created ${created.name}`);
    navigate(`/o/${orgId}/assistants/${created.id}`);
  });

  return (
    <>
      <PageHeader title="New assistant" description="Name it and say how it should answer. Model, language and conversation settings come next." />
      <Paper withBorder p="lg" maw={720}>
        <form onSubmit={submit}>
          <TextInput label="Name" description="Customers see it in the widget." required maxLength={1024} value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Textarea
            label="Instructions"
            description="What the assistant is for and how it answers, in plain words."
            placeholder="You are the support assistant of Acme. Answer briefly and kindly."
            mt="md"
            autosize
            minRows={4}
            maxLength={32000}
            value={instructions}
            onChange={(e) => setInstructions(e.currentTarget.value)}
          />
          {error ? <ErrorAlert error={error} /> : null}
          <Group mt="lg">
            <Button type="submit" loading={busy}>
              Create assistant
            </Button>
            <Button variant="default" component={Link} to={`/o/${orgId}/assistants`}>
              Cancel
            </Button>
          </Group>
        </form>
      </Paper>
    </>
  );
}

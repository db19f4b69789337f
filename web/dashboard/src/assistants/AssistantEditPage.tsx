import { Alert, Button, Fieldset, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, type Schemas, unwrap } from '../api/client';
import { may } from '../auth/permissions';
import { useOrg } from '../shell/orgs';
import { ConfirmButton } from '../ui/ConfirmButton';
import { PageHeader } from '../ui/PageHeader';
import { ErrorAlert, Loading } from '../ui/QueryState';
import { ConversationFields } from './ConversationFields';
import { type Draft, draftOf } from './draft';
import { GeneralFields } from './GeneralFields';
import { assistantsKey, useAssistant } from './queries';
import { SecretKeyCard } from './SecretKeyCard';
import { WidgetFields } from './WidgetFields';
import { EmbedSnippet, WidgetPreview } from './WidgetPreview';
import { notify } from '../ui/notify';

export function AssistantEditPage() {
  const { orgId, org } = useOrg();
  const { assistantId = '' } = useParams();
  const one = useAssistant(orgId, assistantId);
  if (one.isPending) return <Loading label="Loading the assistant" />;
  if (one.error) return <ErrorAlert error={one.error} />;
  // Keyed by the saved version: after a save the form starts again from what the server stored.
  return (
    <Editor
      key={one.data.updated_at}
      assistant={one.data}
      orgId={orgId}
      canManage={may(org?.role, 'assistants:manage')}
    />
  );
}

interface EditorProps {
  assistant: Schemas['Assistant'];
  orgId: string;
  canManage: boolean;
}

function Editor({ assistant, orgId, canManage }: EditorProps) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Draft>(() => draftOf(assistant));
  const [locale, setLocale] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const path = { org_id: orgId, assistant_id: assistant.id };

  const patch = async (body: Schemas['UpdateAssistant']) => {
    const updated = await unwrap(api.PATCH('/orgs/{org_id}/assistants/{assistant_id}', { params: { path }, body }));
    client.setQueryData([...assistantsKey(orgId), assistant.id], updated);
    await client.invalidateQueries({ queryKey: assistantsKey(orgId), exact: true });
    return updated;
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await patch(draft);
      notify('Saved');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    await unwrap(api.DELETE('/orgs/{org_id}/assistants/{assistant_id}', { params: { path } }));
    // Out of the cached list at once: the list page must not show it while it refetches.
    client.setQueryData(assistantsKey(orgId), (list: Schemas['Assistant'][] | undefined) => list?.filter((a) => a.id !== assistant.id));
    client.removeQueries({ queryKey: [...assistantsKey(orgId), assistant.id] });
    void client.invalidateQueries({ queryKey: assistantsKey(orgId) });
    notify(`Deleted ${assistant.name}`);
    navigate(`/o/${orgId}/assistants`);
  };

  return (
    <>
      <PageHeader title={assistant.name} description={`Assistant ${assistant.id}`}>
        {canManage ? (
          <ConfirmButton
            title={`Delete ${assistant.name}?`}
            message="Its widget and API stop answering at once. Its chats stay in the inbox. This cannot be undone."
            confirmLabel="Delete assistant"
            onConfirm={remove}
          >
            Delete
          </ConfirmButton>
        ) : null}
      </PageHeader>
      {canManage ? null : (
        <Alert color="gray" mb="md">
          Your role can see this assistant but not change it.
        </Alert>
      )}
      <form onSubmit={save}>
        <Stack gap="lg" maw={880}>
          <Fieldset legend="General" disabled={!canManage}>
            <GeneralFields draft={draft} set={setDraft} orgId={orgId} />
          </Fieldset>
          <Fieldset legend="Conversations" disabled={!canManage}>
            <ConversationFields draft={draft} set={setDraft} />
          </Fieldset>
          <Fieldset legend="Widget" disabled={!canManage}>
            <WidgetFields draft={draft} set={setDraft} hasSecretKey={!!assistant.secret_key} />
          </Fieldset>
          {error && !canManage ? <ErrorAlert error={error} /> : null}
          {canManage ? (
            <Paper withBorder p="sm" pos="sticky" bottom={0} style={{ zIndex: 2 }}>
              {/* In the bar that stays in view, beside the Save that caused it: below the form, it was out of sight. */}
              {error ? <ErrorAlert error={error} mt="0" /> : null}
              <Group justify="flex-end" mt={error ? 'sm' : undefined}>
                <Button variant="default" onClick={() => {
                    setDraft(draftOf(assistant));
                    setError(null);
                  }} disabled={busy}>
                  Discard changes
                </Button>
                <Button type="submit" loading={busy}>
                  Save
                </Button>
              </Group>
            </Paper>
          ) : null}
        </Stack>
      </form>
      <Stack maw={880} mt="lg">
        <Fieldset legend="Widget preview and embed code">
          <WidgetPreview assistantId={assistant.id} widget={draft.config.widget} locale={locale} setLocale={setLocale} />
          <Title order={3} size="h5" mt="lg" mb="xs">
            Embed code
          </Title>
          <Text size="sm" c="dimmed" mb="xs">
            Put one of these on your site's pages (the current settings are written as attributes; leave them out to
            use the saved ones). The site's origin must be in the allowed origins.
          </Text>
          <EmbedSnippet assistantId={assistant.id} widget={draft.config.widget} locale={locale} />
        </Fieldset>
        <SecretKeyCard secret={assistant.secret_key} canManage={canManage} onGenerate={() => patch({ generate_secret_key: true })} />
      </Stack>
    </>
  );
}

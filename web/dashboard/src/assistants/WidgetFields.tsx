import { ColorInput, Select, SimpleGrid, Switch, TagsInput } from '@mantine/core';
import type { Draft, Widget } from './draft';

const COLOR = /^#[0-9a-fA-F]{6}$/;

/** The widget's settings as the API has them (config.widget); the page's own attributes can still override the look. */
export function WidgetFields({ draft, set, hasSecretKey }: { draft: Draft; set: (d: Draft) => void; hasSecretKey: boolean }) {
  const w = draft.config.widget;
  const widget = (patch: Partial<Widget>) => set({ ...draft, config: { ...draft.config, widget: { ...w, ...patch } } });
  return (
    <>
      <Switch
        label="Widget enabled"
        description="Visitors of the sites below can chat with the assistant. Turning it off ends every visitor's session at once."
        checked={w.enabled}
        onChange={(e) => widget({ enabled: e.currentTarget.checked })}
      />
      <TagsInput
        mt="md"
        label="Allowed origins"
        description='The sites that may embed the widget, as scheme, host and port (https://www.example.com). "*" allows any site. Press Enter after each.'
        placeholder="https://www.example.com"
        maxTags={50}
        splitChars={[',', ' ']}
        value={w.allowed_origins}
        onChange={(v) => widget({ allowed_origins: v })}
      />
      <Switch
        mt="md"
        label="Require identity verification"
        description={
          hasSecretKey
            ? 'Only visitors your site vouches for (user id with its HMAC hash) may chat.'
            : 'Only visitors your site vouches for may chat. Needs a secret key: generate one below first.'
        }
        checked={w.require_identity}
        onChange={(e) => widget({ require_identity: e.currentTarget.checked })}
      />
      <SimpleGrid mt="md" cols={{ base: 1, sm: 2 }}>
        <Select
          label="Appearance"
          allowDeselect={false}
          data={[
            { value: 'auto', label: "The visitor's system setting" },
            { value: 'light', label: 'Light' },
            { value: 'dark', label: 'Dark' },
          ]}
          value={w.appearance}
          onChange={(v) => v && widget({ appearance: v as Widget['appearance'] })}
        />
        <Select
          label="Position"
          allowDeselect={false}
          data={[
            { value: 'bottom-right', label: 'Bottom right' },
            { value: 'bottom-left', label: 'Bottom left' },
          ]}
          value={w.position}
          onChange={(v) => v && widget({ position: v as Widget['position'] })}
        />
      </SimpleGrid>
      <SimpleGrid mt="md" cols={{ base: 1, sm: 2 }}>
        <ColorInput
          label="Button background"
          format="hex"
          eyeDropperButtonProps={{ 'aria-label': 'Pick a colour from the screen' }}
          value={w.button_background_color}
          error={COLOR.test(w.button_background_color) ? undefined : 'A colour such as #1f6feb'}
          onChange={(v) => widget({ button_background_color: v })}
        />
        <ColorInput
          label="Button icon and accent text"
          format="hex"
          eyeDropperButtonProps={{ 'aria-label': 'Pick a colour from the screen' }}
          value={w.button_color}
          error={COLOR.test(w.button_color) ? undefined : 'A colour such as #ffffff'}
          onChange={(v) => widget({ button_color: v })}
        />
      </SimpleGrid>
    </>
  );
}

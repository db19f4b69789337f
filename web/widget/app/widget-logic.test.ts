import { describe, expect, it } from 'vitest';
import { readSse, type SseFrame } from './api.ts';
import { isRtl, t } from './strings.ts';

/** A fetch Response whose body arrives in the given chunks (as a network would cut it). */
const chunked = (chunks: string[]) =>
  new Response(
    new ReadableStream({
      start(c) {
        for (const ch of chunks) c.enqueue(new TextEncoder().encode(ch));
        c.close();
      },
    }),
  );

describe('readSse (the widget reads streams from a fetch body)', () => {
  it('joins frames cut anywhere, skips comments, keeps ids, and leaves id undefined on unrecorded frames', async () => {
    const frames: SseFrame[] = [];
    const body = ': connected\n\nid: 1.evt_a\nevent: message.created\ndata: {"a":1}\n\nevent: typing\ndata: {"t":true}\n\r\ndata: line1\ndata: line2\n\n';
    const cuts = [3, 17, 18, 40, 41, 60];
    const parts = cuts.map((c, i) => body.slice(i ? cuts[i - 1] : 0, c)).concat(body.slice(cuts.at(-1)));
    await readSse(chunked(parts), (f) => frames.push(f));
    expect(frames).toEqual([
      { id: '1.evt_a', event: 'message.created', data: '{"a":1}' },
      { event: 'typing', data: '{"t":true}' },
      { data: 'line1\nline2' },
    ]);
  });
});

describe('the widget strings', () => {
  it('has every word in every language it ships, and lays out Arabic and Hebrew right to left', () => {
    const keys = ['open', 'close', 'send', 'typing', 'rate', 'thanks', 'waiting', 'team', 'reconnecting'] as const;
    for (const lang of ['fr', 'es', 'de', 'ar', 'he']) {
      for (const k of keys) {
        expect(t(lang, k), `${lang}.${k}`).not.toBe(t('en', k));
        expect(t(lang, k).length).toBeGreaterThan(0);
      }
      expect(t(lang, 'personTyping', 'Ana')).toContain('Ana');
    }
    expect(t('de-AT', 'send')).toBe('Senden');
    expect(t('pt-BR', 'send')).toBe('Send');
    expect([isRtl('ar'), isRtl('he-IL'), isRtl('fr'), isRtl('en')]).toEqual([true, true, false, false]);
  });
});

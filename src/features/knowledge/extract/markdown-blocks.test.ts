import { describe, expect, it } from 'vitest';
import { parseBlocks, plainText } from './markdown-blocks.ts';

const kinds = (md: string) => parseBlocks(md).map((b) => [b.kind, md.slice(b.start, b.end)]);

describe('parseBlocks', () => {
  it('finds headings (ATX and setext), paragraphs and page markers', () => {
    const md = '# Title #\n\nIntro line one\nline two\n\nSub\n---\n\n<!-- page 7 -->\n\n#hashtag is text';
    expect(kinds(md)).toEqual([
      ['heading', '# Title #'],
      ['paragraph', 'Intro line one\nline two'],
      ['heading', 'Sub\n---'],
      ['page', '<!-- page 7 -->'],
      ['paragraph', '#hashtag is text'],
    ]);
    const [title, , sub, page] = parseBlocks(md);
    expect([title!.level, title!.title, sub!.level, sub!.title, page!.page]).toEqual([1, 'Title', 2, 'Sub', 7]);
  });

  it('keeps a list together: nested items, continuation lines and blank lines between items', () => {
    const list = '- one\n  - nested\n  more of nested\n\n- two\nlazy continuation\n1. numbered';
    expect(kinds(`Before:\n${list}\n\nAfter.`)).toEqual([
      ['paragraph', 'Before:'],
      ['list', list],
      ['paragraph', 'After.'],
    ]);
  });

  it('needs a delimiter row for a table, and ends it at the first line without a pipe', () => {
    expect(kinds('| a | b |\n|---|:-:|\n| 1 | 2 |\nnot a row')).toEqual([
      ['table', '| a | b |\n|---|:-:|\n| 1 | 2 |'],
      ['paragraph', 'not a row'],
    ]);
    expect(kinds('a | b\nc | d')).toEqual([['paragraph', 'a | b\nc | d']]);
  });

  it('keeps fenced code whole, headings and blank lines inside included; an unclosed fence runs to the end', () => {
    expect(kinds('~~~\n# not heading\n\n- not list\n~~~\ntext')).toEqual([
      ['code', '~~~\n# not heading\n\n- not list\n~~~'],
      ['paragraph', 'text'],
    ]);
    expect(kinds('```js\nlet a;\n\nlet b;')).toEqual([['code', '```js\nlet a;\n\nlet b;']]);
  });

  it('groups quote lines and drops thematic breaks', () => {
    expect(kinds('> quoted\n> more\n\n***\n\nend')).toEqual([
      ['quote', '> quoted\n> more'],
      ['paragraph', 'end'],
    ]);
  });
});

describe('plainText', () => {
  it('reduces inline Markdown to what a reader sees', () => {
    expect(plainText('**Refunds** and [returns](https://x.test) for `v2` \\#1 _now_')).toBe('Refunds and returns for v2 #1 now');
  });
});

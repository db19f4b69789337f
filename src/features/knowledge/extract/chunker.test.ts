import { describe, expect, it } from 'vitest';
import { countTokens } from '../../../llm/tokens.ts';
import { type Chunk, chunkMarkdown, chunkMarkdownCooperatively } from './chunker.ts';
import { pageMarker } from './page-marker.ts';
import { hasLongRun } from './split-text.ts';

const sentence = (i: number) => `Fact number ${i} says the plan includes ${i * 3} seats and ${i} projects.`;
const paragraph = (from: number, count: number) => Array.from({ length: count }, (_, k) => sentence(from + k)).join(' ');
const firstLine = (text: string) => text.split('\n')[0]!;

/** The invariants every chunking must hold. */
function expectWellFormed(md: string, chunks: Chunk[], maxTokens: number) {
  chunks.forEach((c, i) => {
    expect(c.index).toBe(i);
    expect(c.tokens).toBe(countTokens(c.text));
    expect(c.tokens).toBeLessThanOrEqual(maxTokens);
    expect(c.text).toBe(c.text.trim());
    expect(c.charStart).toBeLessThan(c.charEnd);
  });
}

describe('chunkMarkdown: structure', () => {
  const md = [
    'Welcome to the help center.',
    '# Pricing',
    'Plans are billed monthly.',
    '## Refunds',
    'Refunds take 14 days.',
    '### By card',
    'Card refunds go back to the card.',
    '## Taxes *and* [fees](https://acme.test/fees)',
    'Prices exclude VAT.',
    '```md\n# not a heading\n```',
    'Shipping\n========',
    'We ship worldwide.',
  ].join('\n\n');
  const chunks = chunkMarkdown(md, { maxTokens: 200, overlapTokens: 20 });

  it('records the heading path of every section, and keeps headings out of the text', () => {
    expect(chunks.map((c) => [c.headingPath, c.text])).toEqual([
      [[], 'Welcome to the help center.'],
      [['Pricing'], 'Plans are billed monthly.'],
      [['Pricing', 'Refunds'], 'Refunds take 14 days.'],
      [['Pricing', 'Refunds', 'By card'], 'Card refunds go back to the card.'],
      [['Pricing', 'Taxes and fees'], 'Prices exclude VAT.\n\n```md\n# not a heading\n```'],
      [['Shipping'], 'We ship worldwide.'],
    ]);
    expectWellFormed(md, chunks, 200);
  });

  it('gives offsets at which the chunk text is found in the input', () => {
    for (const c of chunks) expect(md.slice(c.charStart, c.charEnd)).toBe(c.text);
  });

  it('skips front matter and reads CRLF documents with the same offsets', () => {
    const crlf = '---\r\ntitle: FAQ\r\n---\r\n# Billing\r\n\r\nWe bill monthly.\r\nInvoices are emailed.\r\n';
    const [only, ...rest] = chunkMarkdown(crlf, { maxTokens: 50, overlapTokens: 0 });
    expect(rest).toEqual([]);
    expect(only!.headingPath).toEqual(['Billing']);
    expect(only!.text).toBe('We bill monthly.\r\nInvoices are emailed.');
    expect(crlf.slice(only!.charStart, only!.charEnd)).toBe(only!.text);
  });

  it('returns nothing for an empty or heading-only document', () => {
    expect(chunkMarkdown('', { maxTokens: 50, overlapTokens: 0 })).toEqual([]);
    expect(chunkMarkdown('# Title\n\n## Sub', { maxTokens: 50, overlapTokens: 0 })).toEqual([]);
  });

  it('rejects options that cannot work', () => {
    expect(() => chunkMarkdown('x', { maxTokens: 0, overlapTokens: 0 })).toThrow(RangeError);
    expect(() => chunkMarkdown('x', { maxTokens: 10, overlapTokens: 10 })).toThrow(RangeError);
  });
});

describe('chunkMarkdown: budget and boundaries', () => {
  it('keeps paragraphs and lists whole when they fit, starting a new chunk rather than splitting them', () => {
    const list = Array.from({ length: 5 }, (_, i) => `- Step ${i + 1}: open the settings page and choose option ${i + 1}.`).join('\n');
    const md = `# Setup\n\n${paragraph(0, 3)}\n\n${list}\n\n${paragraph(10, 2)}`;
    const max = countTokens(list) + 5;
    const chunks = chunkMarkdown(md, { maxTokens: max, overlapTokens: 0 });
    expectWellFormed(md, chunks, max);
    expect(chunks.filter((c) => c.text.includes(list))).toHaveLength(1);
    expect(chunks.filter((c) => c.text.includes(paragraph(0, 3)))).toHaveLength(1);
    expect(chunks.some((c) => c.text.includes(paragraph(10, 2)))).toBe(true);
  });

  it('splits an oversized paragraph between sentences, never inside one that fits', () => {
    const md = `# Plans\n\n${paragraph(0, 40)}`;
    const chunks = chunkMarkdown(md, { maxTokens: 60, overlapTokens: 0 });
    expectWellFormed(md, chunks, 60);
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) {
      expect(c.text).toMatch(/^Fact number \d+/);
      expect(c.text).toMatch(/projects\.$/);
    }
    expect(chunks.map((c) => c.text).join(' ')).toBe(paragraph(0, 40));
  });

  it('splits between list items when a whole list does not fit', () => {
    const items = Array.from({ length: 30 }, (_, i) => `- Item ${i}: ${sentence(i)}\n  - detail of item ${i}`);
    const md = items.join('\n');
    const chunks = chunkMarkdown(md, { maxTokens: 80, overlapTokens: 0 });
    expectWellFormed(md, chunks, 80);
    for (const c of chunks) expect(c.text).toMatch(/^- Item \d+:[^]*detail of item \d+$/);
  });

  it('splits text without sentence ends only between words', () => {
    const words = Array.from({ length: 3000 }, (_, i) => `word${i}`).join(' ');
    const chunks = chunkMarkdown(words, { maxTokens: 100, overlapTokens: 0 });
    expectWellFormed(words, chunks, 100);
    for (const c of chunks) {
      expect(words[c.charStart - 1] ?? ' ').toBe(' ');
      expect(words[c.charEnd] ?? ' ').toBe(' ');
    }
    expect(chunks.map((c) => c.text).join(' ')).toBe(words);
  });

  it('cuts a single "word" longer than the budget, as the only way to bound it', () => {
    const blob = 'QUJD'.repeat(2000);
    const md = `Key: ${blob} end.`;
    const chunks = chunkMarkdown(md, { maxTokens: 100, overlapTokens: 0 });
    expectWellFormed(md, chunks, 100);
    expect(chunks.map((c) => c.text).join('').replace(/\s/g, '')).toBe(`Key:${blob}end.`);
  });
});

describe('chunkMarkdown: pathological runs', () => {
  it('detects runs that would make BPE slow, and only those', () => {
    expect(hasLongRun('a'.repeat(511))).toBe(false);
    expect(hasLongRun(`${'a'.repeat(400)} ${'b'.repeat(400)}`)).toBe(false);
    expect(hasLongRun(`${'a'.repeat(400)}1${'b'.repeat(400)}`)).toBe(false);
    expect(hasLongRun(`x ${'='.repeat(512)}`)).toBe(true);
  });

  it('chunks a 300k-letter run without tokenizing it whole (BPE is quadratic in a run’s length)', () => {
    let x = 1;
    const run = Array.from({ length: 300_000 }, () => 'abcdefghijklmnopqrstuvwxyz'[(x = (x * 48271) % 2147483647) % 26]).join('');
    const md = `# Dump\n\nBefore. ${run} After.`;
    const chunks = chunkMarkdown(md, { maxTokens: 400, overlapTokens: 50 });
    expectWellFormed(md, chunks, 400);
    expect(chunks.map((c) => c.text).join('').replace(/Before\. |After\./g, '')).toContain(run.slice(0, 5000));
  });
});

describe('chunkMarkdown: overlap', () => {
  const md = `# Billing\n\n${paragraph(0, 30)}\n\n# Shipping\n\n${paragraph(100, 30)}`;
  const opts = { maxTokens: 80, overlapTokens: 25 };
  const chunks = chunkMarkdown(md, opts);

  it('repeats trailing whole sentences of the previous chunk in the same section', () => {
    expectWellFormed(md, chunks, opts.maxTokens);
    let carried = 0;
    for (let i = 1; i < chunks.length; i++) {
      const [prev, next] = [chunks[i - 1]!, chunks[i]!];
      if (prev.headingPath.join() !== next.headingPath.join()) continue;
      const repeated = md.slice(next.charStart, prev.charEnd);
      expect(next.charStart).toBeLessThan(prev.charEnd);
      expect(prev.text.endsWith(repeated)).toBe(true);
      expect(next.text.startsWith(repeated)).toBe(true);
      expect(repeated).toMatch(/^Fact number \d+/); // a sentence start
      expect(countTokens(repeated)).toBeLessThanOrEqual(opts.overlapTokens);
      carried++;
    }
    expect(carried).toBeGreaterThan(5);
  });

  it('carries nothing across a heading', () => {
    const first = chunks.find((c) => c.headingPath[0] === 'Shipping')!;
    expect(first.text.startsWith(sentence(100))).toBe(true);
  });

  it('carries nothing when overlapTokens is 0', () => {
    const plain = chunkMarkdown(md, { maxTokens: 80, overlapTokens: 0 });
    for (let i = 1; i < plain.length; i++) expect(plain[i]!.charStart).toBeGreaterThanOrEqual(plain[i - 1]!.charEnd);
  });
});

describe('chunkMarkdown: tables and code', () => {
  const header = '| Plan | Price | Seats |\n| --- | ---: | --- |';
  const rows = Array.from({ length: 40 }, (_, i) => `| Plan ${i} | $${i * 10} | ${i + 1} |`);
  const table = `${header}\n${rows.join('\n')}`;

  it('keeps a table that fits in one chunk', () => {
    const md = `# Prices\n\nIntro.\n\n${table}`;
    const chunks = chunkMarkdown(md, { maxTokens: countTokens(table) + 2, overlapTokens: 10 });
    expect(chunks.filter((c) => c.text.includes(table))).toHaveLength(1);
  });

  it('splits a large table by rows and repeats the header row in every piece', () => {
    const md = `# Prices\n\n${table}\n\nAfter the table.`;
    const chunks = chunkMarkdown(md, { maxTokens: 70, overlapTokens: 10 });
    expectWellFormed(md, chunks, 70);
    const pieces = chunks.filter((c) => c.text.includes('| Plan '));
    expect(pieces.length).toBeGreaterThan(3);
    const seen: string[] = [];
    for (const c of pieces) {
      expect(c.text.startsWith(`${header}\n| Plan `)).toBe(true);
      // The range starts at the piece's first own row (the repeated header is not part of it).
      const firstRow = c.text.split('\n')[c.charStart === md.indexOf(header) ? 0 : 2]!;
      expect(md.startsWith(firstRow, c.charStart)).toBe(true);
      seen.push(...c.text.split('\n').filter((l) => /^\| Plan \d/.test(l)));
    }
    expect(seen).toEqual(rows); // every row once, in order: no overlap inside tables
  });

  it('splits a long code block by lines and re-fences every piece', () => {
    const code = Array.from({ length: 60 }, (_, i) => `    total += price(${i}); // line ${i}`).join('\n');
    const md = `Example:\n\n\`\`\`ts\n${code}\n\`\`\``;
    const chunks = chunkMarkdown(md, { maxTokens: 80, overlapTokens: 10 });
    expectWellFormed(md, chunks, 80);
    const pieces = chunks.filter((c) => c.text.includes('total +='));
    expect(pieces.length).toBeGreaterThan(3);
    for (const c of pieces) expect(c.text).toMatch(/```ts\n {4}total[^]*\n```$/);
    expect(pieces.flatMap((c) => c.text.split('\n').filter((l) => l.includes('total +=')))).toEqual(code.split('\n'));
  });
});

describe('chunkMarkdown: pages, determinism, size', () => {
  it('records the page each chunk starts on from page markers', () => {
    const md = [pageMarker(1), paragraph(0, 6), pageMarker(2), paragraph(20, 6), pageMarker(3), '# Appendix', 'Last page.'].join('\n\n');
    const chunks = chunkMarkdown(md, { maxTokens: 60, overlapTokens: 0 });
    expectWellFormed(md, chunks, 60);
    const pageOf = (text: string) => chunks.find((c) => c.text.startsWith(text))?.page;
    expect(pageOf(sentence(0))).toBe(1);
    expect(pageOf(sentence(20))).toBe(2);
    expect(pageOf('Last page.')).toBe(3);
    expect(chunks.some((c) => c.text.includes('<!--'))).toBe(false);
    for (const c of chunks) expect(md.startsWith(firstLine(c.text), c.charStart)).toBe(true);
  });

  it('leaves page undefined without markers', () => {
    expect(chunkMarkdown('Just text.', { maxTokens: 50, overlapTokens: 0 })[0]!.page).toBeUndefined();
  });

  it('is deterministic', () => {
    const md = `# A\n\n${paragraph(0, 50)}\n\n## B\n\n- x\n- y\n\n| a | b |\n| - | - |\n| 1 | 2 |`;
    const opts = { maxTokens: 64, overlapTokens: 16 };
    expect(chunkMarkdown(md, opts)).toEqual(chunkMarkdown(md, opts));
  });

  it('chunks about 2 MB of mixed Markdown in one pass', () => {
    const parts: string[] = [];
    let size = 0;
    for (let i = 0; size < 2_000_000; i++) {
      const part = [
        `## Topic ${i}`,
        paragraph(i, 1 + (i % 7)),
        `- first point ${i}\n- second point\n- third point`,
        i % 5 === 0 ? `| k | v |\n| --- | --- |\n${Array.from({ length: 30 }, (_, r) => `| key ${r} | value ${r * i} |`).join('\n')}` : '',
        i % 9 === 0 ? `\`\`\`\nconst topic = ${i};\n\`\`\`` : '',
      ].join('\n\n');
      parts.push(part);
      size += part.length;
    }
    const md = parts.join('\n\n');
    const opts = { maxTokens: 400, overlapTokens: 50 };
    const chunks = chunkMarkdown(md, opts);
    const total = countTokens(md);
    // Every section is at least one chunk; a full chunk holds at most maxTokens.
    expect(chunks.length).toBeGreaterThanOrEqual(Math.max(parts.length, total / opts.maxTokens));
    expect(chunks.length).toBeLessThan(parts.length * 3);
    expect(Math.max(...chunks.map((c) => c.tokens))).toBeLessThanOrEqual(opts.maxTokens);
    expect(chunks.at(-1)!.charEnd).toBeGreaterThan(md.length - 200);
  });
});

describe('chunkMarkdown: invariants on generated documents', () => {
  // A seeded generator of everything at once: sections, nested lists, wide tables, unclosed fences,
  // page markers, CRLF, abbreviations, CJK, URLs and blobs longer than the budget.
  let seed = 11;
  const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const words = ['refund', 'the', 'plan', 'e.g.', 'Dr.', '€10', '数据', 'naïve', 'x|y', '`code`', '**bold**', 'https://acme.test/a?b=c', 'QUJD'.repeat(12)];
  const text = () => Array.from({ length: 1 + rnd(25) }, () => words[rnd(words.length)]).join(' ') + ['.', '!', '', '。'][rnd(4)];
  const block = () =>
    [
      () => `${'#'.repeat(1 + rnd(6))} ${text()}`,
      () => Array.from({ length: 1 + rnd(8) }, () => `${rnd(2) ? '-' : '1.'} ${text()}${rnd(3) ? '' : `\n  - ${text()}`}`).join('\n'),
      () => `| a | b |\n| --- | --- |\n${Array.from({ length: 1 + rnd(30) }, () => `| ${text()} | ${text()} |`).join('\n')}`,
      () => '```\n' + Array.from({ length: 1 + rnd(30) }, () => `  ${text()}`).join('\n') + (rnd(4) ? '\n```' : ''),
      () => pageMarker(1 + rnd(9)),
      () => `> ${text()}\n> ${text()}`,
      () => Array.from({ length: 1 + rnd(12) }, text).join(rnd(3) ? ' ' : '\n'),
    ][rnd(7)]!();

  it('never exceeds maxTokens, counts exactly and starts each chunk where its range starts', () => {
    // Thousands of chunks: violations are collected and asserted once (an expect per chunk is slow).
    const violations: string[] = [];
    for (let d = 0; d < 80; d++) {
      const md = Array.from({ length: 1 + rnd(25) }, block).join(rnd(5) ? '\n\n' : '\r\n\r\n');
      const maxTokens = [12, 20, 30, 80, 300][rnd(5)]!;
      const chunks = chunkMarkdown(md, { maxTokens, overlapTokens: rnd(Math.min(maxTokens, 40)) });
      chunks.forEach((c, i) => {
        const line = firstLine(c.text);
        const problem =
          c.index !== i ? 'index' :
          c.tokens !== countTokens(c.text) ? 'token count' :
          c.tokens > maxTokens ? `over ${maxTokens}` :
          !(c.charStart < c.charEnd) ? 'empty range' :
          // Split tables and code blocks start with their repeated header or fence.
          !/^(\||```)/.test(line) && !md.startsWith(line, c.charStart) ? 'start' : undefined;
        if (problem) violations.push(`doc ${d} chunk ${i}: ${problem}: ${JSON.stringify(c.text.slice(0, 60))}`);
      });
    }
    expect(violations).toEqual([]);
  });
});

describe('chunkMarkdownCooperatively', () => {
  it('makes the same chunks while letting the event loop run between slices', async () => {
    // Large enough to take many 4 ms slices even with warm token counts (a few ms per 50 KB; this is about 1 MB).
    const md = Array.from({ length: 1200 }, (_, s) => `## Section ${s}\n\n${paragraph(s * 40, 12)}\n\n- ${sentence(s)}\n- ${sentence(s + 1)}`).join('\n\n');
    const expected = chunkMarkdown(md, { maxTokens: 120, overlapTokens: 20 });
    let turns = 0;
    const tick = setInterval(() => turns++, 0);
    const chunks = await chunkMarkdownCooperatively(md, { maxTokens: 120, overlapTokens: 20 });
    clearInterval(tick);
    expect(chunks).toEqual(expected);
    expectWellFormed(md, chunks, 120);
    // Timers ran while it chunked (the document takes tens of milliseconds, slices are 4 ms).
    expect(turns).toBeGreaterThan(3);
  });
});

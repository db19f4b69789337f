import { describe, expect, it } from 'vitest';
import { htmlToMarkdown } from './html-to-markdown.ts';

const ARTICLE = [
  'Refunds are issued within 14 days of the request, to the card that paid for the order.',
  'Items must be unused and in their original packaging; opened software cannot be returned.',
  'Start a return from the orders page, print the label, and drop the parcel at any post office.',
].map((s) => `<p>${s} ${s}</p>`);

const PAGE = `<!DOCTYPE html>
<html>
<head>
  <title>Refunds | Acme Help Center</title>
  <meta property="og:title" content="Refunds and returns">
  <style>.x { color: red }</style>
</head>
<body>
  <header><nav>
    <a href="/">Home</a> <a href="/pricing#plans">Pricing</a> <a href="pricing">Pricing again</a>
    <a href="https://status.acme.test/">Status</a> <a href="mailto:help@acme.test">Mail</a> <a href="#top">Top</a>
  </nav></header>
  <main><article>
    <h1>Refunds and returns</h1>
    ${ARTICLE.join('\n')}
    <h2>Fees</h2>
    <table><thead><tr><th>Case</th><th>Fee</th></tr></thead><tbody><tr><td>Unopened</td><td>None</td></tr><tr><td>Opened</td><td>15%</td></tr></tbody></table>
    <p>See the <a href="../terms/">terms</a> for details.</p>
    <pre><code class="language-bash">curl https://api.acme.test/refunds</code></pre>
  </article></main>
  <footer>© 2025 Acme Inc. All rights reserved. <a href="/privacy">Privacy</a></footer>
  <script>console.log('tracking')</script>
</body>
</html>`;

const URL_ = 'https://help.acme.test/en/refunds';

describe('htmlToMarkdown', () => {
  it('keeps the main content and drops navigation, footer, styles and scripts', () => {
    const { markdown } = htmlToMarkdown(PAGE, { url: URL_ });
    expect(markdown).toContain('Refunds are issued within 14 days of the request');
    expect(markdown).toContain('## Fees');
    expect(markdown).toContain('| Case | Fee |\n| --- | --- |\n| Unopened | None |\n| Opened | 15% |');
    expect(markdown).toContain('```bash\ncurl https://api.acme.test/refunds\n```');
    for (const boilerplate of ['Home', 'Status', '© 2025', 'Privacy', 'tracking', 'color: red']) {
      expect(markdown).not.toContain(boilerplate);
    }
  });

  it('writes links in the content as absolute URLs', () => {
    expect(htmlToMarkdown(PAGE, { url: URL_ }).markdown).toContain('See the [terms](https://help.acme.test/terms/) for details.');
  });

  it('lists every http(s) link of the original page, absolute, without fragments, once each', () => {
    expect(htmlToMarkdown(PAGE, { url: URL_ }).links).toEqual([
      'https://help.acme.test/',
      'https://help.acme.test/pricing',
      'https://help.acme.test/en/pricing',
      'https://status.acme.test/',
      'https://help.acme.test/en/refunds',
      'https://help.acme.test/terms/',
      'https://help.acme.test/privacy',
    ]);
  });

  it('resolves links against <base href>', () => {
    const html = '<html><head><base href="/docs/v2/"></head><body><a href="intro">Intro</a></body></html>';
    expect(htmlToMarkdown(html, { url: 'https://acme.test/x/y' }).links).toEqual(['https://acme.test/docs/v2/intro']);
  });

  it('drops relative links it cannot resolve without a URL', () => {
    const html = '<p><a href="/a">a</a> <a href="https://acme.test/b#c">b</a></p>';
    expect(htmlToMarkdown(html).links).toEqual(['https://acme.test/b']);
  });

  it('takes the og:title, then the page title', () => {
    expect(htmlToMarkdown(PAGE).title).toBe('Refunds and returns');
    expect(htmlToMarkdown('<html><head><title> Opening   hours </title></head><body><p>9 to 5</p></body></html>').title).toBe('Opening hours');
  });

  it('converts the whole body when main content is off', () => {
    const { markdown } = htmlToMarkdown(PAGE, { url: URL_, mainContent: false });
    expect(markdown).toContain('[Status](https://status.acme.test/)');
    expect(markdown).toContain('# Refunds and returns');
    expect(markdown).toContain('© 2025 Acme Inc.');
    expect(markdown).not.toContain('tracking');
  });

  it('falls back to the body when Readability finds no article', () => {
    const { markdown } = htmlToMarkdown('<html><body><div>Open 9-5</div></body></html>');
    expect(markdown).toBe('Open 9-5');
  });

  it('handles fragments without <html>, <head> or <body>', () => {
    const { title, markdown } = htmlToMarkdown('<title>Hours</title><h2>Opening hours</h2><ul><li>Mon: 9-5</li><li>Sat: <del>9-1</del> closed</li></ul>', { mainContent: false });
    expect(title).toBe('Hours');
    expect(markdown).toBe('## Opening hours\n\n- Mon: 9-5\n- Sat: ~9-1~ closed');
  });

  it('turns layout tables into plain blocks and keeps a header-less data table as a GFM table', () => {
    const html = '<table><tr><td><p>Welcome to Acme.</p></td></tr></table><table><tr><td>Size</td><td>Stock</td></tr><tr><td>M</td><td>3 | 4</td></tr></table>';
    const { markdown } = htmlToMarkdown(html, { mainContent: false });
    expect(markdown).toBe('Welcome to Acme.\n\n| Size | Stock |\n| --- | --- |\n| M | 3 \\| 4 |');
  });

  it('drops images, including links that only wrap an image', () => {
    const { markdown } = htmlToMarkdown('<p>Logo: <a href="https://acme.test/"><img src="logo.png" alt="Acme"></a><img src="data:image/png;base64,AAAA">end</p>', { mainContent: false });
    expect(markdown).toBe('Logo: end');
  });
});

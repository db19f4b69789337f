#!/usr/bin/env node
// Builds the web widget into dist/widget/ (git-ignored): the loader widget.js (stable URL) and the content-hashed app
// bundle it loads, plus manifest.json with their gzipped sizes. Runs before `npm start` and `npm test`; about a second.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '../../dist/widget');
export const BUDGET = { loader: 5 * 1024, total: 40 * 1024 };

// CSS is bundled into the app as a minified string and put into the shadow root (no separate request, no leak).
const cssText = {
  name: 'css-text',
  setup(b) {
    b.onLoad({ filter: /\.css$/ }, async (args) => {
      const { code } = await esbuild.transform(readFileSync(args.path, 'utf8'), { loader: 'css', minify: true });
      return { contents: `export default ${JSON.stringify(code.trim())};`, loader: 'js' };
    });
  },
};

const common = { bundle: true, minify: true, format: 'iife', target: ['es2020'], legalComments: 'none', logLevel: 'warning' };

export async function buildWidget({ quiet = false } = {}) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(path.join(out, 'assets'), { recursive: true });
  const app = await esbuild.build({
    ...common,
    entryPoints: { app: path.join(here, 'app/main.tsx') },
    outdir: path.join(out, 'assets'),
    entryNames: '[name]-[hash]',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    plugins: [cssText],
    metafile: true,
  });
  const appFile = path.basename(Object.keys(app.metafile.outputs).find((f) => f.endsWith('.js')));
  await esbuild.build({
    ...common,
    entryPoints: [path.join(here, 'loader.ts')],
    outfile: path.join(out, 'widget.js'),
    define: { __APP__: JSON.stringify(`widget/assets/${appFile}`) },
  });
  const gz = (rel) => gzipSync(readFileSync(path.join(out, rel)), { level: 9 }).length;
  const files = { 'widget.js': gz('widget.js'), [`assets/${appFile}`]: gz(`assets/${appFile}`) };
  const sizes = { loader: files['widget.js'], total: Object.values(files).reduce((a, b) => a + b, 0) };
  const manifest = { loader: 'widget.js', app: appFile, assets: [appFile], gzip: files, sizes, budget: BUDGET };
  writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2));
  if (!quiet) {
    const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
    process.stdout.write(`widget built in dist/widget: loader ${kb(sizes.loader)} gzipped (budget ${kb(BUDGET.loader)}), loader + app ${kb(sizes.total)} gzipped (budget ${kb(BUDGET.total)})\n`);
  }
  return manifest;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const m = await buildWidget();
  if (m.sizes.loader > BUDGET.loader || m.sizes.total > BUDGET.total) {
    process.stderr.write('widget over its size budget\n');
    process.exit(1);
  }
}

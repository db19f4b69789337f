#!/usr/bin/env node
// Builds the dashboard into dist/dashboard/ (git-ignored): regenerates the typed API client from `parley openapi`,
// type-checks the app against it (a type error fails the build), bundles it with Vite under the base /app/, and
// writes manifest.json with the gzipped sizes. Runs before `npm start` and `npm test`. When nothing it reads has
// changed since the last build (a hash of its inputs in dist/dashboard/.stamp), it stops after hashing: a start
// stays quick.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const out = path.join(root, 'dist/dashboard');
const stampFile = path.join(out, '.stamp');
/** The inputs hash at which the app last type-checked against the API (see buildDashboard). */
const checkedFile = path.join(out, '.typechecked');

/** Every file whose change can change the build: the server's sources (the API's types), the app, the lockfile. */
function inputsHash() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!name.endsWith('.test.ts')) hash.update(`${path.relative(root, p)}\0`).update(readFileSync(p));
    }
  };
  for (const dir of ['src', 'web/dashboard']) walk(path.join(root, dir));
  for (const file of ['package-lock.json', 'scripts/openapi-types.mjs']) if (existsSync(path.join(root, file))) hash.update(readFileSync(path.join(root, file)));
  return hash.digest('hex');
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const report = (m, note = '') =>
  process.stdout.write(
    `dashboard ${note || 'built'} (dist/dashboard): JavaScript ${kb(m.sizes.js)} gzipped in all, ${kb(m.sizes.first_load_js)} of it on the first load (CSS ${kb(m.sizes.css)})\n`,
  );

/**
 * `typecheck`: also regenerate the API client's types and type-check the app against them. `npm test` does (a change
 * of the API that the dashboard does not follow fails it); `npm start` does not, as the bundle does not need it: a
 * first start then bundles in seconds instead of ~25 s. The stamps remember both, so a test run after a start type-checks then.
 */
export async function buildDashboard({ force = false, typecheck = true } = {}) {
  const stamp = inputsHash();
  const manifestFile = path.join(out, 'manifest.json');
  const bundled = !force && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && existsSync(manifestFile);
  const checked = !force && existsSync(checkedFile) && readFileSync(checkedFile, 'utf8') === stamp;
  if (bundled && (checked || !typecheck)) {
    const m = JSON.parse(readFileSync(manifestFile, 'utf8'));
    report(m, 'up to date');
    return m;
  }
  // The one slow step of a first start (or of the first after an update): say so rather than sit silent.
  const started = Date.now();
  process.stdout.write(
    bundled
      ? 'dashboard: type-checking against the API (tsc -p web/dashboard)...\n'
      : `dashboard: building (${typecheck ? 'type-check and bundle; 20-40 s' : 'bundle; a few seconds'} on a small machine, only when its sources changed)...\n`,
  );
  if (typecheck && !checked) {
    const { generateOpenApiTypes } = await import('../../scripts/openapi-types.mjs');
    await generateOpenApiTypes();
    const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'web/dashboard'], { cwd: root, stdio: 'inherit' });
    if (tsc.status !== 0) throw new Error('the dashboard does not type-check against the API (tsc -p web/dashboard)');
    if (bundled) {
      writeFileSync(checkedFile, stamp);
      const m = JSON.parse(readFileSync(manifestFile, 'utf8'));
      report(m, `type-checked in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      return m;
    }
  }
  const { build } = await import('vite');
  const { default: react } = await import('@vitejs/plugin-react');
  await build({
    configFile: false,
    root: here,
    base: '/app/',
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir: out, emptyOutDir: true, assetsDir: 'assets', chunkSizeWarningLimit: 2048 },
  });
  const assets = readdirSync(path.join(out, 'assets'));
  const gz = (f) => gzipSync(readFileSync(path.join(out, 'assets', f)), { level: 9 }).length;
  const sum = (ext) => assets.filter((f) => f.endsWith(ext)).reduce((a, f) => a + gz(f), 0);
  // The first load is what index.html names (the entry and the chunks it preloads); each screen's chunk comes later.
  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  const named = [...html.matchAll(/\/app\/assets\/([\w.-]+\.js)/g)].map((m) => m[1]);
  const firstLoad = [...new Set(named)].reduce((a, f) => a + gz(f), 0);
  const manifest = { assets, sizes: { js: sum('.js'), first_load_js: firstLoad, css: sum('.css') } };
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  writeFileSync(stampFile, stamp);
  if (typecheck) writeFileSync(checkedFile, stamp);
  report(manifest, `built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return manifest;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await buildDashboard({ force: process.argv.includes('--force'), typecheck: !process.argv.includes('--no-typecheck') });
  } catch (e) {
    process.stderr.write(`dashboard build failed: ${e.message}\n`);
    process.exit(1);
  }
}

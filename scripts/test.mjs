#!/usr/bin/env node
// `npm test`: type-check, import rules, then every test (unit once; the HTTP suite on PGlite and on a real
// PostgreSQL server that the suite starts itself). Ends with one "tests: N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : '1' } });
const step = (title) => process.stdout.write(`\n== ${title}\n`);

/** The browser tests drive Debian's chromium; a new machine (or CI's) gets it here, as the suite starts its own PostgreSQL. */
function ensureChromium() {
  const bin = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
  if (existsSync(bin)) return process.stdout.write(`found ${bin}\n`);
  if (process.getuid?.() !== 0) {
    process.stdout.write(`${bin} is missing and this is not root: install it with \`sudo apt-get install -y chromium\` (the e2e tests will fail without it)\n`);
    return;
  }
  process.stdout.write(`${bin} is missing: apt-get update && apt-get install -y chromium (a minute or two)\n`);
  const update = run('apt-get', ['update']);
  const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }) : update;
  process.stdout.write(install.status === 0 && existsSync(bin) ? `installed ${bin}\n` : 'chromium could not be installed: the e2e tests will fail\n');
}

step('server build (scripts/server-build.mjs: src/ -> dist/server, one file, as `parley` runs it)');
if (run(process.execPath, ['scripts/server-build.mjs']).status !== 0) {
  process.stdout.write('tests: 0 passed, 1 failed (server build failed)\n');
  process.exit(1);
}

step('web widget build (web/widget/build.mjs -> dist/widget, gzipped sizes)');
if (run(process.execPath, ['web/widget/build.mjs']).status !== 0) {
  process.stdout.write('tests: 0 passed, 1 failed (widget build failed)\n');
  process.exit(1);
}

step('dashboard build (web/dashboard/build.mjs: typed client from `parley openapi`, type-check, Vite -> dist/dashboard)');
if (run(process.execPath, ['web/dashboard/build.mjs']).status !== 0) {
  process.stdout.write('tests: 0 passed, 1 failed (dashboard build failed)\n');
  process.exit(1);
}

step('browser for the e2e tests (Debian chromium)');
ensureChromium();

step('type-check (tsc --noEmit; the widget: tsc -p web/widget; the dashboard against the generated client: tsc -p web/dashboard)');
const tsc = run('npx', ['--no-install', 'tsc', '--noEmit']);
const tscWeb = tsc.status === 0 ? run('npx', ['--no-install', 'tsc', '-p', 'web/widget']) : tsc;
const tscDash = tscWeb.status === 0 ? run('npx', ['--no-install', 'tsc', '-p', 'web/dashboard']) : tscWeb;
if (tsc.status !== 0 || tscWeb.status !== 0 || tscDash.status !== 0) {
  process.stdout.write('tests: 0 passed, 1 failed (type-check failed)\n');
  process.exit(1);
}

step('architecture import rules (dependency-cruiser, .dependency-cruiser.cjs)');
const roots = ['src', 'test', 'bench', 'web', 'e2e'].filter((d) => existsSync(d));
const cruise = run('npx', ['--no-install', 'depcruise', ...roots, '--config', '.dependency-cruiser.cjs']);
if (cruise.status !== 0) {
  process.stdout.write('tests: 0 passed, 1 failed (import rules violated)\n');
  process.exit(1);
}

step('tests (vitest: unit, HTTP on PGlite, HTTP on PostgreSQL)');
mkdirSync('.tmp', { recursive: true });
const report = '.tmp/vitest-report.json';
rmSync(report, { force: true });
const extra = process.argv.slice(2);
const vitest = run('npx', ['--no-install', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra]);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  // A failed test also fails its file: count the tests, or the files when none failed (an import error, a hook).
  failed = r.numFailedTests || (r.numFailedTestSuites ?? 0);
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
} catch {
  failed = Math.max(failed, 1);
}
const status = vitest.status === 0 && failed === 0 && passed > 0 ? 0 : 1;
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(status);

#!/usr/bin/env node
// `npm test`: builds, type-checks, import rules, then every test (unit once; the HTTP suite on PGlite and on a real
// PostgreSQL server that the suite starts itself). Ends with one "tests: N passed, N failed" line.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const env = { ...process.env, FORCE_COLOR: process.env.CI ? '0' : '1' };
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env });
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

// The builds and checks below are independent of each other (each reads the sources; the dashboard's build runs
// `parley openapi` on the server built above and type-checks the dashboard against it): they run two at a time,
// longest first, and each one's output is printed whole, in this order, once all have ended.
function runQuiet(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (out += d));
    child.on('error', (err) => resolve({ status: 1, out: `${out}${err.message}\n` }));
    child.on('close', (status) => resolve({ status, out }));
  });
}
const checks = [
  { title: 'type-check (tsc --noEmit)', failure: 'type-check failed', cmd: ['npx', '--no-install', 'tsc', '--noEmit'] },
  {
    title: 'dashboard build (web/dashboard/build.mjs: typed client from `parley openapi`, type-check against it, Vite -> dist/dashboard)',
    failure: 'dashboard build failed',
    cmd: [process.execPath, 'web/dashboard/build.mjs'],
  },
  { title: 'web widget build (web/widget/build.mjs -> dist/widget, gzipped sizes)', failure: 'widget build failed', cmd: [process.execPath, 'web/widget/build.mjs'] },
  { title: 'type-check of the widget (tsc -p web/widget)', failure: 'type-check failed', cmd: ['npx', '--no-install', 'tsc', '-p', 'web/widget'] },
  {
    title: 'architecture import rules (dependency-cruiser, .dependency-cruiser.cjs)',
    failure: 'import rules violated',
    cmd: ['npx', '--no-install', 'depcruise', ...['src', 'test', 'bench', 'web', 'e2e'].filter((d) => existsSync(d)), '--config', '.dependency-cruiser.cjs'],
  },
];
step(`builds and checks, two at a time: ${checks.length}`);
const results = [];
let next = 0;
const worker = async () => {
  for (let i = next++; i < checks.length; i = next++) {
    const started = performance.now();
    results[i] = await runQuiet(checks[i].cmd[0], checks[i].cmd.slice(1));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(`${results[i].status === 0 ? 'done' : 'FAILED'} in ${seconds} s: ${checks[i].title.replace(/ \(.*/, '')}\n`);
  }
};
await Promise.all([worker(), worker()]);
for (const [i, check] of checks.entries()) {
  step(check.title);
  process.stdout.write(results[i].out);
}
const failedCheck = checks.find((_, i) => results[i].status !== 0);
if (failedCheck) {
  process.stdout.write(`tests: 0 passed, 1 failed (${failedCheck.failure})\n`);
  process.exit(1);
}

step('browser for the e2e tests (Debian chromium)');
ensureChromium();

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

// The server as JavaScript, bundled from src/ by esbuild (one entry file, plus a chunk for each module src/ imports
// lazily), so `parley` runs on plain Node: no TypeScript
// loader in the process (tsx held ~60 MB and spawned an esbuild child of its own), and a CLI command starts in a
// fraction of the time. Third-party packages stay outside the bundle (loaded from node_modules as usual, the lazy
// ones still lazily).
//
// Each build is a folder named by a fingerprint of the sources (every file's path, size and modification time), so a start
// after any change to src/ builds again by itself, and several processes starting at once never read a half-written
// build: each writes its own temporary folder and renames it into place.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');
export const SERVER_BUILD_DIR = path.join(ROOT, 'dist', 'server');
/** Older builds kept beside the newest: a server started from one of them may still be running. */
const KEEP = 3;

/** A hash of what the build reads: the sources (tests excluded) and this script. */
export function fingerprint() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (!entry.name.endsWith('.test.ts')) {
        const s = statSync(file);
        hash.update(`${path.relative(SRC, file)}\0${s.size}\0${s.mtimeMs}\n`);
      }
    }
  };
  walk(SRC);
  const self = statSync(fileURLToPath(import.meta.url));
  hash.update(`build\0${self.size}\0${self.mtimeMs}`);
  return hash.digest('hex').slice(0, 16);
}

/** Builds the server unless the current sources are built already; returns the file to import. */
export async function buildServer({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const dir = path.join(SERVER_BUILD_DIR, fingerprint());
  const entry = path.join(dir, 'cli.mjs');
  if (existsSync(entry)) return entry;
  const started = Date.now();
  const esbuild = await import('esbuild');
  // Written into a folder of this process, renamed into place whole: another process sees all of a build or none.
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  await esbuild.build({
    // The indexing thread's file (src/features/knowledge/extract/index-thread.ts finds it beside cli.mjs).
    entryPoints: { cli: path.join(SRC, 'cli.ts'), 'index-worker': path.join(SRC, 'features/knowledge/extract/index-worker.ts') },
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // What src/ imports lazily (file extractors, the crawler, mail) becomes chunks of its own, loaded when first
    // needed with the packages they import; in one file those imports would all run at start.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    packages: 'external',
    // Readable output: names kept, so a stack trace without source maps still says which function.
    minify: false,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  });
  // esbuild's service is a child process that would otherwise live as long as this one (the server's, when a start
  // rebuilds): ended here, so nothing is left behind.
  await esbuild.stop();
  try {
    renameSync(tmp, dir);
  } catch (err) {
    // Another process built the same sources first: its build is as good as this one.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(entry)) throw err;
  }
  prune(dir);
  log(`parley: built the server from src/ in ${((Date.now() - started) / 1000).toFixed(1)} s (${path.relative(ROOT, entry)})`);
  return entry;
}

/**
 * Removes all but the newest few builds, and the folders of builds that were killed. Best effort: another process
 * may be building or pruning at the same moment, so an entry that vanished (or cannot be removed) is left to it.
 */
function prune(keep) {
  const entries = [];
  for (const name of readdirSync(SERVER_BUILD_DIR)) {
    try {
      entries.push({ dir: path.join(SERVER_BUILD_DIR, name), name, at: statSync(path.join(SERVER_BUILD_DIR, name)).mtimeMs });
    } catch {
      // gone meanwhile
    }
  }
  const builds = entries.filter((e) => /^[0-9a-f]{16}$/.test(e.name)).sort((a, b) => b.at - a.at);
  const hourAgo = Date.now() - 3_600_000;
  const stale = [
    ...builds.slice(KEEP).filter((old) => old.dir !== keep),
    ...entries.filter((e) => (e.name.endsWith('.tmp') || /^parley-/.test(e.name)) && e.at < hourAgo),
  ];
  for (const e of stale) {
    try {
      rmSync(e.dir, { recursive: true, force: true });
    } catch {
      // in use or removed by another process
    }
  }
}

/** The build's URL for `import()`. */
export const serverUrl = (file) => pathToFileURL(file).href;

// `node scripts/server-build.mjs`: build now (npm start runs it before starting; so does npm test).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let built = false;
  const entry = await buildServer({
    log: (line) => {
      built = true;
      process.stdout.write(`${line}\n`);
    },
  });
  if (!built) process.stdout.write(`parley: the server is up to date (${path.relative(ROOT, entry)})\n`);
}

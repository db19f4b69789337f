// The server as one JavaScript file, built from src/ by esbuild, so `parley` runs on plain Node: no TypeScript
// loader in the process (tsx held ~60 MB and spawned an esbuild child of its own), and a CLI command starts in a
// fraction of the time. Third-party packages stay outside the bundle (loaded from node_modules as usual, the lazy
// ones still lazily).
//
// Each build is named by a fingerprint of the sources (every file's path, size and modification time), so a start
// after any change to src/ builds again by itself, and several processes starting at once never read a half-written
// file: each writes its own temporary file and renames it into place.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  const file = path.join(SERVER_BUILD_DIR, `parley-${fingerprint()}.mjs`);
  if (existsSync(file)) return file;
  const started = Date.now();
  const esbuild = await import('esbuild');
  mkdirSync(SERVER_BUILD_DIR, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [path.join(SRC, 'cli.ts')],
    outfile: file,
    write: false,
    bundle: true,
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
  // Each output through a temporary file of this process, renamed into place: the map first, since another
  // process may use the bundle as soon as it is there.
  const outputs = [...result.outputFiles].sort((a) => (a.path.endsWith('.map') ? -1 : 1));
  for (const out of outputs) {
    const tmp = `${out.path}.${process.pid}.tmp`;
    writeFileSync(tmp, out.contents);
    renameSync(tmp, out.path);
  }
  prune(file);
  log(`parley: built the server from src/ in ${((Date.now() - started) / 1000).toFixed(1)} s (${path.relative(ROOT, file)})`);
  return file;
}

/** Removes all but the newest few builds, and temporary files left by a build that was killed. */
function prune(keep) {
  const builds = readdirSync(SERVER_BUILD_DIR)
    .filter((n) => /^parley-[0-9a-f]+\.mjs$/.test(n))
    .map((n) => ({ file: path.join(SERVER_BUILD_DIR, n), at: statSync(path.join(SERVER_BUILD_DIR, n)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const old of builds.slice(KEEP)) {
    if (old.file === keep) continue;
    rmSync(old.file, { force: true });
    rmSync(`${old.file}.map`, { force: true });
  }
  const hourAgo = Date.now() - 3_600_000;
  for (const n of readdirSync(SERVER_BUILD_DIR)) {
    const f = path.join(SERVER_BUILD_DIR, n);
    if (n.endsWith('.tmp') && statSync(f).mtimeMs < hourAgo) rmSync(f, { force: true });
  }
}

/** The build's URL for `import()`. */
export const serverUrl = (file) => pathToFileURL(file).href;

// `node scripts/server-build.mjs`: build now (npm start runs it before starting; so does npm test).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = await buildServer({ log: (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write(`server: ${path.relative(ROOT, file)}, ${(statSync(file).size / 1024).toFixed(0)} KB\n`);
}

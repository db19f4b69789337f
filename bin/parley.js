#!/usr/bin/env node
// Parley runs on Node.js 20.19 or newer (package.json "engines"); say so plainly rather than fail on a syntax error.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`Parley needs Node.js 20.19 or newer; this is Node.js ${process.versions.node}. Install a current LTS from https://nodejs.org.\n`);
  process.exit(1);
}
// Runs the server built from src/ by esbuild (scripts/server-build.mjs): built again by itself, in a fraction of a
// second, whenever src/ changed since the last build. No TypeScript loader stays in the process.
const { buildServer, serverUrl } = await import('../scripts/server-build.mjs');
let entry;
try {
  entry = await buildServer();
} catch (err) {
  // A read-only install (a locked-down container, say) cannot write dist/server: run the sources through tsx, as
  // before the build existed; slower to start and about 60 MB larger, but the same server.
  process.stderr.write(`parley: could not build the server into dist/server (${err.code ?? err.message}); running src/ through tsx instead\n`);
}
if (entry) await import(serverUrl(entry));
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}

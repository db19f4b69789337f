#!/usr/bin/env node
// Parley runs on Node.js 20.19 or newer (package.json "engines"); say so plainly rather than fail on a syntax error.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`Parley needs Node.js 20.19 or newer; this is Node.js ${process.versions.node}. Install a current LTS from https://nodejs.org.\n`);
  process.exit(1);
}
// Runs the TypeScript sources directly through tsx's loader: no build step to forget.
const { register } = await import('tsx/esm/api');

register();
await import('../src/cli.ts');

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's folder (the one holding package.json, migrations/, docs/, dist/), found by walking up from this
 * module: the same answer whether it runs from its TypeScript source in src/ or bundled into dist/server/.
 */
export const ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

function findRoot(start: string): string {
  for (let dir = start; ; ) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'migrations'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`Parley's folder (package.json and migrations/) not found above ${start}`);
    dir = up;
  }
}

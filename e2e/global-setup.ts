// The browser tests load the built widget from the server: build it (about a second) so a bare `vitest run` works too.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export default function setup() {
  const root = path.resolve(import.meta.dirname, '..');
  const res = spawnSync(process.execPath, ['web/widget/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) throw new Error('the widget build failed');
}

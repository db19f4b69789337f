// The browser tests load the built widget and dashboard from the server: build them so a bare `vitest run` works
// too (the widget in about a second; the dashboard only when its inputs changed since the last build).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export default function setup() {
  const root = path.resolve(import.meta.dirname, '..');
  for (const script of ['web/widget/build.mjs', 'web/dashboard/build.mjs']) {
    // vitest sets NODE_ENV=test; inherited, it made Vite bundle React's development build (and the build's stamp then
    // vouched for it to `npm start`).
    const res = spawnSync(process.execPath, [script], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    if (res.status !== 0) throw new Error(`${script} failed`);
  }
}

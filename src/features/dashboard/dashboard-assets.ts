import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from '../../lib/root.ts';

/** Where `web/dashboard/build.mjs` writes the dashboard (git-ignored; built by `npm start` and `npm test`). */
export const DASHBOARD_BUILD_DIR = path.join(ROOT, 'dist/dashboard');

export interface DashboardFile {
  body: Buffer;
  /** Gzipped once at boot: the app is a few hundred KB that browsers all accept gzipped. */
  gzip: Buffer;
}

export interface DashboardBuild {
  /** The app's page (every `/app/...` address that is not a file), or null when the dashboard has not been built. */
  index: DashboardFile | null;
  /** Content-hashed files under `/app/assets/`, by file name. */
  assets: Map<string, DashboardFile>;
}

const file = (body: Buffer): DashboardFile => ({ body, gzip: gzipSync(body) });

/** Reads the built dashboard once, at boot; a missing build is not fatal (its routes answer 404 and say why). */
export function loadDashboardBuild(dir = DASHBOARD_BUILD_DIR): DashboardBuild {
  const assets = new Map<string, DashboardFile>();
  const indexFile = path.join(dir, 'index.html');
  if (!existsSync(indexFile)) return { index: null, assets };
  const assetDir = path.join(dir, 'assets');
  for (const name of existsSync(assetDir) ? readdirSync(assetDir) : []) assets.set(name, file(readFileSync(path.join(assetDir, name))));
  return { index: file(readFileSync(indexFile)), assets };
}

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../lib/root.ts';

/** Where `web/widget/build.mjs` writes the widget (git-ignored; built by `npm start` and `npm test`). */
export const WIDGET_BUILD_DIR = path.join(ROOT, 'dist/widget');

export interface WidgetBuild {
  /** The loader (`/widget.js`), or null when the widget has not been built. */
  loader: Buffer | null;
  /** Content-hashed files under `/widget/assets/`, by file name. */
  assets: Map<string, Buffer>;
  sizes: { loader: number; total: number } | null;
}

/** Reads the built widget once, at boot; a missing build is not fatal (its routes answer 404 and say why). */
export function loadWidgetBuild(dir = WIDGET_BUILD_DIR): WidgetBuild {
  const assets = new Map<string, Buffer>();
  if (!existsSync(path.join(dir, 'widget.js'))) return { loader: null, assets, sizes: null };
  const assetDir = path.join(dir, 'assets');
  for (const file of existsSync(assetDir) ? readdirSync(assetDir) : []) assets.set(file, readFileSync(path.join(assetDir, file)));
  let sizes = null;
  try {
    sizes = (JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { sizes: WidgetBuild['sizes'] }).sizes;
  } catch {
    /* an old build without a manifest still serves */
  }
  return { loader: readFileSync(path.join(dir, 'widget.js')), assets, sizes };
}

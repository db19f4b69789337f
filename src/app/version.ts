import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../lib/root.ts';

/** Parley's version, from package.json: in its own module so the CLI can print it without loading the server. */
export const VERSION: string = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

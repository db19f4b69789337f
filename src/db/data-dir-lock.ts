import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A pid file that keeps a second Parley process off an embedded (PGlite) data folder.
 * Written by hand because it is a dozen lines and needs no polling or stale-timer logic:
 * a lock whose pid no longer runs is stale and taken over.
 */
export function acquireDataDirLock(dataDir: string): () => Promise<void> {
  const file = path.join(dataDir, 'parley.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return async () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (pid && pid !== process.pid && isRunning(pid)) {
        throw new Error(
          `the embedded database in ${dataDir} is in use by another Parley process (pid ${pid}); ` +
            'stop it first, or set DATABASE_URL to share a PostgreSQL server between processes',
        );
      }
      rmSync(file, { force: true }); // stale lock from a process that is gone
    }
  }
  throw new Error(`could not lock ${file}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

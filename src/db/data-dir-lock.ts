import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A pid file that keeps a second Parley process off an embedded (PGlite) data folder.
 * Written by hand because it is a few dozen lines and needs no polling or stale-timer logic:
 * a lock whose process no longer runs is stale and taken over.
 *
 * The file holds `<pid> <start time>`; the start time (Linux only) tells the process that wrote it
 * from an unrelated one that was given the same pid later, as happens after a restart in a container.
 */
export function acquireDataDirLock(dataDir: string): () => Promise<void> {
  const file = path.join(dataDir, 'parley.pid');
  const own = [process.pid, startTimeOf(process.pid)].filter((x) => x !== undefined).join(' ');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, own, { flag: 'wx' });
      return async () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const [pidText, startText] = readFileSync(file, 'utf8').trim().split(/\s+/);
      const pid = Number(pidText);
      if (pid && pid !== process.pid && holdsLock(pid, startText)) {
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

/** True while the process that wrote the lock still runs: alive, not a zombie, and the same process. */
function holdsLock(pid: number, recordedStart: string | undefined): boolean {
  if (!signalable(pid)) return false;
  const stat = procStat(pid);
  if (!stat) return true; // no /proc (macOS) or it vanished meanwhile: trust the signal check
  // A zombie (Z) or dead (X) process has exited; an init that reaps late keeps it in the table.
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return recordedStart === undefined || recordedStart === stat.startTime;
}

function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function startTimeOf(pid: number): string | undefined {
  return procStat(pid)?.startTime;
}

/**
 * State (field 3) and start time in clock ticks since boot (field 22) from /proc/<pid>/stat. The
 * command name (field 2) is in parentheses and may hold spaces or parentheses, so fields are
 * counted from the last `)`.
 */
export function procStat(pid: number): { state: string; startTime: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [state, startTime] = [fields[0], fields[19]];
  return state && startTime ? { state, startTime } : undefined;
}

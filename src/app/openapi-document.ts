import { databaseWithoutStorage } from '../db/client.ts';
import { loadConfig } from '../config/config.ts';
import { createLogger } from '../infra/logger.ts';
import { createDeps } from './deps.ts';
import { buildServer } from './server.ts';

/**
 * The OpenAPI document without a data folder or a listening server (`parley openapi`), for the dashboard's typed
 * client: the app is built over a database without storage, which fails any statement (the document makes none), and
 * thrown away.
 * Settings that change the document (PARLEY_PUBLIC_URL) are read as `parley start` reads them.
 */
export async function openApiDocument(env: NodeJS.ProcessEnv = process.env): Promise<unknown> {
  const { DATABASE_URL: _, ...rest } = env;
  const config = loadConfig({ ...rest, PARLEY_LOG_LEVEL: 'error' });
  const database = await databaseWithoutStorage('the OpenAPI document is built without a database');
  const deps = await createDeps(config, { database, logger: createLogger({ level: 'error' }) });
  try {
    const { app } = await buildServer(deps);
    await app.ready();
    const doc = app.swagger();
    await app.close();
    return doc;
  } finally {
    await deps.close();
  }
}

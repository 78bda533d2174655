import path from 'node:path';
import pg from 'pg';
import type { Config } from './config.ts';
import { createDb, type Db } from './db/database.ts';
import { startEmbeddedPostgres } from './db/embedded.ts';

export const EMBEDDED_DB_NAME = 'motcua';

export type OpenedDatabase = { url: string; db: Db; embedded: boolean; close: () => Promise<void> };

async function answers(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (r.rowCount === 0) await c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`);
  } finally {
    await c.end();
  }
}

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL in `<dataDir>/pg` — started here, or
 * reused when another motcua process (say `npm start` while an operator runs the CLI) already runs it.
 */
export async function openDatabase(config: Config, log: (m: string) => void = () => {}): Promise<OpenedDatabase> {
  if (config.databaseUrl) {
    const db = createDb(config.databaseUrl);
    return { url: config.databaseUrl, db, embedded: false, close: () => db.destroy() };
  }
  let stopServer: (() => Promise<void>) | undefined;
  const probe = `postgres://postgres:motcua-embedded@127.0.0.1:${config.embeddedPort}/postgres`;
  let adminUrl = probe;
  if (!(await answers(probe))) {
    const server = await startEmbeddedPostgres(path.join(config.dataDir, 'pg'), config.embeddedPort, log);
    adminUrl = server.url;
    stopServer = server.stop;
  }
  await ensureDatabase(adminUrl, EMBEDDED_DB_NAME);
  const url = adminUrl.replace(/\/postgres$/, `/${EMBEDDED_DB_NAME}`);
  const db = createDb(url);
  return {
    url,
    db,
    embedded: true,
    close: async () => {
      await db.destroy();
      await stopServer?.();
    },
  };
}

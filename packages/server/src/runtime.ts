import path from 'node:path';
import pg from 'pg';
import type { Config } from './config.ts';
import { createDb, type Db } from './db/database.ts';
import { startEmbeddedPostgres } from './db/embedded.ts';

export const EMBEDDED_DB_NAME = 'motcua';

export type OpenedDatabase = {
  url: string;
  db: Db;
  /** The read replica's pool (MOTCUA_READ_DATABASE_URL), else `db` itself. */
  readDb: Db;
  embedded: boolean;
  close: () => Promise<void>;
};

/**
 * The replica's pool when MOTCUA_READ_DATABASE_URL is set, else the primary's. Opening it never
 * fails: a replica that is down is found by the lag probe (shared/read-replica.ts), and its reads
 * go to the primary. A short connect timeout, so that a replica gone away costs little.
 */
export function openReadDb(config: Config, primary: Db): { readDb: Db; close: () => Promise<void> } {
  if (!config.readDatabaseUrl) return { readDb: primary, close: async () => {} };
  const readDb = createDb(config.readDatabaseUrl, 10, 2_000);
  return { readDb, close: () => readDb.destroy() };
}

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
    const read = openReadDb(config, db);
    return {
      url: config.databaseUrl,
      db,
      readDb: read.readDb,
      embedded: false,
      close: async () => {
        await read.close();
        await db.destroy();
      },
    };
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
  const read = openReadDb(config, db);
  return {
    url,
    db,
    readDb: read.readDb,
    embedded: true,
    close: async () => {
      await read.close();
      await db.destroy();
      await stopServer?.();
    },
  };
}

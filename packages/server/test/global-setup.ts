import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { ROOT_DIR } from '../src/config.ts';
import { createDb, migrateToLatest } from '../src/db/database.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { seedDemo } from '../src/seed/seed.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    templateDb: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * One PostgreSQL for the run — DATABASE_URL's server when set, else an embedded one in
 * .data/test-pg — and one template database, migrated and seeded once; every test file clones it
 * (CREATE DATABASE … TEMPLATE is a file copy: fast, and each file starts from the same state).
 */
export default async function setup(project: TestProject) {
  let adminUrl = process.env.DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  if (!adminUrl) {
    const port = Number(process.env.MOTCUA_TEST_PG_PORT ?? (await freePort()));
    const server = await startEmbeddedPostgres(path.join(ROOT_DIR, '.data/test-pg'), port);
    adminUrl = server.url;
    stop = server.stop;
  }
  const templateDb = `motcua_tpl_${process.pid}`;
  const withDb = (name: string) => {
    const u = new URL(adminUrl!);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // Leftovers of an interrupted earlier run.
  const stale = await admin.query(
    `SELECT datname FROM pg_database WHERE datname LIKE 'motcua_tpl_%' OR datname LIKE 'motcua_t_%'`,
  );
  for (const r of stale.rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${templateDb}"`);
  const db = createDb(withDb(templateDb), 2);
  await migrateToLatest(db);
  await seedDemo(db);
  await db.destroy();

  project.provide('adminUrl', adminUrl);
  project.provide('templateDb', templateDb);

  return async () => {
    const left = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'motcua_t_%'`);
    for (const r of left.rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS "${templateDb}" WITH (FORCE)`);
    await admin.end();
    await stop?.();
  };
}

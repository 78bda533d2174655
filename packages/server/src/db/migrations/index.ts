import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_foundation.ts';

/** Migrations in order. Never edit one that has landed; add a new file. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
};

import type { Db } from '../../db/database.ts';
import { handlingAgencyIds, publishedVersionOf } from './catalog.queries.ts';

export type PublishedVersion = NonNullable<Awaited<ReturnType<typeof publishedVersionOf>>>;

/** A procedure's published version and the agencies that handle it, as a submission reads them. */
export type PublishedProcedure = { version: Readonly<PublishedVersion>; handlers: readonly string[] };

type Entry = { revision: string; value: PublishedProcedure | null };

/** Per database (tests run several in one process), per procedure; a bounded number of procedures. */
const cache = new WeakMap<Db, Map<string, Entry>>();
const MAX_PROCEDURES = 5000;

/**
 * The published version of a procedure (null when none is) and its handling agencies, this
 * process's copy while the catalog's revision is `revision` (`cache_revisions`, bumped by a
 * trigger on every write to procedures, versions and their agencies, migration 0022). A submission
 * used to read both, with the version's whole content, in its transaction (issue 16): a copy one
 * revision old makes it run as if it had run just before the publication, as the agency tree does
 * (decision 0007). The copy is frozen: no command may change what the next one reads.
 */
export async function publishedProcedure(
  db: Db,
  revision: string,
  procedureId: string,
): Promise<PublishedProcedure | null> {
  let byId = cache.get(db);
  if (!byId) {
    byId = new Map();
    cache.set(db, byId);
  }
  const hit = byId.get(procedureId);
  if (hit && hit.revision === revision) return hit.value;
  const version = await publishedVersionOf(db, procedureId);
  const value = version
    ? { version: deepFreeze(version), handlers: Object.freeze(await handlingAgencyIds(db, version.id)) }
    : null;
  if (byId.size >= MAX_PROCEDURES) byId.clear();
  byId.set(procedureId, { revision, value });
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

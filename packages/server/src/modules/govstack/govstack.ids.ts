import type { Executor } from '../../db/database.ts';
import type { GovstackIdTable } from '../../db/schema.ts';

/**
 * The GovStack id map (table `govstack_ids`): ids other GovStack systems use ↔ ours. Our own
 * records need no row: their GovStack id is our id (a dossier's fileId is the dossier's UUID).
 */
export type IdKind = GovstackIdTable['kind'];

/** The prefix the facade is served under (docs/govstack.md §1). */
export const GOVSTACK_PREFIX = '/govstack';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Our ids for an external id: the mapped ones (oldest first), else the id itself when UUID-shaped. */
export async function internalIds(ex: Executor, kind: IdKind, externalId: string): Promise<string[]> {
  const rows = await ex
    .selectFrom('govstack_ids')
    .select('internal_id')
    .where('kind', '=', kind)
    .where('external_id', '=', externalId)
    .orderBy('created_at')
    .orderBy('internal_id')
    .execute();
  if (rows.length) return rows.map((r) => r.internal_id);
  return UUID.test(externalId) ? [externalId.toLowerCase()] : [];
}

/** The external id of each internal id (the first mapped one), else the internal id itself. */
export async function externalIds(ex: Executor, kind: IdKind, ids: string[]): Promise<Map<string, string>> {
  const out = new Map(ids.map((id) => [id, id]));
  if (!ids.length) return out;
  const rows = await ex
    .selectFrom('govstack_ids')
    .select(['internal_id', 'external_id'])
    .where('kind', '=', kind)
    .where('internal_id', 'in', [...new Set(ids)])
    .orderBy('created_at', 'desc')
    .orderBy('external_id', 'desc')
    .execute();
  for (const r of rows) out.set(r.internal_id, r.external_id);
  return out;
}

/** Record a mapping; an existing one is left as it is (loading twice changes nothing). */
export async function mapId(
  ex: Executor,
  kind: IdKind,
  externalId: string,
  internalId: string,
  meta: Record<string, unknown> = {},
): Promise<void> {
  await ex
    .insertInto('govstack_ids')
    .values({ kind, external_id: externalId, internal_id: internalId, meta: JSON.stringify(meta) })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The id in a document url POST /documents gave (`/govstack/documents/<id>`, relative or absolute). */
export function documentIdOf(url: string): string | undefined {
  let path = url;
  try {
    path = new URL(url, 'http://local').pathname;
  } catch {
    return undefined;
  }
  const m = /\/documents\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(path);
  return m && path.startsWith(`${GOVSTACK_PREFIX}/`) ? m[1]!.toLowerCase() : undefined;
}

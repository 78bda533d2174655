import type { Db, Executor } from '../../db/database.ts';
import { Problem } from '../../shared/problem.ts';
import { searchPublishedVersions } from '../catalog/catalog.published.ts';
import { loadVersions } from '../catalog/catalog.service.ts';
import { externalIds, internalIds } from './govstack.ids.ts';

/**
 * The read side of the catalog through the GovStack facade (docs/govstack.md): services are
 * published procedures, e-forms their versions' e-form JSON Schemas.
 */

type EFormContent = { schema: Record<string, unknown>; uiSchema: unknown } | null;
type StoredContent = { channels: string[]; eForm: EFormContent; workflow: unknown };

/** A published procedure as a GovStack service (`id`: the procedure's id). */
export type ServiceRow = {
  id: string;
  versionNo: number;
  name: string;
  fieldName: string;
  channels: string[];
  workflow: unknown;
};

async function toServices(ex: Executor, rows: ServiceRow[]) {
  const ids = await externalIds(
    ex,
    'service',
    rows.map((r) => r.id),
  );
  return rows.map((r) => {
    const online = r.channels.includes('online');
    return {
      id: ids.get(r.id)!,
      name: r.name,
      version: String(r.versionNo),
      type: online ? ('Public' as const) : ('Private' as const),
      isExecutable: online && r.workflow !== null,
      isClosed: false,
      description: r.fieldName,
    };
  });
}

/** The catalog's search of published versions by name (search_fold, as the public search). */
export async function listServices(db: Db, name: string | undefined) {
  const rows = await searchPublishedVersions(db, name?.normalize('NFC').trim(), 1000);
  return toServices(
    db,
    rows.map((r) => {
      const c = r.content as StoredContent;
      return {
        id: r.procedure_id,
        versionNo: r.version_no,
        name: r.name,
        fieldName: r.field_name,
        channels: c.channels,
        workflow: c.workflow,
      };
    }),
  );
}

/** The published procedure behind a GovStack service id, if any (the catalog's published version). */
export async function findService(ex: Executor, serviceId: string): Promise<ServiceRow | undefined> {
  const ids = await internalIds(ex, 'service', serviceId);
  if (!ids.length) return undefined;
  // Ordered by procedure id, as the mapped ids' first published procedure.
  const [v] = await loadVersions(ex, { procedureIds: ids, status: 'published' });
  if (!v) return undefined;
  return {
    id: v.procedureId,
    versionNo: v.versionNo,
    name: v.name,
    fieldName: v.field.name,
    channels: v.channels,
    workflow: v.workflow,
  };
}

export async function getService(db: Db, serviceId: string) {
  const row = await findService(db, serviceId);
  if (!row) throw new Problem('not_found');
  return (await toServices(db, [row]))[0]!;
}

type VersionView = Awaited<ReturnType<typeof loadVersions>>[number];
const eFormOf = (v: VersionView) => v.eForm as EFormContent;

function eFormItem(eFormId: string, v: VersionView) {
  const s = eFormOf(v)?.schema ?? {};
  return {
    eFormId,
    name: typeof s.title === 'string' ? s.title : v.name,
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    version: String(v.versionNo),
    latest: v.status === 'published',
  };
}

/** A service's e-forms: every version's e-form (the published one is `latest`). */
export async function listServiceEForms(db: Db, serviceId: string) {
  const row = await findService(db, serviceId);
  if (!row) return [];
  const mapped = await db
    .selectFrom('govstack_ids')
    .select('external_id')
    .where('kind', '=', 'eform')
    .where('internal_id', '=', row.id)
    .orderBy('created_at')
    .executeTakeFirst();
  // Newest version first.
  const versions = (await loadVersions(db, { procedureIds: [row.id] })).filter((v) => v.status !== 'draft');
  return versions
    .filter((v) => eFormOf(v) !== null)
    .filter((v) => !mapped || v.status === 'published')
    .map((v) => eFormItem(mapped?.external_id ?? v.id, v));
}

/** An e-form: a mapped GovStack e-form id (the procedure's published e-form) or a version id. */
export async function getEForm(db: Db, eFormId: string) {
  const procedureIds = await internalIds(db, 'eform', eFormId);
  const mapped = procedureIds.length > 0 && procedureIds[0] !== eFormId.toLowerCase();
  let versions: VersionView[];
  if (mapped) versions = await loadVersions(db, { procedureIds, status: 'published' });
  else if (procedureIds.length) versions = await loadVersions(db, { versionIds: [procedureIds[0]!] });
  else throw new Problem('not_found');
  // The oldest (ISO timestamps sort as text).
  const v = versions
    .filter((x) => x.status !== 'draft')
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))[0];
  const eForm = v ? eFormOf(v) : null;
  if (!v || !eForm) throw new Problem('not_found');
  return { ...eFormItem(eFormId, v), schema: eForm.schema };
}

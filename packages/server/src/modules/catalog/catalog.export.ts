import type { Executor } from '../../db/database.ts';
import { CATALOG_FORMAT, type CatalogFile, type CatalogItem, type VersionView } from './catalog.schemas.ts';
import { catalogProvinceId, loadVersions } from './catalog.service.ts';

export async function exportCatalog(ex: Executor): Promise<CatalogFile> {
  return { format: CATALOG_FORMAT, formatVersion: 1, procedures: await exportItems(ex) };
}

/** The published catalog as portable items (agency codes, no database ids), in a stable order. */
export async function exportItems(ex: Executor, status: 'published' | 'draft' = 'published'): Promise<CatalogItem[]> {
  const provinceId = await catalogProvinceId(ex);
  const procs = await ex
    .selectFrom('procedures')
    .select(['id', 'code', 'full_code'])
    .where('province_id', '=', provinceId)
    .execute();
  const versions = await loadVersions(ex, { procedureIds: procs.map((p) => p.id), status });
  const byId = new Map(procs.map((p) => [p.id, p]));
  const items = versions.map((v) => toCatalogItem(byId.get(v.procedureId)!, v));
  return items.sort(compareItems);
}

export function compareItems(a: CatalogItem, b: CatalogItem): number {
  const key = (i: CatalogItem) => [i.field.name, i.code ?? '\uffff', i.name, i.fullCode ?? ''];
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < ka.length; i++) {
    const c = ka[i]!.localeCompare(kb[i]!, 'vi');
    if (c) return c;
  }
  return 0;
}

function toCatalogItem(p: { id: string; code: string | null; full_code: string | null }, v: VersionView): CatalogItem {
  return {
    id: p.id,
    code: p.code,
    fullCode: p.full_code,
    name: v.name,
    field: v.field,
    level: v.level,
    agencyCodes: v.agencies.map((a) => a.code).sort(),
    channels: v.channels,
    applicantKinds: v.applicantKinds,
    lifeEvents: v.lifeEvents,
    documents: v.documents,
    timeLimit: v.timeLimit,
    fees: v.fees,
    legalBasis: v.legalBasis,
    result: v.result,
    onlineLevel: v.onlineLevel,
    eForm: v.eForm as CatalogItem['eForm'],
    identityLevel: v.identityLevel,
    workflow: v.workflow,
    source: v.source,
  };
}

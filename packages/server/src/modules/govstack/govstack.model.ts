import type { Executor } from '../../db/database.ts';
import type { DossierRow } from '../../db/schema.ts';
import { externalIds } from './govstack.ids.ts';

/**
 * What the GovStack facade's read and write sides share (docs/govstack.md): statuses, the file
 * metadata kept with a GovStack file, the view context of a page of dossiers, form data shapes,
 * paging and role ids.
 */

// ------------------------------------------------------------------ statuses

export type StatusCode = 'PENDING' | 'APPROVED' | 'SENDBACK' | 'REJECTED';
const TITLES: Record<StatusCode, string> = {
  PENDING: 'Pending',
  APPROVED: 'Approved',
  SENDBACK: 'Sent back',
  REJECTED: 'Rejected',
};
export const statusModel = (code: StatusCode) => ({ code, title: TITLES[code] });

/** A dossier's status as a GovStack status (docs/govstack.md §3). */
export function applicationStatus(status: string, outcome: string | null): StatusCode {
  switch (status) {
    case 'supplement_requested':
      return 'SENDBACK';
    case 'refused':
    case 'stopped':
    case 'closed':
      return 'REJECTED';
    case 'result_ready':
    case 'returned':
      return outcome === 'refused' ? 'REJECTED' : 'APPROVED';
    default:
      return 'PENDING';
  }
}

export type FileMeta = {
  applicantId?: string;
  applicationName?: string;
  created?: string;
  documentUrls?: string[];
  eFormId?: string;
  operatorFormData?: { data?: Record<string, unknown>; eFormId?: string };
};

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);

/**
 * What the facade shows of a page of dossiers, read in a fixed number of queries whatever the
 * page size: GovStack ids of files, process instances, services and e-forms, the file metadata
 * kept with the GovStack file, and the ids of the users named.
 */
export async function contextOf(ex: Executor, dossiers: DossierRow[], users: string[] = []) {
  const ids = dossiers.map((d) => d.id);
  const procedures = dossiers.map((d) => d.procedure_id);
  const applicants = dossiers.flatMap((d) => (d.applicant_user_id ? [d.applicant_user_id] : []));
  const [files, mainTasks, services, eForms, applicantIds, userIds, metaRows] = await Promise.all([
    externalIds(ex, 'file', ids),
    externalIds(ex, 'main_task', ids),
    externalIds(ex, 'service', procedures),
    externalIds(ex, 'eform', procedures),
    externalIds(ex, 'applicant', applicants),
    externalIds(ex, 'user', users),
    ids.length
      ? ex
          .selectFrom('govstack_ids')
          .select(['internal_id', 'meta'])
          .where('kind', '=', 'file')
          .where('internal_id', 'in', ids)
          .orderBy('created_at', 'desc')
          .execute()
      : Promise.resolve([]),
  ]);
  const meta = new Map<string, FileMeta>();
  for (const r of metaRows) meta.set(r.internal_id, r.meta as FileMeta);
  return {
    fileId: (d: DossierRow) => files.get(d.id)!,
    mainTaskId: (d: DossierRow) => mainTasks.get(d.id)!,
    serviceId: (d: DossierRow) => services.get(d.procedure_id)!,
    meta: (d: DossierRow): FileMeta => meta.get(d.id) ?? {},
    userId: (id: string) => userIds.get(id) ?? id,
    /** The GovStack e-form id the dossier was filed with: the mapped one, else our version id. */
    eFormId(d: DossierRow): string {
      const m = meta.get(d.id)?.eFormId;
      if (m) return m;
      const mapped = eForms.get(d.procedure_id)!;
      return mapped === d.procedure_id ? d.procedure_version_id : mapped;
    },
    applicantId(d: DossierRow): string {
      const m = meta.get(d.id)?.applicantId;
      if (m) return m;
      return d.applicant_user_id ? applicantIds.get(d.applicant_user_id)! : `walk-in:${d.id}`;
    },
  };
}
export type Context = Awaited<ReturnType<typeof contextOf>>;

/** GovStack's form data maps names to objects: scalar values of our e-forms are wrapped as `{ value }`. */
export function objectValues(data: Record<string, unknown>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [
      k,
      v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v },
    ]),
  );
}

/** GovStack form data back to e-form values: `{ value }` wrappers are unwrapped. */
export function plainValues(data: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(data ?? {}).map(([k, v]) => {
      const o = v as Record<string, unknown> | null;
      return [k, o && typeof o === 'object' && Object.keys(o).length === 1 && 'value' in o ? o.value : v];
    }),
  );
}

export type ListQuery = {
  serviceId?: string | undefined;
  applicantId?: string | undefined;
  firstResult?: number | undefined;
  maxResult?: number | undefined;
  sortBy?: string | undefined;
  sortOrder?: string | undefined;
};

/**
 * `sortBy` values of the spec (Camunda's task query names) we can honour; the others (instanceId,
 * caseInstanceId, executionId, caseExecutionId, priority) sort by creation. `created` of a task is
 * when the step visit began.
 */
const SORTS = {
  created: 'created',
  id: 'd.id',
  dueDate: 'd.due',
  name: 'd.procedure_name',
  nameCaseInsensitive: 'd.procedure_name',
  description: 'd.code',
  assignee: 'd.main_assignee_id',
} as const;

export const MAX_PAGE = 1000;

export function page(q: ListQuery) {
  const first = Math.max(0, q.firstResult ?? 0);
  const max = Math.min(MAX_PAGE, Math.max(0, q.maxResult ?? 100));
  const column = SORTS[(q.sortBy ?? '') as keyof typeof SORTS] ?? 'created';
  const order = q.sortOrder === 'asc' ? ('asc' as const) : ('desc' as const);
  return { first, max, column, order };
}

/** GovStack role ids and names of our role codes (mapped by the loader, else the code itself). */
export async function roleContext(ex: Executor, roles: string[]) {
  const unique = [...new Set(roles)];
  const rows = unique.length
    ? await ex
        .selectFrom('govstack_ids')
        .select(['internal_id', 'external_id', 'meta'])
        .where('kind', '=', 'role')
        .where('internal_id', 'in', unique)
        .orderBy('created_at', 'desc')
        .execute()
    : [];
  const ids = new Map<string, string>();
  const names = new Map<string, string>();
  for (const r of rows) {
    ids.set(r.internal_id, r.external_id);
    const n = (r.meta as { name?: string }).name;
    if (n) names.set(r.internal_id, n);
  }
  return { id: (role: string) => ids.get(role) ?? role, name: (role: string) => names.get(role) ?? role };
}

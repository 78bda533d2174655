import type { Actor, OfficerRole, WorkflowDefinition } from '@motcua/core';
import { findStep } from '@motcua/core';
import { sql } from 'kysely';
import type { Db, Executor } from '../../db/database.ts';
import type { DossierRow } from '../../db/schema.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import { actorUserId, auditFields, recordAudit } from '../audit/audit.service.ts';
import { type CommandBody, executeCommand, submitDossier } from '../dossiers/dossier.service.ts';
import { assertDossierInScope, assertProcedureInScope, dossierInScope, type GovstackClient } from './govstack.auth.ts';
import { documentIdOf, externalIds, internalIds, mapId } from './govstack.ids.ts';

/**
 * GovStack Registration Building Block facade (docs/govstack.md): services are published
 * procedures, e-forms their versions' e-form JSON Schemas, application files dossiers, tasks the
 * visits of a dossier to a workflow step (or to the one-stop unit). Reads are SQL over our tables;
 * every write goes through the dossier service (one transaction with history, outbox and audit).
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

const ENDED = new Set(['refused', 'stopped', 'closed', 'result_ready', 'returned']);

/** The event that closes a task (a step visit), as the task's GovStack status. */
const TASK_END: Record<string, StatusCode> = {
  forwarded: 'APPROVED',
  finished: 'APPROVED',
  sent_back: 'SENDBACK',
  rolled_back: 'SENDBACK',
  supplement_requested: 'SENDBACK',
  refused: 'REJECTED',
  stopped: 'REJECTED',
  closed_incomplete: 'REJECTED',
};

// ------------------------------------------------------------------ services and e-forms

type EFormContent = { schema: Record<string, unknown>; uiSchema: unknown } | null;
type StoredContent = { channels: string[]; eForm: EFormContent; workflow: unknown };

function publishedVersions(ex: Executor) {
  return ex
    .selectFrom('procedure_versions as v')
    .innerJoin('procedures as p', 'p.id', 'v.procedure_id')
    .where('v.status', '=', 'published')
    .select(['p.id', 'v.id as version_id', 'v.version_no', 'v.name', 'v.field_name', 'v.content']);
}

type VersionRow = {
  id: string;
  version_id: string;
  version_no: number;
  name: string;
  field_name: string;
  content: unknown;
};

async function toServices(ex: Executor, rows: VersionRow[]) {
  const ids = await externalIds(
    ex,
    'service',
    rows.map((r) => r.id),
  );
  return rows.map((r) => {
    const c = r.content as StoredContent;
    const online = c.channels.includes('online');
    return {
      id: ids.get(r.id)!,
      name: r.name,
      version: String(r.version_no),
      type: online ? ('Public' as const) : ('Private' as const),
      isExecutable: online && c.workflow !== null,
      isClosed: false,
      description: r.field_name,
    };
  });
}

export async function listServices(db: Db, name: string | undefined) {
  let q = publishedVersions(db);
  const n = name?.normalize('NFC').trim();
  if (n) q = q.where(sql<boolean>`v.search_text LIKE '%' || search_fold(${n}) || '%'`);
  return toServices(db, await q.orderBy('v.name').orderBy('p.id').limit(1000).execute());
}

/** The published procedure behind a GovStack service id, if any. */
async function findService(ex: Executor, serviceId: string): Promise<VersionRow | undefined> {
  const ids = await internalIds(ex, 'service', serviceId);
  if (!ids.length) return undefined;
  return publishedVersions(ex).where('p.id', 'in', ids).orderBy('p.id').limit(1).executeTakeFirst();
}

export async function getService(db: Db, serviceId: string) {
  const row = await findService(db, serviceId);
  if (!row) throw new Problem('not_found');
  return (await toServices(db, [row]))[0]!;
}

function eFormItem(eFormId: string, v: { name: string; version_no: number; status: string; eForm: EFormContent }) {
  const s = v.eForm?.schema ?? {};
  return {
    eFormId,
    name: typeof s.title === 'string' ? s.title : v.name,
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    version: String(v.version_no),
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
  const versions = await db
    .selectFrom('procedure_versions')
    .select(['id', 'name', 'version_no', 'status', 'content'])
    .where('procedure_id', '=', row.id)
    .where('status', '<>', 'draft')
    .orderBy('version_no', 'desc')
    .execute();
  return versions
    .filter((v) => (v.content as StoredContent).eForm !== null)
    .filter((v) => !mapped || v.status === 'published')
    .map((v) => eFormItem(mapped?.external_id ?? v.id, { ...v, eForm: (v.content as StoredContent).eForm }));
}

/** An e-form: a mapped GovStack e-form id (the procedure's published e-form) or a version id. */
export async function getEForm(db: Db, eFormId: string) {
  const procedureIds = await internalIds(db, 'eform', eFormId);
  const mapped = procedureIds.length > 0 && procedureIds[0] !== eFormId.toLowerCase();
  let q = db
    .selectFrom('procedure_versions')
    .select(['id', 'name', 'version_no', 'status', 'content'])
    .where('status', '<>', 'draft');
  if (mapped) q = q.where('procedure_id', 'in', procedureIds).where('status', '=', 'published');
  else if (procedureIds.length) q = q.where('id', '=', procedureIds[0]!);
  else throw new Problem('not_found');
  const v = await q.orderBy('created_at').limit(1).executeTakeFirst();
  const eForm = v ? (v.content as StoredContent).eForm : null;
  if (!v || !eForm) throw new Problem('not_found');
  return { ...eFormItem(eFormId, { ...v, eForm }), schema: eForm.schema };
}

// ------------------------------------------------------------------ application files

type FileMeta = {
  applicantId?: string;
  applicationName?: string;
  created?: string;
  documentUrls?: string[];
  eFormId?: string;
  operatorFormData?: { data?: Record<string, unknown>; eFormId?: string };
};

/** The dossier behind a GovStack file id, if any. */
export async function findFile(ex: Executor, fileId: string): Promise<DossierRow | undefined> {
  const ids = await internalIds(ex, 'file', fileId);
  if (!ids.length) return undefined;
  return ex.selectFrom('dossiers').selectAll().where('id', 'in', ids).limit(1).executeTakeFirst();
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);

/**
 * What the facade shows of a page of dossiers, read in a fixed number of queries whatever the
 * page size: GovStack ids of files, process instances, services and e-forms, the file metadata
 * kept with the GovStack file, and the ids of the users named.
 */
async function contextOf(ex: Executor, dossiers: DossierRow[], users: string[] = []) {
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
type Context = Awaited<ReturnType<typeof contextOf>>;

function fileOf(c: Context, d: DossierRow) {
  const m = c.meta(d);
  const form = m.operatorFormData ?? { data: d.form_data as Record<string, unknown> };
  const applicantId = c.applicantId(d);
  const created = m.created ?? iso(d.submitted_at);
  return {
    fileId: c.fileId(d),
    // applicationFileResponse lists applicantId among its required properties (next to applicationData's).
    applicantId,
    registered: iso(d.received_at ?? d.submitted_at),
    serviceId: c.serviceId(d),
    serviceName: d.procedure_name,
    status: statusModel(applicationStatus(d.status, d.outcome)),
    ended: ENDED.has(d.status),
    applicationData: {
      ...(m.applicationName ? { applicationName: m.applicationName } : {}),
      applicantId,
      ...(created ? { created } : {}),
      formData: { data: objectValues(form.data ?? {}), eFormId: form.eFormId ?? c.eFormId(d) },
      documentUrls: m.documentUrls ?? [],
    },
  };
}

/** applicationFileResponse of one dossier. */
export async function fileView(ex: Executor, d: DossierRow) {
  return fileOf(await contextOf(ex, [d]), d);
}

/** GovStack's form data maps names to objects: scalar values of our e-forms are wrapped as `{ value }`. */
function objectValues(data: Record<string, unknown>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [
      k,
      v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v },
    ]),
  );
}

/** GovStack form data back to e-form values: `{ value }` wrappers are unwrapped. */
function plainValues(data: Record<string, unknown> | undefined): Record<string, unknown> {
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

function page(q: ListQuery) {
  const first = Math.max(0, q.firstResult ?? 0);
  const max = Math.min(MAX_PAGE, Math.max(0, q.maxResult ?? 100));
  const column = SORTS[(q.sortBy ?? '') as keyof typeof SORTS] ?? 'created';
  const order = q.sortOrder === 'asc' ? ('asc' as const) : ('desc' as const);
  return { first, max, column, order };
}

/** GET /applications: one page of dossiers, filtered, sorted and paged in SQL. */
export async function listApplications(db: Db, q: ListQuery, client: GovstackClient) {
  let query = db
    .selectFrom('dossiers as d')
    .selectAll('d')
    .where('d.parent_dossier_id', 'is', null)
    .where(dossierInScope(db, client));
  if (q.serviceId !== undefined) {
    const ids = await internalIds(db, 'service', q.serviceId);
    if (!ids.length) return [];
    query = query.where('d.procedure_id', 'in', ids);
  }
  if (q.applicantId !== undefined) {
    const applicantId = q.applicantId;
    const users = await internalIds(db, 'applicant', applicantId);
    query = query.where((eb) =>
      eb.or([
        ...(users.length ? [eb('d.applicant_user_id', 'in', users)] : []),
        eb.exists(
          eb
            .selectFrom('govstack_ids as g')
            .select(sql`1`.as('one'))
            .where('g.kind', '=', 'file')
            .whereRef('g.internal_id', '=', sql<string>`d.id::text`)
            .where(sql<boolean>`g.meta ->> 'applicantId' = ${applicantId}`),
        ),
      ]),
    );
  }
  const p = page(q);
  const column = p.column === 'created' ? 'd.submitted_at' : p.column;
  const rows = await query.orderBy(column, p.order).orderBy('d.id').offset(p.first).limit(p.max).execute();
  if (!rows.length) return [];
  const tasks = await openTasksOf(db, rows);
  const c = await contextOf(
    db,
    rows,
    rows.flatMap((d) => (d.main_assignee_id ? [d.main_assignee_id] : [])),
  );
  const roles = await roleContext(
    db,
    [...tasks.values()].map((t) => t.role),
  );
  const operators = await namesOf(
    db,
    rows.flatMap((d) => (d.main_assignee_id ? [d.main_assignee_id] : [])),
  );
  return rows.map((d) => {
    const file = fileOf(c, d);
    const t = tasks.get(d.id);
    const assignee = t?.stepId ? d.main_assignee_id : null;
    return {
      fileId: file.fileId,
      mainTaskId: c.mainTaskId(d),
      ...(t ? { taskTitle: t.name, roleId: roles.id(t.role), roleName: roles.name(t.role) } : {}),
      ...(assignee ? { assigneeId: c.userId(assignee) } : {}),
      ...(assignee && operators.has(assignee) ? { operatorName: operators.get(assignee)! } : {}),
      status: file.status,
      applicantId: file.applicantId,
      ...(file.applicationData.created ? { created: file.applicationData.created } : {}),
      ...(file.registered ? { registered: file.registered } : {}),
      description: `${d.code} — ${d.procedure_name}`,
      serviceName: file.serviceName,
      serviceId: file.serviceId,
      eformId: file.applicationData.formData.eFormId,
      documentUrls: file.applicationData.documentUrls,
      additionalMeta: { data: {} },
    };
  });
}

async function namesOf(ex: Executor, userIds: string[]): Promise<Map<string, string>> {
  if (!userIds.length) return new Map();
  const rows = await ex
    .selectFrom('users')
    .select(['id', 'full_name'])
    .where('id', 'in', [...new Set(userIds)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.full_name]));
}

// ------------------------------------------------------------------ tasks

/**
 * A task is one visit of a dossier to a workflow step, or to reception: it begins with the event
 * that brought the dossier there and ends with the event that took it away. Its id is
 * `<dossier id>.<version of the entry event>` (or a mapped GovStack id).
 */
const TASK_ENTRY = ['submitted', 'forwarded', 'sent_back', 'rolled_back', 'supplement_provided'];
const OPEN = ['submitted', 'received', 'processing'];
const RECEPTION = {
  vi: 'Tiếp nhận và chuyển xử lý hồ sơ',
  en: 'Receive and transfer the application',
  role: 'receptionist' as OfficerRole,
};

type TaskRef = { dossier: DossierRow; version: number; at: Date; stepId: string | null; internalId: string };

/** The step a task's entry event led to (null: reception). */
function stepOfEntry(type: string, event: unknown, stepAfter: string | null): string | null {
  if (type === 'submitted') return null;
  const e = event as { toStep?: string; restore?: { currentStep?: string | null }; phase?: string };
  if (type === 'supplement_provided') return e.phase === 'processing' ? stepAfter : null;
  return e.toStep ?? e.restore?.currentStep ?? stepAfter;
}

/** The open task of each dossier that waits for an officer (one query for the page). */
async function openTasksOf(ex: Executor, dossiers: DossierRow[]) {
  const open = dossiers.filter((d) => OPEN.includes(d.status));
  const out = new Map<string, TaskRef & { role: string; name: string }>();
  if (!open.length) return out;
  const rows = await ex
    .selectFrom('dossier_events as e')
    .select(['e.dossier_id', 'e.version', 'e.type', 'e.at', 'e.event'])
    .distinctOn('e.dossier_id')
    .where(
      'e.dossier_id',
      'in',
      open.map((d) => d.id),
    )
    .where('e.type', 'in', TASK_ENTRY)
    .orderBy('e.dossier_id')
    .orderBy('e.version', 'desc')
    .execute();
  const byId = new Map(open.map((d) => [d.id, d]));
  for (const r of rows) {
    const d = byId.get(r.dossier_id)!;
    out.set(d.id, refOf(d, r.version, r.at, stepOfEntry(r.type, r.event, d.current_step)));
  }
  return out;
}

function refOf(d: DossierRow, version: number, at: Date, stepId: string | null) {
  const step = stepId ? findStep(d.workflow as WorkflowDefinition, stepId) : undefined;
  return {
    dossier: d,
    version,
    at,
    stepId: step ? stepId : null,
    internalId: `${d.id}.${version}`,
    role: step?.role ?? RECEPTION.role,
    name: step ? (step.name_en ?? step.name_vi) : RECEPTION.en,
    nameVi: step?.name_vi ?? RECEPTION.vi,
  };
}

/** GovStack role ids and names of our role codes (mapped by the loader, else the code itself). */
async function roleContext(ex: Executor, roles: string[]) {
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

/** A task by its GovStack id: a mapped id, or `<dossier id>.<version>` of a task entry event. */
async function findTask(ex: Executor, taskId: string) {
  const mapped = await ex
    .selectFrom('govstack_ids')
    .select('internal_id')
    .where('kind', '=', 'task')
    .where('external_id', '=', taskId)
    .orderBy('created_at')
    .executeTakeFirst();
  const m = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([0-9]{1,9})$/i.exec(
    mapped?.internal_id ?? taskId,
  );
  if (!m) return undefined;
  const dossier = await ex.selectFrom('dossiers').selectAll().where('id', '=', m[1]!.toLowerCase()).executeTakeFirst();
  if (!dossier) return undefined;
  const e = await ex
    .selectFrom('dossier_events')
    .select(['version', 'type', 'at', 'event'])
    .where('dossier_id', '=', dossier.id)
    .where('version', '=', Number(m[2]))
    .where('type', 'in', TASK_ENTRY)
    .executeTakeFirst();
  if (!e) return undefined;
  // The step the visit was at: for an open task the dossier's current step; else the next event's step.
  const next = await ex
    .selectFrom('dossier_events')
    .select('step_id')
    .where('dossier_id', '=', dossier.id)
    .where('version', '>', e.version)
    .orderBy('version')
    .limit(1)
    .executeTakeFirst();
  return refOf(dossier, e.version, e.at, stepOfEntry(e.type, e.event, next?.step_id ?? dossier.current_step));
}

type FullRef = NonNullable<Awaited<ReturnType<typeof findTask>>>;

/** Whether a task is still open, and if not, the event that ended it and its GovStack status. */
async function taskOutcome(ex: Executor, t: FullRef) {
  const d = t.dossier;
  const later = await ex
    .selectFrom('dossier_events')
    .select(['version', 'type', 'actor_user_id'])
    .where('dossier_id', '=', d.id)
    .where('version', '>', t.version)
    .where('type', 'in', [...TASK_ENTRY, ...Object.keys(TASK_END)])
    .orderBy('version')
    .limit(1)
    .executeTakeFirst();
  if (!later) {
    const open = OPEN.includes(d.status);
    return {
      open,
      status: open ? ('PENDING' as const) : applicationStatus(d.status, d.outcome),
      by: open && t.stepId ? d.main_assignee_id : null,
    };
  }
  return {
    open: false,
    status: TASK_END[later.type] ?? ('APPROVED' as StatusCode),
    by: later.actor_user_id,
  };
}

/** GET /tasks: the open tasks (the work queue), filtered, sorted and paged in SQL. */
export type TaskQuery = ListQuery & {
  mainTaskId?: string | undefined;
  fileId?: string | undefined;
  assigneeId?: string | undefined;
};

export async function listTasks(db: Db, q: TaskQuery, client: GovstackClient) {
  let query = db
    .selectFrom('dossiers as d')
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('dossier_events as e')
          .select(['e.version as task_version', 'e.at as task_at', 'e.type as task_type', 'e.event as task_event'])
          .whereRef('e.dossier_id', '=', 'd.id')
          .where('e.type', 'in', TASK_ENTRY)
          .orderBy('e.version', 'desc')
          .limit(1)
          .as('t'),
      (join) => join.onTrue(),
    )
    .selectAll('d')
    .select(['t.task_version', 't.task_at', 't.task_type', 't.task_event'])
    .where('d.status', 'in', OPEN)
    .where('d.parent_dossier_id', 'is', null)
    .where(dossierInScope(db, client));
  for (const [kind, value] of [
    ['file', q.fileId],
    ['main_task', q.mainTaskId],
  ] as const) {
    if (value === undefined) continue;
    const ids = await internalIds(db, kind, value);
    if (!ids.length) return [];
    query = query.where('d.id', 'in', ids);
  }
  if (q.assigneeId !== undefined) {
    const ids = await internalIds(db, 'user', q.assigneeId);
    if (!ids.length) return [];
    // Only a step has an assignee; reception is the one-stop unit's.
    query = query.where('d.main_assignee_id', 'in', ids).where('d.status', '=', 'processing');
  }
  const p = page(q);
  const column = p.column === 'created' ? 't.task_at' : p.column;
  const rows = await query.orderBy(column, p.order).orderBy('d.id').offset(p.first).limit(p.max).execute();
  if (!rows.length) return [];
  const refs = rows.map((r) => {
    const { task_version, task_at, task_type, task_event, ...d } = r;
    return refOf(d, task_version, task_at, stepOfEntry(task_type, task_event, d.current_step));
  });
  const assignees = refs.flatMap((t) => (t.stepId && t.dossier.main_assignee_id ? [t.dossier.main_assignee_id] : []));
  const c = await contextOf(
    db,
    refs.map((t) => t.dossier),
    assignees,
  );
  const [roles, taskIds] = await Promise.all([
    roleContext(
      db,
      refs.map((t) => t.role),
    ),
    externalIds(
      db,
      'task',
      refs.map((t) => t.internalId),
    ),
  ]);
  return refs.map((t) => {
    const d = t.dossier;
    const assignee = t.stepId ? d.main_assignee_id : null;
    return {
      taskId: taskIds.get(t.internalId)!,
      mainTaskId: c.mainTaskId(d),
      name: t.name,
      ...(assignee ? { assigneeId: c.userId(assignee) } : {}),
      roleId: roles.id(t.role),
      created: t.at.toISOString(),
      description: `${d.code} — ${d.procedure_name}`,
      serviceId: c.serviceId(d),
      serviceName: d.procedure_name,
      fileId: c.fileId(d),
      eFormId: c.eFormId(d),
      status: statusModel('PENDING'),
    };
  });
}

/** GET /tasks/{taskId}: dataUserTaskResponse of an open or closed task. */
export async function getTask(db: Db, taskId: string, client: GovstackClient) {
  const t = await findTask(db, taskId);
  if (!t) throw new Problem('not_found');
  await assertDossierInScope(db, client, t.dossier.id);
  return taskView(db, t);
}

async function taskView(ex: Executor, t: FullRef) {
  const d = t.dossier;
  const outcome = await taskOutcome(ex, t);
  const c = await contextOf(ex, [d], outcome.by ? [outcome.by] : []);
  const [roles, taskIds] = await Promise.all([roleContext(ex, [t.role]), externalIds(ex, 'task', [t.internalId])]);
  return {
    taskId: taskIds.get(t.internalId)!,
    taskName: t.nameVi,
    ...(outcome.by ? { assigneeId: c.userId(outcome.by) } : {}),
    roleId: roles.id(t.role),
    created: t.at.toISOString(),
    description: `${d.code} — ${d.procedure_name}`,
    fileId: c.fileId(d),
    serviceId: c.serviceId(d),
    serviceName: d.procedure_name,
    eFormId: c.eFormId(d),
    formVariables: {},
    status: statusModel(outcome.status),
    data: objectValues(d.form_data as Record<string, unknown>),
  };
}

// ------------------------------------------------------------------ writes

/** The officer account a GovStack write acts as: `operator` rows map a role of the facade to a user. */
async function operatorActor(ex: Executor, which: 'intake' | 'handler'): Promise<Actor> {
  const m = await ex
    .selectFrom('govstack_ids')
    .select('internal_id')
    .where('kind', '=', 'operator')
    .where('external_id', '=', which)
    .executeTakeFirst();
  if (!m) {
    throw new Problem('forbidden', {
      detail: {
        vi: 'Chưa cấu hình tài khoản cán bộ cho GovStack (chạy `motcua govstack load`)',
        en: 'No GovStack operator account is configured (run `motcua govstack load`)',
      },
    });
  }
  return officerActor(ex, m.internal_id);
}

export async function officerActor(ex: Executor, userId: string): Promise<Actor> {
  const u = await ex
    .selectFrom('users as u')
    .innerJoin('agencies as a', 'a.id', 'u.agency_id')
    .select(['u.id', 'u.agency_id', 'a.path'])
    .where('u.id', '=', userId)
    .where('u.kind', '=', 'officer')
    .where('u.active', '=', true)
    .executeTakeFirst();
  if (!u) throw new Problem('forbidden');
  const roles = await ex.selectFrom('user_roles').select('role').where('user_id', '=', userId).execute();
  return { kind: 'officer', userId: u.id, agencyId: u.agency_id!, agencyPath: u.path, roles: roles.map((r) => r.role) };
}

export type SubmitBody = {
  applicationName?: string | undefined;
  applicantId: string;
  created?: string | undefined;
  formData?: { data?: Record<string, unknown> | undefined; eFormId?: string | undefined } | undefined;
  documentUrls?: string[] | undefined;
};

/**
 * POST /services/{serviceId}/applications: a dossier entered by the GovStack intake account (the
 * one-stop unit that receives what the integration layer brings), received on the spot.
 */
export async function submitApplication(
  db: Db,
  serviceId: string,
  body: SubmitBody,
  requestId: string,
  opts: { codePattern?: string; validateForm?: (schema: unknown, data: unknown) => void; client: GovstackClient },
) {
  const service = await findService(db, serviceId);
  if (!service) throw new Problem('not_found');
  await assertProcedureInScope(db, opts.client, service.id);
  const documents = await storedDocuments(db, body.documentUrls ?? []);
  const actor = await operatorActor(db, 'intake');
  const ctx: CommandContext = { actor, requestId };
  const name = body.applicationName?.trim() || `GovStack ${body.applicantId}`.slice(0, 200);
  const r = await submitDossier(
    db,
    {
      procedureId: service.id,
      // It came from an outside system online: counted as online, not as a counter submission.
      channel: 'online',
      viaIntegration: true,
      formData: plainValues(body.formData?.data),
      applicant: { kind: 'citizen', name, idNumber: null },
      note: 'Nhận qua nền tảng tích hợp (GovStack Registration BB)',
    },
    ctx,
    null,
    opts,
  );
  const id = (r.body as { id: string }).id;
  const meta: FileMeta = {
    applicantId: body.applicantId,
    ...(body.applicationName ? { applicationName: body.applicationName } : {}),
    ...(body.created ? { created: body.created } : {}),
    documentUrls: body.documentUrls ?? [],
    ...(body.formData?.eFormId ? { eFormId: body.formData.eFormId } : {}),
  };
  await mapId(db, 'file', id, id, meta as Record<string, unknown>);
  await attachDocuments(db, id, documents, ctx);
  const d = await db.selectFrom('dossiers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return fileView(db, d);
}

type StoredDocument = { id: string; sha256: string; fileName: string; mediaType: string; size: number };

/** The documents of `documentUrls` that POST /documents stored; other urls stay plain references. */
async function storedDocuments(ex: Executor, urls: string[]): Promise<StoredDocument[]> {
  const ids = [...new Set(urls.flatMap((u) => documentIdOf(u) ?? []))];
  if (!ids.length) return [];
  const rows = await ex
    .selectFrom('govstack_ids')
    .select(['external_id', 'internal_id', 'meta'])
    .where('kind', '=', 'document')
    .where('external_id', 'in', ids)
    .execute();
  return rows.map((r) => {
    const m = r.meta as { fileName?: string; mediaType?: string; size?: number };
    return {
      id: r.external_id,
      sha256: r.internal_id,
      fileName: m.fileName ?? `${r.external_id}`,
      mediaType: m.mediaType ?? 'application/octet-stream',
      size: m.size ?? 1,
    };
  });
}

/**
 * Stored GovStack documents become attachments (thành phần hồ sơ) of the dossier, slot
 * `govstack:<document id>`, uploaded by the acting officer: one transaction with an audit row per
 * file. A document already attached to the dossier is not attached again.
 */
async function attachDocuments(db: Db, dossierId: string, docs: StoredDocument[], ctx: CommandContext) {
  if (!docs.length) return;
  await db.transaction().execute(async (tx) => {
    await tx.selectFrom('dossiers').select('id').where('id', '=', dossierId).forUpdate().executeTakeFirstOrThrow();
    const slots = docs.map((doc) => `govstack:${doc.id}`);
    const present = new Set(
      (
        await tx
          .selectFrom('attachments')
          .select('slot')
          .where('dossier_id', '=', dossierId)
          .where('slot', 'in', slots)
          .execute()
      ).map((a) => a.slot),
    );
    for (const doc of docs) {
      const slot = `govstack:${doc.id}`;
      if (present.has(slot)) continue;
      const row = await tx
        .insertInto('attachments')
        .values({
          dossier_id: dossierId,
          draft_id: null,
          kind: 'document',
          slot,
          version_no: 1,
          file_name: doc.fileName,
          media_type: doc.mediaType,
          size_bytes: doc.size,
          sha256: doc.sha256,
          uploaded_by: actorUserId(ctx.actor),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(tx, {
        ...auditFields(ctx),
        action: 'attachment.upload',
        targetType: 'attachment',
        targetId: row.id,
        result: 'ok',
        details: { dossier_id: dossierId, kind: 'document', slot, versionNo: 1, sha256: doc.sha256, govstack: doc.id },
      });
    }
  });
}

/**
 * PUT /applications/{fileId}: the operator's form data. The applicant's e-form values stay as
 * submitted (they are the dossier's legal content); the operator's data is kept with the GovStack
 * file and shown by the facade. One transaction with its audit row; the dossier does not change.
 */
export async function updateApplication(
  db: Db,
  fileId: string,
  body: SubmitBody,
  requestId: string,
  client: GovstackClient,
) {
  const d = await findFile(db, fileId);
  if (!d) throw new Problem('not_found');
  await assertDossierInScope(db, client, d.id);
  const documents = await storedDocuments(db, body.documentUrls ?? []);
  await db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('govstack_ids')
      .select(['external_id', 'meta'])
      .where('kind', '=', 'file')
      .where('internal_id', '=', d.id)
      .orderBy('created_at')
      .forUpdate()
      .executeTakeFirst();
    const meta = { ...((row?.meta ?? {}) as FileMeta), operatorFormData: body.formData ?? {} };
    if (body.documentUrls) meta.documentUrls = body.documentUrls;
    if (row) {
      await tx
        .updateTable('govstack_ids')
        .set({ meta: JSON.stringify(meta) })
        .where('kind', '=', 'file')
        .where('external_id', '=', row.external_id)
        .where('internal_id', '=', d.id)
        .execute();
    } else {
      await mapId(tx, 'file', d.id, d.id, meta as Record<string, unknown>);
    }
    await recordAudit(tx, {
      ...auditFields({ actor: { kind: 'anonymous' }, requestId, system: true }),
      action: 'govstack.update_application',
      targetType: 'dossier',
      targetId: d.id,
      result: 'ok',
      details: { fileId, code: d.code },
    });
  });
  if (documents.length)
    await attachDocuments(db, d.id, documents, { actor: await operatorActor(db, 'intake'), requestId });
  return fileView(db, (await db.selectFrom('dossiers').selectAll().where('id', '=', d.id).executeTakeFirstOrThrow())!);
}

/** What a task completion asks for: `data.status` (a statusModel) says SENDBACK or REJECTED; else APPROVED. */
function decisionOf(data: Record<string, unknown>): { decision: StatusCode; note: string | null } {
  const status = data.status as { code?: unknown; value?: unknown } | undefined;
  const code = typeof status?.code === 'string' ? status.code : typeof status?.value === 'string' ? status.value : '';
  const decision: StatusCode = code === 'SENDBACK' || code === 'REJECTED' ? code : 'APPROVED';
  const raw = data.note as { value?: unknown; text?: unknown } | undefined;
  const text = typeof raw?.value === 'string' ? raw.value : typeof raw?.text === 'string' ? raw.text : '';
  return { decision, note: text.normalize('NFC').trim().slice(0, 2000) || null };
}

/**
 * POST /tasks/{taskId}/complete: the task's way forward, each command through the dossier service
 * (its own transaction with history, outbox and audit). `data.status.code` SENDBACK asks the
 * applicant for a supplement (request_supplement, form 02) and REJECTED refuses the dossier
 * (refuse, form 03), both with `data.note.value` as the items / reasons; otherwise the task is
 * approved: reception receives (if needed) and transfers to the first step; a step is approved and
 * signed when it asks for it and finished when final, else forwarded. A task already closed
 * answers its outcome and changes nothing.
 */
export async function completeTask(
  db: Db,
  taskId: string,
  data: Record<string, unknown>,
  requestId: string,
  client: GovstackClient,
) {
  const t = await findTask(db, taskId);
  if (!t) throw new Problem('not_found');
  await assertDossierInScope(db, client, t.dossier.id);
  const before = await taskOutcome(db, t);
  if (before.open) {
    const d = t.dossier;
    const { decision, note } = decisionOf(data);
    if (decision !== 'APPROVED' && !note) {
      throw new Problem('validation_failed', {
        detail: {
          vi: 'Trả lại hoặc từ chối hồ sơ cần nêu lý do (data.note.value)',
          en: 'Sending back or rejecting needs the reason (data.note.value)',
        },
      });
    }
    const run = async (actor: Actor, command: CommandBody) => {
      const current = await db
        .selectFrom('dossiers')
        .select('version')
        .where('id', '=', d.id)
        .executeTakeFirstOrThrow();
      await executeCommand(db, {
        dossierId: d.id,
        command: { ...command, version: current.version },
        ctx: { actor, requestId },
        idempotencyKey: `govstack:${t.internalId}:${command.type}`,
      });
    };
    const actor = t.stepId
      ? d.main_assignee_id
        ? await officerActor(db, d.main_assignee_id)
        : await operatorActor(db, 'handler')
      : await operatorActor(db, 'intake');
    if (decision === 'SENDBACK') await run(actor, { type: 'request_supplement', items: [note!] });
    else if (decision === 'REJECTED') await run(actor, { type: 'refuse', reasons: [note!] });
    else if (!t.stepId) {
      if (d.status === 'submitted') await run(actor, { type: 'receive' });
      await run(actor, { type: 'forward' });
    } else {
      const step = findStep(d.workflow as WorkflowDefinition, t.stepId)!;
      const state = d.state as { marks?: { approved?: boolean; signed?: boolean } };
      if (step.final) {
        if (step.actions.includes('approve') && !state.marks?.approved) await run(actor, { type: 'approve' });
        if (step.actions.includes('sign') && !state.marks?.signed) await run(actor, { type: 'sign' });
        await run(actor, { type: 'finish' });
      } else {
        await run(actor, { type: 'forward' });
      }
    }
  }
  const after = await findTask(db, taskId);
  const view = await taskView(db, after!);
  return {
    taskId: view.taskId,
    fileId: view.fileId,
    serviceId: view.serviceId,
    status: view.status,
    variables: { formData: { data: objectValues(data) } },
  };
}

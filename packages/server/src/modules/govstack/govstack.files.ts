import { type RawBuilder, sql } from 'kysely';
import type { Db, Executor } from '../../db/database.ts';
import type { DossierRow } from '../../db/schema.ts';
import { userNames } from '../accounts/accounts.queries.ts';
import { anyDossierOf, visibleDossierPage } from '../dossiers/dossier.queries.ts';
import type { GovstackClient } from './govstack.auth.ts';
import { internalIds } from './govstack.ids.ts';
import {
  applicationStatus,
  type Context,
  contextOf,
  iso,
  type ListQuery,
  objectValues,
  page,
  roleContext,
  statusModel,
} from './govstack.model.ts';
import { openTasksOf } from './govstack.tasks.ts';

/**
 * Application files through the GovStack facade (docs/govstack.md): a file is a dossier, shown
 * with the metadata kept with its GovStack id.
 */

const ENDED = new Set(['refused', 'stopped', 'closed', 'result_ready', 'returned']);

/** The dossier behind a GovStack file id, if any. */
export async function findFile(ex: Executor, fileId: string): Promise<DossierRow | undefined> {
  const ids = await internalIds(ex, 'file', fileId);
  if (!ids.length) return undefined;
  return anyDossierOf(ex, ids);
}

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

/** GET /applications: one page of dossiers, filtered, sorted and paged in SQL. */
export async function listApplications(db: Db, q: ListQuery, client: GovstackClient) {
  let procedureIds: string[] | undefined;
  if (q.serviceId !== undefined) {
    procedureIds = await internalIds(db, 'service', q.serviceId);
    if (!procedureIds.length) return [];
  }
  let applicant: { userIds: string[]; or: RawBuilder<boolean> } | undefined;
  if (q.applicantId !== undefined) {
    const applicantId = q.applicantId;
    const users = await internalIds(db, 'applicant', applicantId);
    // Or filed through the facade for this GovStack applicant (the id kept with the file).
    const filed = db
      .selectFrom('govstack_ids as g')
      .select(sql`1`.as('one'))
      .where('g.kind', '=', 'file')
      .whereRef('g.internal_id', '=', sql<string>`d.id::text`)
      .where(sql<boolean>`g.meta ->> 'applicantId' = ${applicantId}`);
    applicant = { userIds: users, or: sql<boolean>`exists ${filed}` };
  }
  const p = page(q);
  const rows = await visibleDossierPage(
    db,
    client,
    { procedureIds, applicant },
    { sort: p.column, order: p.order, offset: p.first, limit: p.max },
  );
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

function namesOf(ex: Executor, userIds: string[]): Promise<Map<string, string>> {
  return userNames(ex, [...new Set(userIds)]);
}

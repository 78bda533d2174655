import type { Actor, OfficerRole, WorkflowDefinition } from '@motcua/core';
import { findStep } from '@motcua/core';
import type { Db, Executor } from '../../db/database.ts';
import type { DossierRow } from '../../db/schema.ts';
import { Problem } from '../../shared/problem.ts';
import { type CommandBody, executeCommand } from '../dossiers/dossier.execute.ts';
import {
  dossierRow,
  dossierVersion,
  eventOfTypesAt,
  latestEventsOfTypes,
  nextEvent,
  visibleDossiersWithLatestEvent,
} from '../dossiers/dossier.queries.ts';
import { officerActor, operatorActor } from './govstack.actors.ts';
import { assertDossierInScope, type GovstackClient } from './govstack.auth.ts';
import { externalIds, internalIds } from './govstack.ids.ts';
import {
  applicationStatus,
  contextOf,
  type ListQuery,
  objectValues,
  page,
  roleContext,
  type StatusCode,
  statusModel,
} from './govstack.model.ts';

/**
 * Tasks through the GovStack facade (docs/govstack.md): the visits of a dossier to a workflow step
 * (or to the one-stop unit), read from the dossier's events; completing one runs the dossier
 * engine's commands.
 */

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
export async function openTasksOf(ex: Executor, dossiers: DossierRow[]) {
  const open = dossiers.filter((d) => OPEN.includes(d.status));
  const out = new Map<string, TaskRef & { role: string; name: string }>();
  if (!open.length) return out;
  const rows = await latestEventsOfTypes(
    ex,
    open.map((d) => d.id),
    TASK_ENTRY,
  );
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
  const dossier = await dossierRow(ex, m[1]!.toLowerCase());
  if (!dossier) return undefined;
  const e = await eventOfTypesAt(ex, dossier.id, Number(m[2]), TASK_ENTRY);
  if (!e) return undefined;
  // The step the visit was at: for an open task the dossier's current step; else the next event's step.
  const next = await nextEvent(ex, dossier.id, e.version);
  return refOf(dossier, e.version, e.at, stepOfEntry(e.type, e.event, next?.step_id ?? dossier.current_step));
}

type FullRef = NonNullable<Awaited<ReturnType<typeof findTask>>>;

/** Whether a task is still open, and if not, the event that ended it and its GovStack status. */
async function taskOutcome(ex: Executor, t: FullRef) {
  const d = t.dossier;
  const later = await nextEvent(ex, d.id, t.version, [...TASK_ENTRY, ...Object.keys(TASK_END)]);
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
  const idSets: string[][] = [];
  for (const [kind, value] of [
    ['file', q.fileId],
    ['main_task', q.mainTaskId],
  ] as const) {
    if (value === undefined) continue;
    const ids = await internalIds(db, kind, value);
    if (!ids.length) return [];
    idSets.push(ids);
  }
  let assignedTo: string[] | undefined;
  if (q.assigneeId !== undefined) {
    assignedTo = await internalIds(db, 'user', q.assigneeId);
    if (!assignedTo.length) return [];
    // Only a step has an assignee (status processing); reception is the one-stop unit's.
  }
  const p = page(q);
  const rows = await visibleDossiersWithLatestEvent(
    db,
    client,
    { statuses: OPEN, entryTypes: TASK_ENTRY, idSets, assignees: assignedTo },
    { sort: p.column, order: p.order, offset: p.first, limit: p.max },
  );
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
      const version = await dossierVersion(db, d.id);
      await executeCommand(db, {
        dossierId: d.id,
        command: { ...command, version },
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

import { randomBytes } from 'node:crypto';
import {
  type Command,
  DEFAULT_DOSSIER_CODE_PATTERN,
  type DecideContext,
  type DossierActor,
  type DossierEvent,
  type DossierState,
  decide,
  evolve,
  generateLookupSecret,
  parsePattern,
  type TimeLimit,
  type WorkCalendar,
  type WorkflowDefinition,
} from '@motcua/core';
import type { Tx } from '../../db/database.ts';
import type { DossierRow } from '../../db/schema.ts';
import { agenciesByCode } from '../agencies/agencies.queries.ts';
import { holdAuditChain } from '../audit/audit.service.ts';
import { SYSTEM_CTX } from './dossier.actors.ts';
import { rejection } from './dossier.decide.ts';
import { type Applicant, insertDossier, nextSequence, projection, recordEvents } from './dossier.store.ts';

/**
 * Linked child dossiers (hồ sơ liên thông): a consultation may open one at the consulted agency,
 * whose result then answers the parent's consultation (executeCommand closes that loop).
 */

/**
 * Open the child dossiers a command's consultations asked for (`children`: the ids given to the
 * targets that asked), each named on its consultation row once the child row exists.
 */
export async function openChildDossiers(
  tx: Tx,
  parent: DossierRow,
  parentState: DossierState,
  events: DossierEvent[],
  children: string[],
  now: Date,
  calendar: WorkCalendar,
): Promise<void> {
  for (const e of events) {
    if (e.type !== 'consultation_opened') continue;
    for (const c of e.consultations) {
      if (c.childDossierId && children.includes(c.childDossierId)) {
        await openChildDossier(tx, parent, parentState, c, now, calendar);
        await tx
          .updateTable('dossier_consultations')
          .set({ child_dossier_id: c.childDossierId })
          .where('dossier_id', '=', parent.id)
          .where('consultation_id', '=', c.consultationId)
          .where('closed_at', 'is', null)
          .execute();
      }
    }
  }
}

/** The workflow of a child dossier: the consulted agency gives its opinion (approve = agree, refuse = disagree). */
function childWorkflow(name: string, agencyCode: string, allotment: TimeLimit): WorkflowDefinition {
  return {
    schemaVersion: 1,
    steps: [
      {
        id: 'cho_y_kien',
        name_vi: name,
        name_en: 'Give the requested opinion',
        agency: { kind: 'fixed', agencyCode },
        role: 'officer',
        allotment,
        actions: ['approve', 'refuse'],
        final: true,
      },
    ],
  };
}

/**
 * Open the linked child dossier of a consultation at the consulted agency, in the parent's
 * transaction: submitted, received and transferred to its single step by the engine, due when the
 * consultation is due. Its officers see it in their own queues; its result answers the parent.
 */
async function openChildDossier(
  tx: Tx,
  parent: DossierRow,
  parentState: DossierState,
  c: { consultationId: string; agencyCode: string; due: number | null; childDossierId: string | null },
  now: Date,
  calendar: WorkCalendar,
): Promise<void> {
  const parentWorkflow = parent.workflow as WorkflowDefinition;
  const def = parentWorkflow.steps.flatMap((s) => s.consultations ?? []).find((x) => x.id === c.consultationId);
  const [agency] = await agenciesByCode(tx, [c.agencyCode]);
  if (!agency) throw new Error(`agency ${c.agencyCode} not found`);
  const id = c.childDossierId!;
  const workflow = childWorkflow(
    `Cho ý kiến: ${def?.name_vi ?? c.consultationId}`,
    agency.code,
    def?.allotment ?? { days: 1 },
  );
  const actor: DossierActor = { userId: 'system', roles: ['system'], agencyCode: null };
  const context: DecideContext = { workflow, legalLimit: null, calendar, formData: parent.form_data };
  const pattern = parsePattern(DEFAULT_DOSSIER_CODE_PATTERN);
  const codeCtx = { agencyCode: agency.code, receivedAt: now };
  // The chain lock before the counter row, in the order a submission takes them (no deadlock):
  // the transaction's audit rows go to the parent's chain, its first row's target.
  await holdAuditChain(tx, { targetType: 'dossier', targetId: parent.id });
  const code = pattern.format(codeCtx, await nextSequence(tx, pattern.source, pattern.scopeKey(codeCtx)));
  const due = c.due ?? undefined;
  let state: DossierState | null = null;
  const events: DossierEvent[] = [];
  for (const command of [
    {
      type: 'submit',
      dossierId: id,
      applicantId: parentState.applicantId,
      channel: parent.channel,
      receivingAgencyCode: agency.code,
      receivingAuthorityCode: agency.code,
      note: `Hồ sơ liên thông của hồ sơ ${parent.code}`,
    },
    { type: 'receive', ...(due === undefined ? {} : { due }) },
    { type: 'forward', ...(due === undefined ? {} : { stepDue: due }) },
  ]) {
    const d = decide(state, { ...command, actor, now } as Command, context);
    if (!d.ok) throw rejection(d.error);
    events.push(...d.events);
    state = d.events.reduce<DossierState | null>(evolve, state);
  }
  const final = state!;
  const ids = new Map([[agency.code, agency.id]]);
  const applicant = parent.applicant as Applicant;
  // Inserted with parent_dossier_id: migration 0007's triggers set its responsible agency but count it in no indicator.
  await insertDossier(
    tx,
    {
      id,
      code,
      lookup_secret: generateLookupSecret(randomBytes(16)),
      province_id: parent.province_id,
      procedure_id: parent.procedure_id,
      procedure_version_id: parent.procedure_version_id,
      procedure_name: parent.procedure_name,
      field_code: parent.field_code,
      workflow: JSON.stringify(workflow),
      legal_limit: null,
      channel: parent.channel,
      applicant_user_id: null,
      applicant: JSON.stringify(applicant),
      applicant_name: parent.applicant_name,
      applicant_id_number: parent.applicant_id_number,
      applicant_phone: parent.applicant_phone,
      form_data: JSON.stringify(parent.form_data),
      receiving_agency_id: agency.id,
      submitted_at: now,
      parent_dossier_id: parent.id,
      parent_consultation_id: c.consultationId,
      ...projection(final, workflow, ids, events.at(-1)!, null),
    },
    [agency.id],
  );
  await recordEvents(
    tx,
    SYSTEM_CTX,
    { id, code, receivingAgencyId: agency.id, procedureName: parent.procedure_name, applicant, applicantUserId: null },
    workflow,
    null,
    events,
    ids,
    null,
    'Hệ thống / System',
  );
}

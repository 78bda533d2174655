import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import type { JourneyApi, Json } from './api.ts';
import { fillFromSchema } from './form-filler.ts';
import type { Staff } from './staff.ts';

/**
 * One dossier of one procedure through the whole spine, over the HTTP API, by the people whose
 * job each step is: the applicant applies online (e-form filled from its schema, mandatory
 * documents uploaded to the draft) or a receptionist enters it at the counter; the one-stop unit
 * receives it with the checklist and transfers it; each workflow step is handled by an officer
 * of the step's agency with the step's role (claiming first when the step is unclaimed); each
 * consultation is answered by the consulted agency; the final step's leader attaches the result,
 * approves, confirms and finishes; the one-stop unit returns it; the applicant rates it; the
 * public lookup shows it returned. What to do next is read from the dossier itself
 * (`currentStep`, `availableActions`), never from the seed's code.
 */

export type Applicant = { username: string; kind: 'citizen' | 'organization'; name: string; idNumber: string };

export type Plan = {
  procedure: Json;
  channel: 'online' | 'counter';
  applicant: Applicant;
  /** The handling unit chosen (one of the procedure's agencies). */
  agencyId: string;
  /** The applicant's commune of residence (consultations of kind applicant_commune go there). */
  residenceCommuneId: string;
  /** A distinct address for the public lookup's rate limit (each journey is another member of the public). */
  remoteAddress: string;
};

export type JourneyResult = {
  id: string;
  code: string;
  history: string[];
  /** The appointment given at reception (ISO), if the procedure has a time limit. */
  due: string | null;
};

const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);

/** The e-form values: filled from the schema, and checked against it here first (a filler bug is named as such). */
export function formDataFor(procedure: Json): Record<string, unknown> {
  const schema = procedure.eForm?.schema as Record<string, unknown> | undefined;
  if (!schema) return {};
  const data = fillFromSchema(schema) as Record<string, unknown>;
  const validate = ajv.compile(schema);
  expect(validate(data), `the filler's values fit the e-form: ${JSON.stringify(validate.errors)}`).toBe(true);
  return data;
}

/** Indexes of the procedure's mandatory document components (slot `doc-<index>`). */
export function mandatoryDocuments(procedure: Json): number[] {
  return (procedure.documents as Json[]).flatMap((d, i) => (d.requirement === 'mandatory' ? [i] : []));
}

/**
 * The mandatory components a citizen must upload online: all but the declaration the filled
 * e-form replaces (`filledByEForm`). At the counter the paper declaration is still ticked.
 */
export function onlineMandatoryDocuments(procedure: Json): number[] {
  const documents = procedure.documents as Json[];
  return mandatoryDocuments(procedure).filter((i) => !(procedure.eForm && documents[i]!.filledByEForm === true));
}

/** What the receptionist ticks: every mandatory component, as many originals and copies as the procedure asks. */
export function checklistFor(procedure: Json): Json[] {
  return mandatoryDocuments(procedure).map((i) => {
    const d = (procedure.documents as Json[])[i]!;
    const original = d.original ?? 0;
    const copy = d.copy ?? 0;
    return { name: d.name, original: original + copy === 0 ? 1 : original, copy };
  });
}

async function onlineSubmission(api: JourneyApi, plan: Plan): Promise<{ id: string; code: string; secret: string }> {
  const { procedure, applicant } = plan;
  const who = applicant.username;
  const formData = formDataFor(procedure);
  const draft = await api.expectStatus(
    who,
    'POST',
    '/drafts',
    { procedureId: procedure.id, formData, agencyId: plan.agencyId },
    [200, 201],
  );
  const body = {
    procedureId: procedure.id,
    agencyId: plan.agencyId,
    formData,
    draftId: draft.id,
    applicant: {
      phone: '0905123456',
      email: 'nguoinop@example.vn',
      address: '12 Lê Duẩn, Phường Hải Châu, TP Đà Nẵng',
      residenceCommuneId: plan.residenceCommuneId,
    },
  };
  const mandatory = onlineMandatoryDocuments(procedure);
  if (mandatory.length > 0) {
    // Issue 13: an online dossier without its mandatory documents is refused, and nothing is created.
    const before = await dossierCount(api, who);
    const bare = await api.expectStatus(who, 'POST', '/dossiers', body, 422);
    expect(bare.code).toBe('documents_missing');
    expect((bare.missing as Json[]).map((m) => m.slot)).toEqual(mandatory.map((i) => `doc-${i}`));
    expect(await dossierCount(api, who)).toBe(before);
  }
  for (const i of mandatory) {
    await api.upload(who, { draftId: draft.id }, `doc-${i}`, 'document', `thanh-phan-${i}.pdf`);
  }
  if (procedure.eForm) {
    // The e-form is validated on the server too; its errors are in Vietnamese, not Ajv's English.
    const before = await dossierCount(api, who);
    const empty = await api.expectStatus(who, 'POST', '/dossiers', { ...body, formData: {} }, [400, 422]);
    expect(empty.code).toBe('validation_failed');
    const errors = empty.errors as Json[];
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e.message_vi, JSON.stringify(e)).not.toMatch(/must|should|property/i);
    expect(await dossierCount(api, who)).toBe(before);
  }
  const r = await api.expectStatus(who, 'POST', '/dossiers', body, 201);
  expect(r.status).toBe('submitted');
  // The draft's files are the dossier's now, one per mandatory component.
  const files = await api.expectStatus(who, 'GET', `/dossiers/${r.id}/attachments`, undefined, 200);
  const slots = new Set((files.items as Json[]).map((f) => f.slot));
  for (const i of mandatory) expect(slots, `doc-${i} on the dossier`).toContain(`doc-${i}`);
  return { id: r.id, code: r.code, secret: r.lookupSecret };
}

/** The one-stop unit that receives a dossier handled by `agencyId` at the counter: the agency's own, else the centre's. */
export async function counterUnitOf(api: JourneyApi, agencyId: string): Promise<string> {
  const own = await api.db
    .selectFrom('agencies')
    .select('id')
    .where('parent_id', '=', agencyId)
    .where('receives_dossiers', '=', true)
    .where('active', '=', true)
    .orderBy('code')
    .executeTakeFirst();
  if (own) return own.id;
  const centre = await api.db
    .selectFrom('agencies as u')
    .innerJoin('agencies as c', 'c.id', 'u.parent_id')
    .select('u.id')
    .where('c.level', '=', 'center')
    .where('u.receives_dossiers', '=', true)
    .executeTakeFirstOrThrow();
  return centre.id;
}

async function counterSubmission(
  api: JourneyApi,
  staff: Staff,
  plan: Plan,
): Promise<{ id: string; code: string; secret: string; receptionist: string }> {
  const { procedure, applicant } = plan;
  const receptionist = await staff.of(await counterUnitOf(api, plan.agencyId), 'receptionist');
  const body = {
    procedureId: procedure.id,
    agencyId: plan.agencyId,
    formData: formDataFor(procedure),
    applicant: {
      kind: applicant.kind,
      name: applicant.name,
      idNumber: applicant.idNumber,
      phone: '0905123456',
      address: '12 Lê Duẩn, Phường Hải Châu, TP Đà Nẵng',
      residenceCommuneId: plan.residenceCommuneId,
    },
  };
  if (mandatoryDocuments(procedure).length > 0) {
    // Issue 13: the counter starts no clock before every mandatory component is checked.
    const before = await dossierCount(api, applicant.username);
    const unchecked = await api.expectStatus(receptionist, 'POST', '/counter/dossiers', body, 422);
    expect(unchecked.code).toBe('mandatory_documents_unchecked');
    expect(await dossierCount(api, applicant.username)).toBe(before);
  }
  const r = await api.expectStatus(
    receptionist,
    'POST',
    '/counter/dossiers',
    { ...body, checklist: checklistFor(procedure) },
    201,
  );
  // Checked in front of the applicant and received on the spot: the clock runs from now.
  expect(r.status).toBe('received');
  return { id: r.id, code: r.code, secret: r.lookupSecret, receptionist };
}

/** Walk the workflow from the first step to the result; returns how many internal notes were written. */
async function walkWorkflow(api: JourneyApi, staff: Staff, id: string, plan: Plan): Promise<number> {
  const admin = 'admin';
  let notes = 0;
  for (let guard = 0; guard < 20; guard++) {
    // The provincial administrator sees every dossier of the province: use that view to find the step.
    const seen = await api.detail(admin, id);
    if (seen.status !== 'processing') {
      expect(seen.status, `after the workflow of ${plan.procedure.name}`).toBe('result_ready');
      return notes;
    }
    const step = seen.currentStep as Json;
    expect(step.agency, `step ${step.id} resolved to an agency`).not.toBeNull();
    // Handled where the applicant chose: the chosen unit itself or a division under it.
    const paths = await api.db
      .selectFrom('agencies')
      .select(['id', 'path'])
      .where('id', 'in', [plan.agencyId, step.agency.id])
      .execute();
    const chosenPath = paths.find((a) => a.id === plan.agencyId)!.path;
    expect(
      paths.find((a) => a.id === step.agency.id)!.path.startsWith(chosenPath),
      `${step.id} at ${step.agency.name}`,
    ).toBe(true);
    const worker = await staff.of(step.agency.id, step.role);
    // An unclaimed step is claimed first (act() checks that the worker is offered the claim).
    if (seen.assignees.main === null) await api.act(worker, id, { type: 'claim' });
    // Consultations the step defines: opened by its handler, answered by the consulted agency only
    // (the walker enters each step once, so each is opened once).
    const toOpen = (step.consultations as Json[]) ?? [];
    if (step.actions.includes('consult') && toOpen.length > 0) {
      await api.act(worker, id, { type: 'consult', targets: toOpen.map((c) => ({ consultationId: c.id })) });
      const open = (await api.detail(worker, id)).consultations as Json[];
      expect(open.map((c) => c.consultationId).sort()).toEqual(toOpen.map((c) => c.id).sort());
      for (const c of open) {
        expect(c.agency, `consultation ${c.consultationId} resolved to an agency`).not.toBeNull();
        // Issue 13: the officer who asked does not answer her own consultation.
        const asker = await api.detail(worker, id);
        expect(asker.availableActions).not.toContain('consultation_result');
        const own = await api.expectStatus(
          worker,
          'POST',
          `/dossiers/${id}/actions`,
          { type: 'consultation_result', version: asker.version, consultationId: c.consultationId, outcome: 'agreed' },
          403,
        );
        expect(own.code).toBe('forbidden');
        const consulted = await staff.of(c.agency.id, 'officer');
        await api.act(consulted, id, {
          type: 'consultation_result',
          consultationId: c.consultationId,
          outcome: 'agreed',
        });
      }
      expect((await api.detail(worker, id)).consultations).toEqual([]);
    }
    if (step.final) {
      if (step.actions.includes('approve') || step.actions.includes('sign')) {
        if (step.actions.includes('sign')) {
          // Issue 13: nothing is approved or confirmed before a result document exists.
          const bare = await api.detail(worker, id);
          expect(bare.availableActions).not.toContain('approve');
          expect(bare.availableActions).not.toContain('sign');
          const early = await api.expectStatus(
            worker,
            'POST',
            `/dossiers/${id}/actions`,
            { type: 'approve', version: bare.version },
            422,
          );
          expect(early.reason).toBe('result_file_missing');
        }
        // The result document the approval covers and the confirmation confirms.
        await api.upload(worker, { dossierId: id }, 'result', 'result', `ket-qua-${plan.channel}.pdf`);
      }
      if (step.actions.includes('approve')) await api.act(worker, id, { type: 'approve', opinion: 'Đồng ý' });
      if (step.actions.includes('sign')) await api.act(worker, id, { type: 'sign' });
      await api.act(worker, id, { type: 'finish' });
    } else {
      if (step.actions.includes('approve')) await api.act(worker, id, { type: 'approve' });
      await api.act(worker, id, { type: 'forward', note: INTERNAL_NOTE });
      notes++;
    }
  }
  throw new Error(`the workflow of ${plan.procedure.name} did not end in 20 steps`);
}

async function dossierCount(api: JourneyApi, username: string): Promise<number> {
  const r = await api.db
    .selectFrom('dossiers')
    .innerJoin('users', 'users.id', 'dossiers.applicant_user_id')
    .select(api.db.fn.countAll<string>().as('n'))
    .where('users.username', '=', username)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function history(api: JourneyApi, who: string, id: string): Promise<Json[]> {
  return (await api.expectStatus(who, 'GET', `/dossiers/${id}/history`, undefined, 200)).items as Json[];
}

/** An officer's internal note (ghi chú nội bộ): for staff, never for the applicant. */
export const INTERNAL_NOTE = 'Kính trình lãnh đạo xem xét, phê duyệt (ghi chú nội bộ)';

/** What the applicant's history may show (Decree 118/2025: receipt, supplement, refusal, apology, stop, result). */
const APPLICANT_VISIBLE = new Set([
  'submitted',
  'received',
  'supplement_requested',
  'supplement_provided',
  'refused',
  'forwarded',
  'fee_requested',
  'fee_paid',
  'extended',
  'withdrawal_requested',
  'stopped',
  'finished',
  'result_returned',
  'rated',
  'closed_incomplete',
]);

/** The whole journey; returns the dossier and its history's event types (as staff see it). */
export async function journey(api: JourneyApi, staff: Staff, plan: Plan): Promise<JourneyResult> {
  const { procedure, applicant } = plan;
  let id: string;
  let code: string;
  let secret: string;
  let receptionist: string;
  if (plan.channel === 'online') {
    ({ id, code, secret } = await onlineSubmission(api, plan));
    const mine = await api.detail(applicant.username, id);
    receptionist = await staff.of(mine.receivingAgency.id, 'receptionist');
    // The reception queue of that unit shows it; the receptionist receives it with the checklist.
    const inbox = await api.expectStatus(receptionist, 'GET', '/dossiers?queue=reception&pageSize=100', undefined, 200);
    expect((inbox.items as Json[]).map((x) => x.id)).toContain(id);
    if (mandatoryDocuments(procedure).length > 0) {
      // Issue 13: no receipt (and no clock) until every mandatory component is checked.
      const { version } = await api.detail(receptionist, id);
      const unchecked = await api.expectStatus(
        receptionist,
        'POST',
        `/dossiers/${id}/actions`,
        { type: 'receive', version },
        422,
      );
      expect(unchecked.code).toBe('mandatory_documents_unchecked');
      expect((await api.detail(receptionist, id)).version).toBe(version);
    }
    await api.act(receptionist, id, { type: 'receive', checklist: checklistFor(procedure) });
  } else {
    ({ id, code, secret, receptionist } = await counterSubmission(api, staff, plan));
  }
  const received = await api.detail(receptionist, id);
  expect(received.status).toBe('received');
  // The right one-stop unit: the province centre's for provincial procedures (literal code), the
  // chosen ward's own for communal ones.
  if (procedure.level === 'province') expect(received.receivingAgency.code).toBe('000.01.20.H17');
  else {
    const unit = await api.db
      .selectFrom('agencies')
      .select(['parent_id', 'receives_dossiers'])
      .where('id', '=', received.receivingAgency.id)
      .executeTakeFirstOrThrow();
    expect(unit).toEqual({ parent_id: plan.agencyId, receives_dossiers: true });
  }
  if (procedure.timeLimit?.value != null) expect(received.due, 'the appointment is set').not.toBeNull();
  if (plan.channel === 'counter') {
    // The receipt (form 01) is printed for the applicant at the counter (online, the portal shows it;
    // its content is the reception tests' business: one print per procedure keeps the journey fast).
    const receipt = await api.call(receptionist, 'GET', `/dossiers/${id}/documents/01`);
    expect(receipt.statusCode, receipt.body.slice(0, 300)).toBe(200);
    expect(receipt.headers['content-type']).toBe('application/pdf');
  }
  await api.act(receptionist, id, { type: 'forward' });
  const notes = await walkWorkflow(api, staff, id, plan);
  const ready = await api.detail(receptionist, id);
  expect(ready.status).toBe('result_ready');
  expect(ready.outcome).toBe('granted');
  const results = await api.expectStatus(receptionist, 'GET', `/dossiers/${id}/attachments`, undefined, 200);
  const resultIds = (results.items as Json[]).filter((f) => f.kind === 'result').map((f) => f.id as string);
  await api.act(receptionist, id, {
    type: 'return_result',
    method: plan.channel === 'online' ? 'online' : 'counter',
    ...(resultIds.length ? { attachmentIds: resultIds.slice(0, 1) } : {}),
  });
  // Each Decree 118/2025 art. 33 criterion on its own scale, as the portal asks it; the points are
  // those of Circular 01/2018 arts. 13–14 (written here by hand: early 2, one contact 2, satisfied 2, neutral 1).
  const answers = {
    time_vs_limit: 'early',
    contacts_needed: 'one',
    staff_attitude: 'satisfied',
    ...(plan.channel === 'online' ? { online_service_quality: 'neutral' } : {}),
  };
  await api.act(applicant.username, id, { type: 'rate', answers, comment: 'Hài lòng' });
  const rated = await api.detail(applicant.username, id);
  expect(rated.status).toBe('returned');
  expect(rated.rating.scores).toEqual({
    time_vs_limit: 2,
    contacts_needed: 2,
    staff_attitude: 2,
    ...(plan.channel === 'online' ? { online_service_quality: 1 } : {}),
  });
  // Issue 13: a returned dossier shows no remaining time, for the dossier or for a step.
  expect(rated.remaining ?? null).toBeNull();
  expect(rated.currentStep?.remaining ?? null).toBeNull();
  const lookup = await api.app.inject({
    url: `/api/v1/lookup?code=${encodeURIComponent(code)}&secret=${encodeURIComponent(secret)}`,
    remoteAddress: plan.remoteAddress,
  });
  expect(lookup.statusCode, lookup.body.slice(0, 300)).toBe(200);
  expect(lookup.json().status).toBe('returned');
  // The applicant's timeline: the events the law says they are told, without officers' internal notes.
  const theirs = await history(api, applicant.username, id);
  for (const e of theirs) expect(APPLICANT_VISIBLE, `the applicant sees ${e.type}`).toContain(e.type);
  expect(JSON.stringify(theirs)).not.toContain(INTERNAL_NOTE);
  const staffView = await history(api, receptionist, id);
  // …while staff still read them.
  expect(staffView.filter((e) => e.note === INTERNAL_NOTE)).toHaveLength(notes);
  return { id, code, history: staffView.map((e) => e.type), due: received.due ?? null };
}

import { changedVerifiedFields } from '@motcua/core';
import type { Tx } from '../../db/database.ts';
import { Problem } from '../../shared/problem.ts';
import { draftDocumentSlots } from '../attachments/attachments.queries.ts';

/**
 * Rules of a citizen's online submission (POST /dossiers by an applicant), checked inside the
 * submitting transaction so that a refusal leaves nothing behind.
 */

type DocumentComponent = { name: string; requirement: 'mandatory' | 'conditional'; filledByEForm?: boolean };

/** The slot a document component's files are uploaded to: its index in the procedure's list. */
export const documentSlot = (index: number) => `doc-${index}`;

export type SubmittedDraft = {
  id: string;
  agencyId: string | null;
  residenceCommuneId: string | null;
  /** Fields prefilled from a register or VNeID: path → value and origin (locked). */
  verified: Record<string, { value: string; origin: string }>;
};

/**
 * The draft being submitted, locked (uploads to it take the same row lock, so no file can arrive
 * or vanish between the check and the move). It must be the caller's and of this procedure.
 */
async function lockDraft(tx: Tx, userId: string, draftId: string, procedureId: string): Promise<SubmittedDraft> {
  const d = await tx
    .selectFrom('dossier_drafts')
    .select(['id', 'procedure_id', 'agency_id', 'contact', 'verified'])
    .where('id', '=', draftId)
    .where('applicant_user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  if (!d) throw new Problem('not_found', { detail: { vi: 'Không tìm thấy hồ sơ nháp', en: 'Draft not found' } });
  if (d.procedure_id !== procedureId) {
    throw new Problem('validation_failed', {
      detail: { vi: 'Hồ sơ nháp thuộc thủ tục khác', en: 'The draft belongs to another procedure' },
      extra: { field: 'draftId' },
    });
  }
  const residence = (d.contact as { residenceCommuneId?: unknown } | null)?.residenceCommuneId;
  return {
    id: d.id,
    agencyId: d.agency_id,
    residenceCommuneId: typeof residence === 'string' ? residence : null,
    verified: d.verified ?? {},
  };
}

/**
 * Every mandatory document component of the procedure has at least one file in the draft.
 * Conditional components (required only in some cases, which the system cannot judge) are not
 * enforced here; the receptionist checks them. The declaration a filled e-form replaces
 * (`filledByEForm`) needs no file: the procedures' own texts say so ("Tờ khai … theo mẫu (nộp trực
 * tiếp) hoặc mẫu điện tử tương tác (nộp trực tuyến)"). 422 documents_missing lists the missing ones.
 */
export async function assertMandatoryDocuments(
  tx: Tx,
  draftId: string | null,
  documents: readonly DocumentComponent[],
  eFormFilled = false,
): Promise<void> {
  const slots = new Set<string>();
  if (draftId !== null) {
    for (const slot of await draftDocumentSlots(tx, draftId)) slots.add(slot);
  }
  const missing = documents
    .map((d, index) => ({ index, name: d.name, requirement: d.requirement }))
    .filter((d) => d.requirement === 'mandatory' && !slots.has(documentSlot(d.index)))
    .filter((d) => !(eFormFilled && documents[d.index]!.filledByEForm === true));
  if (missing.length === 0) return;
  const names = missing.map((d) => d.name).join('; ');
  throw new Problem('documents_missing', {
    detail: { vi: `Còn thiếu: ${names}`, en: `Missing: ${names}` },
    extra: { missing: missing.map((d) => ({ index: d.index, slot: documentSlot(d.index), name: d.name })) },
  });
}

/**
 * The citizen's online submission: the draft (if any) locked and checked, and every mandatory
 * document attached. Returns the draft's saved choices (unit, residence) for the defaults.
 */
export async function checkCitizenSubmission(
  tx: Tx,
  input: {
    userId: string;
    procedureId: string;
    draftId: string | null;
    documents: readonly DocumentComponent[];
    /** The procedure has an e-form and it was filled (and validated) with this submission. */
    eFormFilled: boolean;
    formData: Record<string, unknown>;
    /** The procedure's least VNeID level (catalog `identityLevel`) and the session's. */
    identityLevel: 1 | 2 | null;
    assuranceLevel: 1 | 2 | null;
  },
): Promise<SubmittedDraft | null> {
  assertIdentityLevel(input.identityLevel, input.assuranceLevel);
  const draft = input.draftId === null ? null : await lockDraft(tx, input.userId, input.draftId, input.procedureId);
  if (draft) assertVerifiedUnchanged(input.formData, draft.verified);
  await assertMandatoryDocuments(tx, draft?.id ?? null, input.documents, input.eFormFilled);
  return draft;
}

/**
 * A procedure that asks for a level of electronic identity (Decree 69/2024/NĐ-CP art. 12; the
 * catalog's `identityLevel`) takes online dossiers only from a session signed in at that level.
 */
export function assertIdentityLevel(required: 1 | 2 | null, actual: 1 | 2 | null): void {
  if (required === null || (actual !== null && actual >= required)) return;
  throw new Problem('identity_level_required', {
    detail: {
      vi: `Thủ tục này yêu cầu đăng nhập bằng VNeID mức độ ${required}${actual ? ` (phiên hiện tại: mức độ ${actual})` : ''}`,
      en: `This procedure requires a level-${required} VNeID sign-in${actual ? ` (this session: level ${actual})` : ''}`,
    },
    extra: { required, actual },
  });
}

/** The fields prefilled from a register or VNeID still hold the verified values (422 names the others). */
function assertVerifiedUnchanged(formData: Record<string, unknown>, verified: SubmittedDraft['verified']): void {
  const values = Object.fromEntries(Object.entries(verified).map(([k, v]) => [k, v.value]));
  const changed = changedVerifiedFields(formData, values);
  if (changed.length === 0) return;
  throw new Problem('verified_field_changed', { extra: { fields: changed } });
}

/**
 * The handling agency of an online dossier. Decree 118/2025 art. 14(2): the province's units
 * receive regardless of where the applicant lives (phi địa giới), so any unit that handles the
 * procedure may be chosen. Without a choice: the procedure's only unit, else the unit of the
 * applicant's commune of residence when it handles the procedure, else none (the caller refuses).
 */
export function chooseHandlingAgency(
  handlers: readonly string[],
  chosen: string | null,
  residenceCommuneId: string | null,
): string | null {
  if (chosen !== null) return chosen;
  if (handlers.length === 1) return handlers[0]!;
  if (residenceCommuneId !== null && handlers.includes(residenceCommuneId)) return residenceCommuneId;
  return null;
}

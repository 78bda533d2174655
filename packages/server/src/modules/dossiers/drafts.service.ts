import { FACT_ORIGINS } from '@motcua/core';
import { z } from 'zod';
import type { Db, Executor, Tx } from '../../db/database.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import { deleteDraftAttachments } from '../attachments/attachments.queries.ts';
import { attachmentsOfDraft, toAttachmentView } from '../attachments/attachments.service.ts';
import { auditFields, recordAudit } from '../audit/audit.service.ts';
import { handlingAgencyIds, publishedVersionOf, versionColumn } from '../catalog/catalog.queries.ts';
import { applicantKindOfUser, assertApplicantKind } from './dossier.applicant-kinds.ts';

/**
 * The citizen's draft (hồ sơ lưu nháp): the e-form values, contact details, chosen handling unit
 * and uploaded files of an application not yet submitted. One per (citizen, procedure) — enforced
 * by a unique index (migration 0011) — so the wizard always resumes the same one.
 */

export const FormData = z.record(z.string(), z.unknown());

/** Work in progress: formats are checked at submission, not while the citizen is typing. */
export const DraftContact = z.strictObject({
  phone: z.string().max(30).optional(),
  email: z.string().max(320).optional(),
  address: z.string().max(500).optional(),
  residenceCommuneId: z.uuid().nullable().optional(),
});
export type DraftContact = z.infer<typeof DraftContact>;

export const DraftView = z.object({
  id: z.uuid(),
  procedureId: z.uuid(),
  procedureVersionId: z.uuid(),
  procedureName: z.string(),
  formData: FormData,
  contact: DraftContact,
  agencyId: z.uuid().nullable(),
  note: z.string().nullable(),
  /** Fields prefilled from a register or VNeID (path → origin): the applicant may not change them. */
  verified: z.record(z.string(), z.enum(FACT_ORIGINS)),
  version: z.int(),
  updatedAt: z.string(),
  attachments: z.array(
    z.object({
      id: z.uuid(),
      slot: z.string(),
      kind: z.string(),
      versionNo: z.int(),
      fileName: z.string(),
      mediaType: z.string(),
      sizeBytes: z.int(),
      uploadedAt: z.string(),
    }),
  ),
});
export type DraftView = z.infer<typeof DraftView>;

/** The applicant's drafts, the most recently saved first (at most 50), optionally of one procedure. */
export async function listDrafts(ex: Executor, userId: string, procedureId?: string): Promise<DraftView[]> {
  let q = ex
    .selectFrom('dossier_drafts')
    .select('id')
    .where('applicant_user_id', '=', userId)
    .orderBy('updated_at', 'desc')
    .limit(50);
  if (procedureId) q = q.where('procedure_id', '=', procedureId);
  const rows = await q.execute();
  return Promise.all(rows.map((r) => draftView(ex, r.id, userId)));
}

export async function draftView(ex: Executor, id: string, userId: string): Promise<DraftView> {
  const d = await ex
    .selectFrom('dossier_drafts as d')
    .select([
      'd.id',
      'd.form_data',
      'd.contact',
      'd.agency_id',
      'd.note',
      'd.verified',
      'd.version',
      'd.updated_at',
      'd.procedure_id',
      'd.procedure_version_id as version_id',
      versionColumn('d.procedure_version_id', 'name').as('name'),
    ])
    .where('d.id', '=', id)
    .where('d.applicant_user_id', '=', userId)
    .executeTakeFirst();
  if (!d) throw draftNotFound();
  const files = await attachmentsOfDraft(ex, id);
  const contact = DraftContact.safeParse(d.contact ?? {});
  return {
    id: d.id,
    procedureId: d.procedure_id,
    procedureVersionId: d.version_id,
    procedureName: d.name,
    formData: (d.form_data ?? {}) as Record<string, unknown>,
    contact: contact.success ? contact.data : {},
    agencyId: d.agency_id,
    note: d.note,
    verified: Object.fromEntries(
      Object.entries(d.verified ?? {}).map(([path, v]) => [path, v.origin as DraftView['verified'][string]]),
    ),
    version: d.version,
    updatedAt: new Date(d.updated_at).toISOString(),
    attachments: files.map((f) => {
      const v = toAttachmentView(f);
      return {
        id: v.id,
        slot: v.slot,
        kind: v.kind,
        versionNo: v.versionNo,
        fileName: v.fileName,
        mediaType: v.mediaType,
        sizeBytes: v.sizeBytes,
        uploadedAt: v.uploadedAt,
      };
    }),
  };
}

function draftNotFound(): Problem {
  return new Problem('not_found', { detail: { vi: 'Không tìm thấy hồ sơ nháp', en: 'Draft not found' } });
}

/** The published version a draft is written against; only procedures taking online dossiers. */
async function onlineVersion(
  ex: Executor,
  procedureId: string,
): Promise<{ id: string; handlers: string[]; applicantKinds: string[] }> {
  const v = await publishedVersionOf(ex, procedureId);
  if (!v) throw new Problem('not_found');
  const channels = (v.content as { channels?: string[] }).channels ?? [];
  if (!channels.includes('online')) {
    throw new Problem('procedure_not_available', {
      detail: {
        vi: 'Thủ tục không nhận hồ sơ trực tuyến',
        en: 'The procedure does not accept online dossiers',
      },
    });
  }
  const handlers = await handlingAgencyIds(ex, v.id);
  return { id: v.id, handlers, applicantKinds: v.applicant_kinds };
}

/** A unit the citizen may choose must handle the procedure (Decree 118/2025 art. 14(2): any of them). */
export function assertHandlingUnit(handlers: readonly string[], agencyId: string | null | undefined): void {
  if (agencyId == null || handlers.includes(agencyId)) return;
  throw new Problem('validation_failed', {
    detail: {
      vi: 'Chọn cơ quan giải quyết trong danh sách của thủ tục',
      en: 'Choose a handling agency listed for the procedure',
    },
    extra: { field: 'agencyId' },
  });
}

export type DraftInput = {
  formData?: Record<string, unknown> | undefined;
  contact?: DraftContact | undefined;
  agencyId?: string | null | undefined;
  note?: string | null | undefined;
};

/**
 * The citizen's draft of the procedure: the existing one, or a new one. Two concurrent calls (a
 * double click, two tabs) end with one draft: the insert yields to the unique index and the loser
 * reads the winner's row. `created` tells which happened.
 */
export async function startDraft(
  db: Db,
  ctx: CommandContext,
  userId: string,
  procedureId: string,
  input: DraftInput,
): Promise<{ id: string; created: boolean }> {
  const version = await onlineVersion(db, procedureId);
  // The wizard starts here: an applicant the procedure is not for is told before typing anything.
  assertApplicantKind(version.applicantKinds, await applicantKindOfUser(db, userId));
  assertHandlingUnit(version.handlers, input.agencyId);
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('dossier_drafts')
      .values({
        applicant_user_id: userId,
        procedure_version_id: version.id,
        form_data: JSON.stringify(input.formData ?? {}),
        contact: JSON.stringify(input.contact ?? {}),
        agency_id: input.agencyId ?? null,
        note: input.note ?? null,
        updated_at: new Date(),
      })
      .onConflict((oc) => oc.columns(['applicant_user_id', 'procedure_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) {
      const existing = await tx
        .selectFrom('dossier_drafts')
        .select(['id', 'procedure_version_id'])
        .where('applicant_user_id', '=', userId)
        .where('procedure_id', '=', procedureId)
        .executeTakeFirstOrThrow();
      // A draft begun before the procedure was re-published continues on the version in force.
      if (existing.procedure_version_id !== version.id) {
        await tx
          .updateTable('dossier_drafts')
          .set({ procedure_version_id: version.id })
          .where('id', '=', existing.id)
          .execute();
      }
      return { id: existing.id, created: false };
    }
    await recordAudit(tx, {
      ...auditFields(ctx),
      action: 'draft.create',
      targetType: 'dossier_draft',
      targetId: row.id,
      result: 'ok',
      details: { procedureId },
    });
    return { id: row.id, created: true };
  });
}

/** Save the draft (optimistic concurrency on `version`): fields left out keep their value. */
export async function saveDraft(
  db: Db,
  ctx: CommandContext,
  userId: string,
  id: string,
  input: DraftInput & { version: number },
): Promise<void> {
  await db.transaction().execute(async (tx: Tx) => {
    const cur = await tx
      .selectFrom('dossier_drafts')
      .select(['version', 'procedure_id'])
      .where('id', '=', id)
      .where('applicant_user_id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    if (!cur) throw draftNotFound();
    if (cur.version !== input.version) throw new Problem('conflict', { extra: { currentVersion: cur.version } });
    if (input.agencyId != null)
      assertHandlingUnit((await onlineVersion(tx, cur.procedure_id)).handlers, input.agencyId);
    await tx
      .updateTable('dossier_drafts')
      .set({
        ...(input.formData !== undefined ? { form_data: JSON.stringify(input.formData) } : {}),
        ...(input.contact !== undefined ? { contact: JSON.stringify(input.contact) } : {}),
        ...(input.agencyId !== undefined ? { agency_id: input.agencyId } : {}),
        ...(input.note !== undefined ? { note: input.note } : {}),
        version: cur.version + 1,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, {
      ...auditFields(ctx),
      action: 'draft.save',
      targetType: 'dossier_draft',
      targetId: id,
      result: 'ok',
      details: { version: cur.version + 1 },
    });
  });
}

/**
 * Discard the citizen's draft (Hủy hồ sơ nháp): the draft and the files uploaded to it only, in
 * one transaction with its audit entry, so the one-draft-per-procedure rule (migration 0011) lets
 * her start afresh. Someone else's draft, or none, is a 404. The stored bytes stay: blobs are
 * content-addressed and may back other files; none is reachable from the deleted rows.
 */
export async function discardDraft(db: Db, ctx: CommandContext, userId: string, id: string): Promise<void> {
  await db.transaction().execute(async (tx: Tx) => {
    const d = await tx
      .selectFrom('dossier_drafts')
      .select(['id', 'procedure_id'])
      .where('id', '=', id)
      .where('applicant_user_id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    if (!d) throw draftNotFound();
    const files = await deleteDraftAttachments(tx, id);
    await tx.deleteFrom('dossier_drafts').where('id', '=', id).execute();
    await recordAudit(tx, {
      ...auditFields(ctx),
      action: 'draft.discard',
      targetType: 'dossier_draft',
      targetId: id,
      result: 'ok',
      details: { procedureId: d.procedure_id, files },
    });
  });
}

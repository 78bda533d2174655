import type { Actor, OfficerRole } from '@motcua/core';
import { sql } from 'kysely';
import type { Db, Executor, Tx } from '../../db/database.ts';
import type { AttachmentKind, AttachmentRow } from '../../db/schema.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import { actorUserId, auditFields, recordAudit } from '../audit/audit.service.ts';
import { findVisibleDossier } from '../dossiers/dossier.access.ts';
import { assertMayAttachResult } from '../dossiers/dossier.approval.ts';
import { dossierVisibleTo, draftOwnedBy, ownsDraft } from '../dossiers/dossier.queries.ts';
import { attachStoredFile } from './attachments.facade.ts';
import { inspectUpload } from './inspect.ts';
import type { BlobStorage } from './storage.ts';

/**
 * Attachments (thành phần hồ sơ, tệp kết quả): files of a dossier or of a citizen's draft, one
 * row per version of a slot. Bytes live in the blob storage under their SHA-256; rows point at them.
 */

export const ATTACHMENT_KINDS = ['document', 'supplement', 'result', 'other'] as const;

/** What an applicant may upload to their own dossier or draft. */
const APPLICANT_KINDS: ReadonlyArray<AttachmentKind> = ['document', 'supplement'];
/** Officer roles that may add files to a dossier they can see. */
export const UPLOADER_ROLES: ReadonlyArray<OfficerRole> = ['receptionist', 'officer', 'leader'];

export type AttachmentView = {
  id: string;
  dossierId: string | null;
  draftId: string | null;
  kind: AttachmentKind;
  slot: string;
  versionNo: number;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  uploadedAt: string;
  uploadedBy: string | null;
};

export function toAttachmentView(a: AttachmentRow): AttachmentView {
  return {
    id: a.id,
    dossierId: a.dossier_id,
    draftId: a.draft_id,
    kind: a.kind,
    slot: a.slot,
    versionNo: a.version_no,
    fileName: a.file_name,
    mediaType: a.media_type,
    sizeBytes: Number(a.size_bytes),
    sha256: a.sha256,
    uploadedAt: a.uploaded_at.toISOString(),
    uploadedBy: a.uploaded_by,
  };
}

/** Where a file goes. */
export type UploadTarget = { dossierId: string } | { draftId: string };

/** An upload as the client sent it: nothing in it is trusted yet. */
export type RawUpload = { kind: AttachmentKind; slot: string; fileName: string | undefined; bytes: Uint8Array };

function draftNotFound(): Problem {
  return new Problem('not_found', { detail: { vi: 'Không tìm thấy hồ sơ nháp', en: 'Draft not found' } });
}

function kindForbidden(): Problem {
  return new Problem('forbidden', {
    detail: {
      vi: 'Bạn không được tải lên loại tệp đính kèm này cho hồ sơ',
      en: 'You may not upload this kind of attachment to the dossier',
    },
  });
}

/**
 * May the actor put files on the target at all (before reading a byte of the body)? Unknown
 * dossiers, dossiers the actor cannot see and drafts of someone else all answer 404. With `kind`,
 * also checks the kind: applicants add documents and supplements; officers with a handling role
 * add any kind, including results.
 */
export async function assertCanUpload(
  ex: Executor,
  actor: Actor,
  target: UploadTarget,
  kind?: AttachmentKind,
  opts: { forUpdate?: boolean } = {},
): Promise<void> {
  if ('dossierId' in target) {
    const row = await findVisibleDossier(ex, actor, target.dossierId, opts);
    if (actor.kind === 'officer') {
      if (!actor.roles.some((r) => UPLOADER_ROLES.includes(r))) throw new Problem('forbidden');
      // The result document comes only from whoever makes the result (dossier.approval.ts).
      if (kind === 'result') await assertMayAttachResult(ex, actor, row);
      return;
    }
    if (kind && !APPLICANT_KINDS.includes(kind)) throw kindForbidden();
    return;
  }
  // Drafts belong to the citizen who writes them; nobody else sees them.
  if (actor.kind !== 'applicant') throw draftNotFound();
  if (!(await ownsDraft(ex, target.draftId, actor.userId, { forUpdate: opts.forUpdate === true }))) {
    throw draftNotFound();
  }
  if (kind && !APPLICANT_KINDS.includes(kind)) throw kindForbidden();
}

/**
 * Store an uploaded file as the next version of its slot. Order matters for "nothing lost, nothing
 * half-done": authorize, inspect the content (415/413/400/422 leave no trace), store the blob, then
 * — in one transaction holding the dossier's (or draft's) row lock, so two concurrent uploads to
 * one slot get distinct version numbers — insert the row and its audit entry. A failure after the
 * blob is stored leaves only an unreferenced blob, never a row without bytes.
 */
export async function uploadAttachment(
  db: Db,
  storage: BlobStorage,
  ctx: CommandContext,
  target: UploadTarget,
  upload: RawUpload,
  opts: { maxBytes: number },
): Promise<AttachmentRow> {
  await assertCanUpload(db, ctx.actor, target, upload.kind);
  const file = await inspectUpload(upload.bytes, upload.fileName, opts);
  const blob = await storage.put(upload.bytes);

  return db.transaction().execute(async (tx) => {
    await assertCanUpload(tx, ctx.actor, target, upload.kind, { forUpdate: true });
    const scope = tx
      .selectFrom('attachments')
      .where('slot', '=', upload.slot)
      .where((eb) =>
        'dossierId' in target
          ? eb('dossier_id', '=', target.dossierId)
          : eb.and([eb('draft_id', '=', target.draftId), eb('dossier_id', 'is', null)]),
      );
    const { last } = await scope
      .select(sql<number>`coalesce(max(version_no), 0)::int`.as('last'))
      .executeTakeFirstOrThrow();
    const row = await attachStoredFile(tx, ctx, {
      owner: target,
      kind: upload.kind,
      slot: upload.slot,
      versionNo: last + 1,
      fileName: file.fileName,
      mediaType: file.mediaType,
      sizeBytes: blob.size,
      sha256: blob.sha256,
    });
    return row;
  });
}

/** All versions of all slots of a dossier: slots in order, newest version first. No authorization. */
export async function attachmentsOf(ex: Executor, dossierId: string): Promise<AttachmentRow[]> {
  return ex
    .selectFrom('attachments')
    .selectAll()
    .where('dossier_id', '=', dossierId)
    .orderBy('slot')
    .orderBy('version_no', 'desc')
    .execute();
}

/** The files of a draft not yet moved to a dossier, same order. No authorization. */
export async function attachmentsOfDraft(ex: Executor, draftId: string): Promise<AttachmentRow[]> {
  return ex
    .selectFrom('attachments')
    .selectAll()
    .where('draft_id', '=', draftId)
    .where('dossier_id', 'is', null)
    .orderBy('slot')
    .orderBy('version_no', 'desc')
    .execute();
}

/** A dossier's attachments for someone who may see the dossier (404 dossier_not_found otherwise). */
export async function listDossierAttachments(ex: Executor, actor: Actor, dossierId: string): Promise<AttachmentRow[]> {
  await findVisibleDossier(ex, actor, dossierId);
  return attachmentsOf(ex, dossierId);
}

/**
 * On submission, a draft's files become the new dossier's (same slots and version numbers). Call
 * inside the submitting transaction. `draft_id` stays as provenance; once `dossier_id` is set the
 * dossier's visibility rule governs access. Returns how many rows moved.
 */
export async function moveDraftAttachments(tx: Tx, draftId: string, dossierId: string): Promise<number> {
  const r = await tx
    .updateTable('attachments')
    .set({ dossier_id: dossierId })
    .where('draft_id', '=', draftId)
    .where('dossier_id', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * An attachment the actor may read: its dossier is visible to them, or (not yet submitted) its
 * draft is theirs. Anything else — unknown id included — is 404 attachment_not_found, so a guessed
 * id reveals nothing.
 */
export async function findReadableAttachment(ex: Executor, actor: Actor, attachmentId: string): Promise<AttachmentRow> {
  // API clients read dossiers, not their files.
  if (actor.kind === 'anonymous' || actor.kind === 'client') throw new Problem('attachment_not_found');
  const userId = actor.userId;
  const row = await ex
    .selectFrom('attachments as at')
    .selectAll('at')
    .where('at.id', '=', attachmentId)
    .where((eb) =>
      eb.or([
        eb.and([eb('at.dossier_id', 'is not', null), dossierVisibleTo(ex, 'at.dossier_id', actor)]),
        eb.and([eb('at.dossier_id', 'is', null), draftOwnedBy(ex, 'at.draft_id', userId)]),
      ]),
    )
    .executeTakeFirst();
  if (!row) throw new Problem('attachment_not_found');
  return row;
}

// ——— download headers ———

/**
 * `Content-Disposition: attachment` with an ASCII fallback and the exact UTF-8 name
 * (RFC 6266 with RFC 5987/8187 `filename*`), so "Giấy khai sinh.pdf" arrives as itself.
 */
export function contentDisposition(fileName: string, kind: 'attachment' | 'inline' = 'attachment'): string {
  const ascii =
    fileName
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      .replace(/[^\x20-\x7e]/g, '_')
      .replace(/["\\%]/g, '_') || 'download';
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

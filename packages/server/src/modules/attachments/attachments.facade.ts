import type { Executor, Tx } from '../../db/database.ts';
import type { AttachmentRow } from '../../db/schema.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { actorUserId, auditFields, recordAudit } from '../audit/audit.service.ts';
import type { AttachmentView, UploadTarget } from './attachments.service.ts';

/**
 * Which slots a dossier already has, and a stored blob attached with its audit row: what uploads
 * and the GovStack facade (its documents are stored by the facade itself) share.
 * The caller holds the lock that makes a slot attached once (the dossier's row).
 */

/** Which of these slots already hold a file of the dossier. */
export async function slotsPresent(ex: Executor, dossierId: string, slots: readonly string[]): Promise<Set<string>> {
  if (slots.length === 0) return new Set();
  const rows = await ex
    .selectFrom('attachments')
    .select('slot')
    .where('dossier_id', '=', dossierId)
    .where('slot', 'in', [...slots])
    .execute();
  return new Set(rows.map((a) => a.slot));
}

export type StoredFile = Pick<
  AttachmentView,
  'kind' | 'slot' | 'versionNo' | 'fileName' | 'mediaType' | 'sizeBytes' | 'sha256'
> & {
  /** Whose file: a dossier's, or (before submission) a citizen's draft's. */
  owner: UploadTarget;
};

/**
 * An already stored blob as a file of a dossier or draft, uploaded by the context's actor, with
 * its `attachment.upload` audit row (`details` added to the row's facts), in the caller's
 * transaction. The one place an attachment row is created (uploads, GovStack documents).
 */
export async function attachStoredFile(
  tx: Tx,
  ctx: CommandContext,
  f: StoredFile,
  details: Record<string, unknown> = {},
): Promise<AttachmentRow> {
  const owner =
    'dossierId' in f.owner
      ? { dossier_id: f.owner.dossierId, draft_id: null }
      : { dossier_id: null, draft_id: f.owner.draftId };
  const row = await tx
    .insertInto('attachments')
    .values({
      ...owner,
      kind: f.kind,
      slot: f.slot,
      version_no: f.versionNo,
      file_name: f.fileName,
      media_type: f.mediaType,
      size_bytes: f.sizeBytes,
      sha256: f.sha256,
      uploaded_by: actorUserId(ctx.actor),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(tx, {
    ...auditFields(ctx),
    action: 'attachment.upload',
    targetType: 'attachment',
    targetId: row.id,
    result: 'ok',
    details: {
      ...owner,
      kind: f.kind,
      slot: f.slot,
      versionNo: f.versionNo,
      mediaType: f.mediaType,
      sizeBytes: f.sizeBytes,
      sha256: f.sha256,
      ...details,
    },
  });
  return row;
}

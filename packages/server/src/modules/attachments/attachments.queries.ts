import type { ClientBase } from 'pg';
import type { Executor } from '../../db/database.ts';

/**
 * What other modules ask of the attachments, so that only this module names the `attachments`
 * table (src/ownership.ts): a dossier's result file, which files belong where, a draft's files.
 */

/** A dossier's newest file of kind `result` (newest upload, then newest version), if any. */
export async function newestResultFile(
  ex: Executor,
  dossierId: string,
): Promise<{ id: string; sha256: string } | undefined> {
  return ex
    .selectFrom('attachments')
    .select(['id', 'sha256'])
    .where('dossier_id', '=', dossierId)
    .where('kind', '=', 'result')
    .orderBy('uploaded_at', 'desc')
    .orderBy('version_no', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Which of these attachment ids are files of this dossier. */
export async function attachmentIdsOfDossier(
  ex: Executor,
  dossierId: string,
  ids: readonly string[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await ex
    .selectFrom('attachments')
    .select('id')
    .where('id', 'in', [...ids])
    .where('dossier_id', '=', dossierId)
    .execute();
  return rows.map((r) => r.id);
}

/** The slots that have at least one document file (kind `document`) in a draft not yet submitted. */
export async function draftDocumentSlots(ex: Executor, draftId: string): Promise<string[]> {
  const rows = await ex
    .selectFrom('attachments')
    .select('slot')
    .distinct()
    .where('draft_id', '=', draftId)
    .where('dossier_id', 'is', null)
    .where('kind', '=', 'document')
    .execute();
  return rows.map((r) => r.slot);
}

/** Delete the files of a draft not yet moved to a dossier (the stored bytes stay); returns how many. */
export async function deleteDraftAttachments(ex: Executor, draftId: string): Promise<number> {
  const rows = await ex
    .deleteFrom('attachments')
    .where('draft_id', '=', draftId)
    .where('dossier_id', 'is', null)
    .returning('id')
    .execute();
  return rows.length;
}

/** The SHA-256 of every blob the attachments reference, read on the caller's connection (e.g. a backup's snapshot). */
export async function referencedBlobDigests(c: ClientBase): Promise<string[]> {
  const r = await c.query<{ sha256: string }>('SELECT DISTINCT sha256 FROM attachments');
  return r.rows.map((x) => x.sha256);
}

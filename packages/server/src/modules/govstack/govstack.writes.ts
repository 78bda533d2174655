import type { Db, Executor, Tx } from '../../db/database.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import { attachStoredFile, slotsPresent } from '../attachments/attachments.facade.ts';
import { auditFields, recordAudit } from '../audit/audit.service.ts';
import { SYSTEM_CTX } from '../dossiers/dossier.actors.ts';
import { lockDossier } from '../dossiers/dossier.store.ts';
import { submitDossier } from '../dossiers/dossier.submit.ts';
import { operatorActor } from './govstack.actors.ts';
import { assertDossierInScope, assertProcedureInScope, type GovstackClient } from './govstack.auth.ts';
import { fileView, findFile } from './govstack.files.ts';
import { documentIdOf, mapId } from './govstack.ids.ts';
import { type FileMeta, plainValues } from './govstack.model.ts';
import { findService } from './govstack.services.ts';

/**
 * The writes of the GovStack facade (docs/govstack.md): submitting and updating an application
 * file. Every dossier write goes through the dossier service (one transaction with history, outbox
 * and audit).
 */

export type SubmitBody = {
  applicationName?: string | undefined;
  applicantId: string;
  created?: string | undefined;
  formData?: { data?: Record<string, unknown> | undefined; eFormId?: string | undefined } | undefined;
  documentUrls?: string[] | undefined;
};

/**
 * POST /services/{serviceId}/applications: a dossier entered by the GovStack intake account (the
 * one-stop unit that receives what the integration layer brings), received on the spot. The
 * dossier, its GovStack file (id map and metadata) and the attachments of the stored documents it
 * names are one transaction: a failure anywhere leaves nothing behind.
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
  const meta: FileMeta = {
    applicantId: body.applicantId,
    ...(body.applicationName ? { applicationName: body.applicationName } : {}),
    ...(body.created ? { created: body.created } : {}),
    documentUrls: body.documentUrls ?? [],
    ...(body.formData?.eFormId ? { eFormId: body.formData.eFormId } : {}),
  };
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
    {
      ...(opts.codePattern === undefined ? {} : { codePattern: opts.codePattern }),
      ...(opts.validateForm ? { validateForm: opts.validateForm } : {}),
      // The GovStack file and its attachments are part of the submission: all of it or nothing.
      alsoInTransaction: async (tx, dossierId) => {
        await mapId(tx, 'file', dossierId, dossierId, meta as Record<string, unknown>);
        await attachDocuments(tx, dossierId, documents, ctx);
      },
    },
  );
  const id = (r.body as { id: string }).id;
  return fileView(db, (await findFile(db, id))!);
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
 * `govstack:<document id>`, uploaded by the acting officer, each with its audit row, in the
 * caller's transaction (the submission's or the update's). A document already attached to the
 * dossier is not attached again.
 */
async function attachDocuments(tx: Tx, dossierId: string, docs: StoredDocument[], ctx: CommandContext) {
  if (!docs.length) return;
  // One attacher at a time per dossier: a slot is attached once.
  await lockDossier(tx, SYSTEM_CTX, dossierId);
  const slots = docs.map((doc) => `govstack:${doc.id}`);
  const present = await slotsPresent(tx, dossierId, slots);
  for (const doc of docs) {
    const slot = `govstack:${doc.id}`;
    if (present.has(slot)) continue;
    await attachStoredFile(
      tx,
      ctx,
      {
        owner: { dossierId },
        kind: 'document',
        slot,
        versionNo: 1,
        fileName: doc.fileName,
        mediaType: doc.mediaType,
        sizeBytes: doc.size,
        sha256: doc.sha256,
      },
      { govstack: doc.id },
    );
  }
}

/**
 * PUT /applications/{fileId}: the operator's form data. The applicant's e-form values stay as
 * submitted (they are the dossier's legal content); the operator's data is kept with the GovStack
 * file and shown by the facade. One transaction with its audit row and the attachments of the
 * stored documents it newly names; the dossier itself does not change.
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
  const intake = documents.length ? await operatorActor(db, 'intake') : null;
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
    if (intake) await attachDocuments(tx, d.id, documents, { actor: intake, requestId });
  });
  return fileView(db, (await findFile(db, fileId))!);
}

import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { Db } from '../src/db/database.ts';
import type { TestApp } from './helpers.ts';

/**
 * The citizen's side of an online application in tests: a draft with a file for every mandatory
 * document component (what the portal's wizard does before "Nộp hồ sơ"), its id then goes in the
 * submission as `draftId`.
 */

export const TINY_PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

type Who = { headers: Record<string, string> };

/** A multipart body as a browser would send it. */
export async function multipartBody(
  fields: Record<string, string>,
  file: { bytes: Buffer; fileName: string; type?: string },
): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([file.bytes], { type: file.type ?? 'application/pdf' }), file.fileName);
  const req = new Request('http://localhost/', { method: 'POST', body: form });
  return { body: Buffer.from(await req.arrayBuffer()), contentType: req.headers.get('content-type')! };
}

/** Upload one file to a draft slot through the API. */
export async function uploadToDraft(
  app: TestApp,
  who: Who,
  draftId: string,
  slot: string,
  file: { bytes: Buffer; fileName: string; type?: string } = { bytes: TINY_PDF, fileName: `${slot}.pdf` },
) {
  const { body, contentType } = await multipartBody({ slot, kind: 'document' }, file);
  return app.inject({
    method: 'POST',
    url: `/api/v1/drafts/${draftId}/attachments`,
    headers: { ...who.headers, 'content-type': contentType },
    payload: body,
  });
}

/** Indexes of the procedure's mandatory document components (its published version). */
export async function mandatoryIndexes(db: Db, procedureId: string): Promise<number[]> {
  const v = await db
    .selectFrom('procedure_versions')
    .select('content')
    .where('procedure_id', '=', procedureId)
    .where('status', '=', 'published')
    .executeTakeFirstOrThrow();
  const docs = (v.content as { documents: { requirement: string }[] }).documents;
  return docs.flatMap((d, i) => (d.requirement === 'mandatory' ? [i] : []));
}

/** Start (or resume) the citizen's draft of the procedure and attach every mandatory document. */
export async function draftWithMandatoryFiles(
  app: TestApp,
  db: Db,
  who: Who,
  procedureId: string,
  body: Record<string, unknown> = {},
): Promise<string> {
  const r = await app.inject({
    method: 'POST',
    url: '/api/v1/drafts',
    headers: who.headers,
    payload: { procedureId, ...body },
  });
  expect([200, 201], r.body).toContain(r.statusCode);
  const draftId = r.json().id as string;
  for (const i of await mandatoryIndexes(db, procedureId)) {
    const up = await uploadToDraft(app, who, draftId, `doc-${i}`);
    expect(up.statusCode, up.body).toBe(201);
  }
  return draftId;
}

/**
 * The same, written straight to the database, for tests that call the submission service without
 * HTTP. The rows point at a blob that is never read.
 */
export async function insertDraftWithMandatoryFiles(db: Db, userId: string, procedureId: string): Promise<string> {
  const v = await db
    .selectFrom('procedure_versions')
    .select('id')
    .where('procedure_id', '=', procedureId)
    .where('status', '=', 'published')
    .executeTakeFirstOrThrow();
  const existing = await db
    .selectFrom('dossier_drafts')
    .select('id')
    .where('applicant_user_id', '=', userId)
    .where('procedure_id', '=', procedureId)
    .executeTakeFirst();
  const draftId =
    existing?.id ??
    (
      await db
        .insertInto('dossier_drafts')
        .values({ applicant_user_id: userId, procedure_version_id: v.id })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const sha256 = createHash('sha256').update(TINY_PDF).digest('hex');
  const indexes = await mandatoryIndexes(db, procedureId);
  if (indexes.length > 0) {
    await db
      .insertInto('attachments')
      .values(
        indexes.map((i) => ({
          draft_id: draftId,
          kind: 'document' as const,
          slot: `doc-${i}`,
          version_no: 1,
          file_name: `doc-${i}.pdf`,
          media_type: 'application/pdf',
          size_bytes: TINY_PDF.length,
          sha256,
          uploaded_by: userId,
        })),
      )
      .execute();
  }
  return draftId;
}

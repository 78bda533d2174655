import { createHash } from 'node:crypto';
import type { Db } from '../src/db/database.ts';
import type { TestApp } from './helpers.ts';

/**
 * The result document a leader approves and confirms (issue 13): `approve` at a signing step and
 * `sign` need one attached to the dossier as kind `result`. Tests attach it the way officers do.
 */

/** A small valid PDF whose bytes (and so SHA-256) differ with `label`. */
export function resultPdf(label = 'Giấy chứng nhận'): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${label}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
}

/** Upload a result file through the API as `headers`' user; returns the attachment's id and SHA-256. */
export async function uploadResultFile(
  app: TestApp,
  headers: Record<string, string>,
  dossierId: string,
  opts: { label?: string; fileName?: string } = {},
): Promise<{ id: string; sha256: string; statusCode: number }> {
  const form = new FormData();
  form.append('slot', 'result');
  form.append('kind', 'result');
  form.append(
    'file',
    new Blob([resultPdf(opts.label)], { type: 'application/pdf' }),
    opts.fileName ?? 'Giấy chứng nhận.pdf',
  );
  const req = new Request('http://x/', { method: 'POST', body: form });
  const r = await app.inject({
    method: 'POST',
    url: `/api/v1/dossiers/${dossierId}/attachments`,
    headers: { ...headers, 'content-type': req.headers.get('content-type')! },
    payload: Buffer.from(await req.arrayBuffer()),
  });
  if (r.statusCode !== 201) return { id: '', sha256: '', statusCode: r.statusCode };
  const body = r.json() as { id: string; sha256: string };
  return { id: body.id, sha256: body.sha256, statusCode: r.statusCode };
}

/** For service-level tests without HTTP or blob storage: the row a result upload would write. */
export async function insertResultFile(db: Db, dossierId: string, uploadedBy: string | null): Promise<string> {
  const bytes = resultPdf(dossierId);
  const row = await db
    .insertInto('attachments')
    .values({
      dossier_id: dossierId,
      draft_id: null,
      kind: 'result',
      slot: 'result',
      version_no: 1,
      file_name: 'Giấy chứng nhận.pdf',
      media_type: 'application/pdf',
      size_bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      uploaded_by: uploadedBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

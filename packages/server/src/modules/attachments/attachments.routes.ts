import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { commandContext } from '../../shared/command-context.ts';
import { type FieldError, fieldError, Problem } from '../../shared/problem.ts';
import { logOfficerFileRead } from '../dossiers/drafts.prefill.ts';
import {
  ATTACHMENT_KINDS,
  assertCanUpload,
  contentDisposition,
  findReadableAttachment,
  listDossierAttachments,
  type RawUpload,
  toAttachmentView,
  type UploadTarget,
  uploadAttachment,
} from './attachments.service.ts';
import { ALLOWED_TYPES } from './inspect.ts';
import { type BlobStorage, defaultStorage } from './storage.ts';

export const AttachmentView = z.object({
  id: z.uuid(),
  dossierId: z.uuid().nullable(),
  draftId: z.uuid().nullable(),
  kind: z.enum(ATTACHMENT_KINDS),
  slot: z.string(),
  versionNo: z.number().int(),
  fileName: z.string(),
  mediaType: z.string(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  uploadedAt: z.string(),
  uploadedBy: z.uuid().nullable(),
});

/** The text fields of an upload form. */
const UploadFields = z.strictObject({
  slot: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[^\p{Cc}\p{Cf}]+$/u),
  kind: z.enum(ATTACHMENT_KINDS),
});

const UPLOADERS = ['applicant', 'receptionist', 'officer', 'leader'] as const;
const IdParams = z.strictObject({ id: z.uuid() });

/** Types a browser shows itself; everything else is always downloaded. */
const PREVIEWABLE = new Set(['application/pdf', 'image/jpeg', 'image/png', 'image/webp']);
const ContentQuery = z.strictObject({ disposition: z.enum(['attachment', 'inline']).default('attachment') });

const UPLOAD_DESCRIPTION =
  'multipart/form-data: `slot` (≤ 100 ký tự, ví dụ "doc-0" cho thành phần hồ sơ số 0, "result"), `kind` ' +
  '(document | supplement | result | other) và một `file`. Loại tệp xác định theo nội dung: PDF, JPEG, PNG, ' +
  'TIFF, WebP, DOCX, XLSX, ODT. Errors: 400 file_empty / file_name_invalid / validation_failed, 403 forbidden, ' +
  '404 not found, 413 payload_too_large, 415 file_type_not_allowed / unsupported_media_type, 422 archive_suspicious.';

/** Multipart errors of @fastify/multipart and busboy, as problems. */
function multipartProblem(err: unknown): Problem {
  if (err instanceof Problem) return err;
  const code = (err as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new Problem('payload_too_large');
  const detail =
    code === 'FST_FILES_LIMIT'
      ? { vi: 'Mỗi lần chỉ gửi một tệp', en: 'Send one file per request' }
      : code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT'
        ? { vi: 'Biểu mẫu có quá nhiều trường', en: 'The form has too many fields' }
        : { vi: 'Nội dung multipart/form-data không đúng cấu trúc', en: 'The multipart/form-data body is malformed' };
  return new Problem('validation_failed', { detail });
}

/**
 * Read the form: the two text fields and exactly one file (held in memory, at most `maxBytes` + 1
 * bytes — the busboy limit — so an oversized file is seen as such and refused).
 */
async function readUpload(req: FastifyRequest, maxBytes: number): Promise<RawUpload> {
  if (!req.isMultipart()) throw new Problem('unsupported_media_type');
  const fields: Record<string, string> = {};
  let file: { fileName: string | undefined; bytes: Buffer } | undefined;
  const errors: FieldError[] = [];
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        if (part.fieldname !== 'file') errors.push(fieldError(`body.${part.fieldname}`, 'unrecognized_keys', req.lang));
        else file = { fileName: part.filename, bytes };
      } else if (part.fieldnameTruncated || part.valueTruncated) {
        errors.push(fieldError(`body.${part.fieldname}`, 'too_big', req.lang));
      } else {
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (err) {
    throw multipartProblem(err);
  }
  const parsed = UploadFields.safeParse(fields);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      const path = ['body', ...issue.path.map(String), ...(keys.length ? [keys.join(',')] : [])].join('.');
      errors.push(fieldError(path, issue.code, req.lang));
    }
  }
  if (!file) errors.push(fieldError('body.file', 'required', req.lang));
  if (errors.length || !parsed.success || !file) throw new Problem('validation_failed', { errors });
  if (file.bytes.byteLength > maxBytes) throw new Problem('payload_too_large');
  return { ...parsed.data, fileName: file.fileName, bytes: file.bytes };
}

/**
 * Upload, list and download attachments. Multipart parsing is registered here only, in this
 * plugin's scope, as the only body parser: any other request body is 415. @fastify/multipart
 * streams the body itself, so the app's 1 MB JSON body limit does not apply; the file limit is
 * `config.maxUploadBytes`. CSRF is checked by the app's onRequest hook for every cookie-authenticated
 * POST, multipart included.
 */
export async function attachmentRoutes(base: FastifyInstance, opts: { db: Db; config: Config; storage?: BlobStorage }) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db, config } = opts;
  const storage = opts.storage ?? defaultStorage(config);
  const maxBytes = config.maxUploadBytes;

  app.removeAllContentTypeParsers();
  await app.register(fastifyMultipart, {
    limits: {
      fileSize: maxBytes + 1,
      files: 1,
      fields: 5,
      fieldSize: 1024,
      fieldNameSize: 100,
      parts: 8,
      headerPairs: 20,
    },
  });

  const upload = async (req: FastifyRequest, target: UploadTarget) => {
    // Refuse unknown or foreign targets before reading a byte of the file.
    await assertCanUpload(db, req.actor, target);
    const raw = await readUpload(req, maxBytes);
    const row = await uploadAttachment(db, storage, commandContext(req), target, raw, { maxBytes });
    req.auditRecorded = true;
    return toAttachmentView(row);
  };

  app.post(
    '/dossiers/:id/attachments',
    {
      config: { access: UPLOADERS, auditAction: 'attachment.upload' },
      schema: {
        tags: ['attachments'],
        summary: 'Tải tệp lên hồ sơ / Upload a file to a dossier (next version of its slot)',
        description: UPLOAD_DESCRIPTION,
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 201: AttachmentView },
      },
    },
    async (req, reply) => reply.status(201).send(await upload(req, { dossierId: req.params.id })),
  );

  app.post(
    '/drafts/:id/attachments',
    {
      // A draft is its applicant's alone (every /drafts route is theirs).
      config: { access: ['applicant'], auditAction: 'attachment.upload' },
      schema: {
        tags: ['attachments'],
        summary: 'Tải tệp lên hồ sơ nháp / Upload a file to the caller’s draft',
        description: UPLOAD_DESCRIPTION,
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 201: AttachmentView },
      },
    },
    async (req, reply) => reply.status(201).send(await upload(req, { draftId: req.params.id })),
  );

  app.get(
    '/attachments/limits',
    {
      config: { access: 'public' },
      schema: {
        tags: ['attachments'],
        summary: 'Loại tệp và dung lượng tối đa được nhận / Accepted file types and the maximum size',
        description: 'What the upload routes accept, so a form can say so before the file is chosen.',
        response: {
          200: z.object({
            maxBytes: z.int(),
            types: z.array(z.object({ mediaType: z.string(), extensions: z.array(z.string()) })),
          }),
        },
      },
    },
    async () => ({
      maxBytes,
      types: Object.values(ALLOWED_TYPES).map((t) => ({ mediaType: t.mediaType, extensions: [...t.extensions] })),
    }),
  );

  app.get(
    '/dossiers/:id/attachments',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['attachments'],
        summary:
          'Tệp đính kèm của hồ sơ (mọi phiên bản) / A dossier’s attachments, all versions, newest first per slot',
        params: IdParams,
        response: { 200: z.object({ items: z.array(AttachmentView) }) },
      },
    },
    async (req) => ({ items: (await listDossierAttachments(db, req.actor, req.params.id)).map(toAttachmentView) }),
  );

  app.get(
    '/attachments/:id/content',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['attachments'],
        summary: 'Tải tệp về / Download an attachment’s bytes',
        description:
          'Errors: 404 attachment_not_found (also when the caller may not see it). `disposition=inline` shows a PDF or an image in the browser (the officer’s preview); other types are always downloaded.',
        params: IdParams,
        querystring: ContentQuery,
      },
    },
    async (req, reply) => {
      const a = await findReadableAttachment(db, req.actor, req.params.id);
      // An officer's read of an applicant's file goes to the applicant's access log (issue 17).
      if (req.actor.kind === 'officer' && a.dossier_id !== null) {
        await logOfficerFileRead(db, req.actor, a.dossier_id, a.file_name);
      }
      const inline = req.query.disposition === 'inline' && PREVIEWABLE.has(a.media_type);
      const stream = await storage.get(a.sha256);
      if (!stream) {
        req.log.error({ attachmentId: a.id, sha256: a.sha256 }, 'attachment blob missing from storage');
        throw new Problem('internal');
      }
      return (
        reply
          .type(a.media_type)
          .header('content-length', String(a.size_bytes))
          .header('content-disposition', contentDisposition(a.file_name, inline ? 'inline' : 'attachment'))
          .header('x-content-type-options', 'nosniff')
          // Uploads are typed from their bytes (no HTML or SVG gets in). A sandboxed document cannot
          // load the browser's PDF viewer, so an inline PDF is only kept to our own pages' frames.
          .header(
            'content-security-policy',
            inline && a.media_type === 'application/pdf' ? "frame-ancestors 'self'" : 'sandbox',
          )
          .header('cache-control', 'private, no-cache')
          .header('etag', `"${a.sha256}"`)
          .send(stream)
      );
    },
  );
}

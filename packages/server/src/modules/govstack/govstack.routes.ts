import { randomUUID } from 'node:crypto';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { PROBLEMS } from '../../shared/messages.ts';
import { Problem } from '../../shared/problem.ts';
import { inspectAnyUpload } from '../attachments/inspect.ts';
import { defaultStorage } from '../attachments/storage.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { coerceFormStrings, eformFieldErrors } from '../dossiers/dossier.eform.ts';
import { assertDossierInScope, clientOf, memberOf } from './govstack.auth.ts';
import { acceptFormBodies, declaredTypeOfDataUri, decodeBase64Document, isFormEncoded } from './govstack.bodies.ts';
import { fileView, findFile, listApplications } from './govstack.files.ts';
import { GOVSTACK_PREFIX, mapId } from './govstack.ids.ts';
import {
  AdditionalData,
  ApplicationFileSubmit,
  ApplicationsQuery,
  DocumentsQuery,
  EFormParams,
  FileParams,
  IM_CLIENT_HEADER,
  ServiceParams,
  ServicesQuery,
  StatisticsQuery,
  TaskParams,
  TasksQuery,
} from './govstack.schemas.ts';
import { getEForm, getService, listServiceEForms, listServices } from './govstack.services.ts';
import { statistics } from './govstack.statistics.ts';
import { completeTask, getTask, listTasks } from './govstack.tasks.ts';
import { submitApplication, updateApplication } from './govstack.writes.ts';

export { GOVSTACK_PREFIX };

/**
 * E-form values are checked like online ones (dossier.eform.ts); the facade's error carries the
 * first sentence. A form-encoded body's values are text: typed by the schema first.
 */
const formValidator = (req: FastifyRequest) => (schema: unknown, data: unknown) => {
  if (isFormEncoded(req)) coerceFormStrings(schema, data);
  validateForm(schema, data);
};

function validateForm(schema: unknown, data: unknown) {
  const errors = eformFieldErrors(schema, data, 'vi');
  if (errors.length === 0) return;
  throw new Problem('validation_failed', {
    detail: {
      vi: `Dữ liệu biểu mẫu không hợp lệ: ${errors.map((e) => e.message_vi).join('; ')}`,
      en: `The form data is invalid: ${errors.map((e) => e.message_en).join('; ')}`,
    },
    errors,
  });
}

/** The spec's `systemError`: what every 4xx/5xx of the facade answers (application/json). */
function systemError(p: Problem, traceId: string) {
  const t = PROBLEMS[p.code];
  return {
    traceId,
    code: p.code,
    message: p.detail?.en ?? t.en,
    localizedMessage: p.detail?.vi ?? t.vi,
  };
}

/** The request id carries the calling subsystem into the audit rows of the dossier service. */
const traceOf = (req: FastifyRequest, client: string | null) => (client ? `${req.id} ${client}`.slice(0, 300) : req.id);

/**
 * Registered API clients only (bearer token, docs/govstack.md §2): `access: []` admits no session
 * user, the scope admits the client (http/app.ts). Reads and writes are separate grants.
 */
const READ = { access: [] as const, clientScope: 'govstack:read' as const, csrfExempt: true };
const WRITE = { access: [] as const, clientScope: 'govstack:write' as const, csrfExempt: true };
const tags = ['govstack'];

/**
 * GovStack Registration Building Block API (v0.1.1) and its statistics API under `/govstack`.
 * The spec has no security scheme of its own: in the GovStack architecture the Information
 * Mediator authenticates the calling member. Here every call needs a registered API client's
 * bearer token with `govstack:read` or `govstack:write`; an `Information-Mediator-Client` header
 * must name a subsystem registered on that client (required where the spec requires it); the
 * client sees and acts on its own agencies' dossiers only; every call is in the exchange log
 * (http/app.ts onSend). docs/govstack.md §2.
 */
export async function govstackRoutes(base: FastifyInstance, opts: { db: Db; config: Config }) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db, config } = opts;

  app.setErrorHandler((err: FastifyError, req, reply) => {
    let p: Problem;
    if (err instanceof Problem) p = err;
    else if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      p = new Problem('validation_failed', {
        detail: {
          vi: `Yêu cầu không hợp lệ (${where})`,
          en: `Invalid ${where}: ${err.validation.map((v) => `${v.instancePath || '/'} ${v.message ?? ''}`).join('; ')}`,
        },
      });
    } else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') p = new Problem('payload_too_large');
    else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      p = new Problem('validation_failed', { detail: { vi: 'Yêu cầu không hợp lệ', en: err.message } });
    } else {
      req.log.error({ err }, 'govstack: unhandled error');
      p = new Problem('internal');
    }
    req.problemCode = p.code;
    return reply.status(p.status).type('application/json; charset=utf-8').send(systemError(p, req.id));
  });

  acceptFormBodies(app);

  // Where the spec leaves the header optional, a client that sends it must still be registered as that subsystem.
  app.addHook('preHandler', async (req) => {
    if (req.headers[IM_CLIENT_HEADER] !== undefined) await memberOf(db, req);
  });

  app.get(
    '/services',
    {
      config: READ,
      schema: { tags, summary: 'GovStack: services (published procedures)', querystring: ServicesQuery },
    },
    async (req) => listServices(db, req.query.name),
  );

  app.get(
    '/services/:serviceId',
    { config: READ, schema: { tags, summary: 'GovStack: one service', params: ServiceParams } },
    async (req) => getService(db, req.params.serviceId),
  );

  app.get(
    '/services/:serviceId/eForms',
    { config: READ, schema: { tags, summary: 'GovStack: the e-forms of a service', params: ServiceParams } },
    async (req) => listServiceEForms(db, req.params.serviceId),
  );

  app.get(
    '/eForms/:eFormId',
    { config: READ, schema: { tags, summary: 'GovStack: an e-form with its JSON Schema', params: EFormParams } },
    async (req) => getEForm(db, req.params.eFormId),
  );

  app.post(
    '/services/:serviceId/applications',
    {
      config: { ...WRITE, auditAction: 'govstack.submit_application' },
      schema: {
        tags,
        summary: 'GovStack: submit an application file (a dossier, received by the intake account)',
        params: ServiceParams,
        body: ApplicationFileSubmit,
      },
    },
    async (req) => {
      const member = await memberOf(db, req);
      const r = await submitApplication(db, req.params.serviceId, req.body, traceOf(req, member), {
        codePattern: config.dossierCodePattern,
        validateForm: formValidator(req),
        client: clientOf(req),
      });
      req.auditRecorded = true;
      return r;
    },
  );

  app.get(
    '/applications',
    {
      config: READ,
      schema: { tags, summary: 'GovStack: application files (dossiers)', querystring: ApplicationsQuery },
    },
    async (req) => {
      await memberOf(db, req);
      return listApplications(db, req.query, clientOf(req));
    },
  );

  app.get(
    '/applications/:fileId',
    { config: READ, schema: { tags, summary: 'GovStack: one application file', params: FileParams } },
    async (req) => {
      await memberOf(db, req);
      const d = await findFile(db, req.params.fileId);
      if (!d) throw new Problem('not_found');
      await assertDossierInScope(db, clientOf(req), d.id);
      return fileView(db, d);
    },
  );

  app.put(
    '/applications/:fileId',
    {
      config: { ...WRITE, auditAction: 'govstack.update_application' },
      schema: {
        tags,
        summary: "GovStack: the operator's form data on an application file",
        params: FileParams,
        body: ApplicationFileSubmit,
      },
    },
    async (req) => {
      const member = await memberOf(db, req);
      const r = await updateApplication(db, req.params.fileId, req.body, traceOf(req, member), clientOf(req));
      req.auditRecorded = true;
      return r;
    },
  );

  app.get(
    '/tasks',
    {
      config: READ,
      schema: { tags, summary: 'GovStack: open tasks (steps waiting for an officer)', querystring: TasksQuery },
    },
    async (req) => listTasks(db, req.query, clientOf(req)),
  );

  app.get(
    '/tasks/:taskId',
    { config: READ, schema: { tags, summary: 'GovStack: one task (a step visit)', params: TaskParams } },
    async (req) => getTask(db, req.params.taskId, clientOf(req)),
  );

  app.post(
    '/tasks/:taskId/complete',
    {
      config: { ...WRITE, auditAction: 'govstack.complete_task' },
      schema: { tags, summary: 'GovStack: complete a task', params: TaskParams, body: AdditionalData },
    },
    async (req) => {
      const member = req.headers[IM_CLIENT_HEADER] === undefined ? null : await memberOf(db, req);
      const r = await completeTask(db, req.params.taskId, req.body.data ?? {}, traceOf(req, member), clientOf(req));
      req.auditRecorded = true;
      return r;
    },
  );

  // The statistics API at its published versioned path and at the bare one (clients in the field call both).
  for (const url of ['/data/statistics', '/data/statistics/1.0']) {
    app.get(
      url,
      { config: READ, schema: { tags, summary: 'GovStack: statistics of decisions', querystring: StatisticsQuery } },
      async (req) => {
        await memberOf(db, req);
        return statistics(db, req.query);
      },
    );
  }

  // Documents: multipart (a file part, or base64 text in `file`) or JSON with base64, in a scope of its own.
  await app.register(async (scope) => {
    const storage = defaultStorage(config);
    // base64 is 4/3 of the bytes, plus line breaks and a data: prefix.
    const base64Limit = Math.ceil((config.maxUploadBytes * 4) / 3) + 64 * 1024;
    scope.removeAllContentTypeParsers();
    await scope.register(fastifyMultipart, {
      limits: { fileSize: config.maxUploadBytes + 1, files: 1, fields: 10, fieldSize: base64Limit, parts: 12 },
    });
    // Fastify's own JSON parser (prototype-poisoning checks), with room for a base64 document.
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: base64Limit },
      scope.getDefaultJsonParser('error', 'error'),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/documents',
      {
        config: { ...WRITE, auditAction: 'govstack.upload_document' },
        schema: {
          tags,
          summary: 'GovStack: upload a document (stored; its url links it to an application)',
          description:
            'multipart/form-data with one `file` (a file part, or base64 text), or application/json ' +
            '`{ "file": "<base64>", "fileName": "…" }`. Any media type: PDF, images and office documents ' +
            'are recognized from their content; anything else is stored inert (application/octet-stream, ' +
            'download only).',
          querystring: DocumentsQuery,
        },
      },
      async (req) => {
        const upload = await readDocument(req);
        // 2. The attachment rules (type read from the content, size, zip structure): the document
        // becomes an attachment of the dossier its url is sent with. A refusal is the spec's 400.
        const file = await inspectAnyUpload(upload.bytes, upload.name, { maxBytes: config.maxUploadBytes }).catch(
          (e: unknown) => {
            throw e instanceof Problem
              ? new Problem('validation_failed', {
                  detail: e.detail ?? { vi: PROBLEMS[e.code].vi, en: PROBLEMS[e.code].en },
                })
              : e;
          },
        );
        // 3. Stored, then recorded with its audit row in one transaction (a failure here is a 500).
        const blob = await storage.put(upload.bytes);
        const id = randomUUID();
        await db.transaction().execute(async (tx) => {
          await mapId(tx, 'document', id, blob.sha256, {
            fileName: file.fileName,
            mediaType: file.mediaType,
            ...(file.inert && upload.declaredType ? { declaredMediaType: upload.declaredType } : {}),
            size: blob.size,
            additionalMetadata: req.query.additionalMetadata ?? null,
          });
          await recordAudit(tx, {
            actorId: null,
            actorKind: 'system',
            agencyId: null,
            action: 'govstack.upload_document',
            targetType: 'govstack_document',
            targetId: id,
            requestId: req.id,
            result: 'ok',
            details: {
              sha256: blob.sha256,
              size: blob.size,
              mediaType: file.mediaType,
              inert: file.inert,
              clientId: clientOf(req).clientId,
            },
          });
        });
        req.auditRecorded = true;
        return { code: 200, type: 'document', message: 'uploaded', url: `${GOVSTACK_PREFIX}/documents/${id}` };
      },
    );
  });
}

const NO_FILE = () =>
  new Problem('validation_failed', {
    detail: { vi: 'Thiếu tệp (trường `file`)', en: 'No file was sent (field `file`)' },
  });

type Upload = { bytes: Buffer; name: string | undefined; declaredType: string | undefined };

/** A base64 document has no name of its own: `fileName` names it, or a neutral one is given. */
const DEFAULT_NAME = 'tai-lieu';

/** The one document of a POST /documents, in any of the shapes clients send (govstack.bodies.ts). */
async function readDocument(req: FastifyRequest): Promise<Upload> {
  if (!req.isMultipart()) {
    const body = req.body as { file?: unknown; fileName?: unknown } | undefined;
    const file = Array.isArray(body?.file) && body.file.length === 1 ? body.file[0] : body?.file;
    if (Array.isArray(body?.file) && body.file.length > 1) throw oneFileOnly();
    if (typeof file !== 'string' || !file) throw NO_FILE();
    const bytes = decodeBase64Document(file);
    const name = typeof body?.fileName === 'string' ? body.fileName : DEFAULT_NAME;
    return { bytes, name, declaredType: declaredTypeOfDataUri(file) };
  }
  let upload: Upload | null = null;
  let fileName: string | undefined;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        if (bytes.byteLength === 0) continue;
        if (upload) throw oneFileOnly();
        upload = { bytes, name: part.filename, declaredType: part.mimetype };
      } else if (part.fieldname === 'file' && typeof part.value === 'string' && part.value) {
        if (upload) throw oneFileOnly();
        upload = {
          bytes: decodeBase64Document(part.value),
          name: undefined,
          declaredType: declaredTypeOfDataUri(part.value),
        };
      } else if (part.fieldname === 'fileName' && typeof part.value === 'string') fileName = part.value;
    }
  } catch (err) {
    if (err instanceof Problem) throw err;
    throw new Problem('validation_failed', {
      detail: {
        vi: 'Nội dung multipart/form-data không đúng (một tệp, trường `file`)',
        en: 'The multipart/form-data body is malformed (one file, field `file`)',
      },
    });
  }
  if (!upload) throw NO_FILE();
  return { ...upload, name: upload.name || fileName || DEFAULT_NAME };
}

function oneFileOnly(): Problem {
  return new Problem('validation_failed', {
    detail: {
      vi: 'Mỗi lần chỉ tải lên một tệp (phản hồi trả về một đường dẫn)',
      en: 'One file per upload (the answer carries one url)',
    },
  });
}

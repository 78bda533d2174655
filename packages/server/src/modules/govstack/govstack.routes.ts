import { randomUUID } from 'node:crypto';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { PROBLEMS } from '../../http/messages.ts';
import { Problem } from '../../http/problem.ts';
import { inspectUpload } from '../attachments/inspect.ts';
import { defaultStorage } from '../attachments/storage.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { eformFieldErrors } from '../dossiers/dossier.eform.ts';
import { assertDossierInScope, clientOf, memberOf } from './govstack.auth.ts';
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
import {
  completeTask,
  fileView,
  findFile,
  getEForm,
  getService,
  getTask,
  listApplications,
  listServiceEForms,
  listServices,
  listTasks,
  submitApplication,
  updateApplication,
} from './govstack.service.ts';
import { statistics } from './govstack.statistics.ts';

export { GOVSTACK_PREFIX };

/** E-form values are checked like online ones (dossier.eform.ts); the facade's error carries the first sentence. */
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
        validateForm,
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

  // Documents: multipart only, in a scope of their own (the rest of the facade speaks JSON).
  await app.register(async (scope) => {
    const storage = defaultStorage(config);
    scope.removeAllContentTypeParsers();
    await scope.register(fastifyMultipart, {
      limits: { fileSize: config.maxUploadBytes + 1, files: 1, fields: 10, fieldSize: 4096, parts: 12 },
    });
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/documents',
      {
        config: { ...WRITE, auditAction: 'govstack.upload_document' },
        schema: {
          tags,
          summary: 'GovStack: upload a document (stored; its url links it to an application)',
          querystring: DocumentsQuery,
        },
      },
      async (req) => {
        const missing = new Problem('validation_failed', {
          detail: { vi: 'Thiếu tệp (trường `file`)', en: 'No file was sent (field `file`)' },
        });
        if (!req.isMultipart()) throw missing;
        // 1. Read the one file (the spec's response carries one url). Anything malformed → 400.
        let upload: { bytes: Buffer; name: string | undefined } | null = null;
        try {
          for await (const part of req.parts()) {
            if (part.type !== 'file') continue;
            const bytes = await part.toBuffer();
            if (bytes.byteLength > 0) upload = { bytes, name: part.filename };
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
        if (!upload) throw missing;
        // 2. The attachment rules (type read from the content, size, zip structure): the document
        // becomes an attachment of the dossier its url is sent with. A refusal is the spec's 400.
        const file = await inspectUpload(upload.bytes, upload.name, { maxBytes: config.maxUploadBytes }).catch(
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

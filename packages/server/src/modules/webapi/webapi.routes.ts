import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { Problem } from '../../http/problem.ts';
import { commandContext } from '../accounts/accounts.routes.ts';
import { toAttachmentView } from '../attachments/attachments.service.ts';
import { auditFields, recordAudit } from '../audit/audit.service.ts';
import { ProcedureAdminView } from '../catalog/catalog.schemas.ts';
import { getAdminView } from '../catalog/catalog.service.ts';

/**
 * Small read/write routes the web app needs beside the domain modules: the citizen's drafts
 * (hồ sơ lưu nháp — the e-form saved before submission, with its uploaded files) and the
 * administrator's view of a procedure with its draft and row version (to edit and publish it).
 */

const IdParams = z.strictObject({ id: z.uuid() });
const FormData = z.record(z.string(), z.unknown());

const DraftView = z.object({
  id: z.uuid(),
  procedureId: z.uuid(),
  procedureVersionId: z.uuid(),
  procedureName: z.string(),
  formData: FormData,
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
type DraftView = z.infer<typeof DraftView>;

async function draftView(db: Db, id: string, userId: string): Promise<DraftView> {
  const d = await db
    .selectFrom('dossier_drafts as d')
    .innerJoin('procedure_versions as v', 'v.id', 'd.procedure_version_id')
    .select(['d.id', 'd.form_data', 'd.version', 'd.updated_at', 'v.id as version_id', 'v.procedure_id', 'v.name'])
    .where('d.id', '=', id)
    .where('d.applicant_user_id', '=', userId)
    .executeTakeFirst();
  if (!d) throw new Problem('not_found');
  const files = await db
    .selectFrom('attachments')
    .selectAll()
    .where('draft_id', '=', id)
    .orderBy('slot')
    .orderBy('version_no', 'desc')
    .execute();
  return {
    id: d.id,
    procedureId: d.procedure_id,
    procedureVersionId: d.version_id,
    procedureName: d.name,
    formData: (d.form_data ?? {}) as Record<string, unknown>,
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

function applicantId(actor: { kind: string; userId?: string }): string {
  if (actor.kind !== 'applicant' || !actor.userId) throw new Problem('forbidden');
  return actor.userId;
}

export async function webapiRoutes(base: FastifyInstance, opts: { db: Db }) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db } = opts;

  app.get(
    '/drafts',
    {
      config: { access: ['applicant'] },
      schema: {
        tags: ['drafts'],
        summary: 'Hồ sơ lưu nháp của tôi / My drafts',
        response: { 200: z.object({ items: z.array(DraftView) }) },
      },
    },
    async (req) => {
      const userId = applicantId(req.actor);
      const rows = await db
        .selectFrom('dossier_drafts')
        .select('id')
        .where('applicant_user_id', '=', userId)
        .orderBy('updated_at', 'desc')
        .limit(50)
        .execute();
      return { items: await Promise.all(rows.map((r) => draftView(db, r.id, userId))) };
    },
  );

  app.post(
    '/drafts',
    {
      config: { access: ['applicant'], auditAction: 'draft.create' },
      schema: {
        tags: ['drafts'],
        summary: 'Lưu nháp hồ sơ (bản công bố của thủ tục) / Start a draft of a procedure’s published version',
        body: z.strictObject({ procedureId: z.uuid(), formData: FormData.default({}) }),
        response: { 201: DraftView },
      },
    },
    async (req, reply) => {
      const userId = applicantId(req.actor);
      const v = await db
        .selectFrom('procedure_versions')
        .select('id')
        .where('procedure_id', '=', req.body.procedureId)
        .where('status', '=', 'published')
        .executeTakeFirst();
      if (!v) throw new Problem('not_found');
      const id = await db.transaction().execute(async (tx) => {
        const row = await tx
          .insertInto('dossier_drafts')
          .values({
            applicant_user_id: userId,
            procedure_version_id: v.id,
            form_data: JSON.stringify(req.body.formData),
            updated_at: new Date(),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await recordAudit(tx, {
          ...auditFields(commandContext(req)),
          action: 'draft.create',
          targetType: 'dossier_draft',
          targetId: row.id,
          result: 'ok',
          details: { procedureId: req.body.procedureId },
        });
        return row.id;
      });
      req.auditRecorded = true;
      return reply.status(201).send(await draftView(db, id, userId));
    },
  );

  app.get(
    '/drafts/:id',
    {
      config: { access: ['applicant'] },
      schema: {
        tags: ['drafts'],
        summary: 'Một hồ sơ nháp / One draft',
        params: IdParams,
        response: { 200: DraftView },
      },
    },
    async (req) => draftView(db, req.params.id, applicantId(req.actor)),
  );

  app.put(
    '/drafts/:id',
    {
      config: { access: ['applicant'], auditAction: 'draft.save' },
      schema: {
        tags: ['drafts'],
        summary: 'Lưu tờ khai của hồ sơ nháp (kèm version) / Save a draft’s e-form (with version)',
        params: IdParams,
        body: z.strictObject({ formData: FormData, version: z.int().positive() }),
        response: { 200: DraftView },
      },
    },
    async (req) => {
      const userId = applicantId(req.actor);
      await db.transaction().execute(async (tx) => {
        const cur = await tx
          .selectFrom('dossier_drafts')
          .select('version')
          .where('id', '=', req.params.id)
          .where('applicant_user_id', '=', userId)
          .forUpdate()
          .executeTakeFirst();
        if (!cur) throw new Problem('not_found');
        if (cur.version !== req.body.version) throw new Problem('conflict', { extra: { currentVersion: cur.version } });
        await tx
          .updateTable('dossier_drafts')
          .set({ form_data: JSON.stringify(req.body.formData), version: cur.version + 1, updated_at: new Date() })
          .where('id', '=', req.params.id)
          .execute();
        await recordAudit(tx, {
          ...auditFields(commandContext(req)),
          action: 'draft.save',
          targetType: 'dossier_draft',
          targetId: req.params.id,
          result: 'ok',
          details: { version: cur.version + 1 },
        });
      });
      req.auditRecorded = true;
      return draftView(db, req.params.id, userId);
    },
  );

  app.get(
    '/admin/procedures/:id',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['catalog'],
        summary: 'Thủ tục kèm bản nháp và phiên bản bản ghi / A procedure with its draft and row version (to edit)',
        params: IdParams,
        response: { 200: ProcedureAdminView },
      },
    },
    async (req) => getAdminView(db, req.params.id),
  );
}

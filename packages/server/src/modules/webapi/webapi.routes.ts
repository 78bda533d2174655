import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { commandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import { ProcedureAdminView } from '../catalog/catalog.schemas.ts';
import { getAdminView } from '../catalog/catalog.service.ts';
import {
  DraftContact,
  DraftView,
  draftView,
  FormData,
  listDrafts,
  saveDraft,
  startDraft,
} from '../dossiers/drafts.service.ts';

/**
 * Small read/write routes the web app needs beside the domain modules: the citizen's drafts
 * (hồ sơ lưu nháp — the e-form saved before submission, with its uploaded files) and the
 * administrator's view of a procedure with its draft and row version (to edit and publish it).
 */

const IdParams = z.strictObject({ id: z.uuid() });

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
        description: '`procedureId`: only the draft of that procedure (there is at most one per procedure).',
        querystring: z.strictObject({ procedureId: z.uuid().optional() }),
        response: { 200: z.object({ items: z.array(DraftView) }) },
      },
    },
    async (req) => {
      const userId = applicantId(req.actor);
      return { items: await listDrafts(db, userId, req.query.procedureId) };
    },
  );

  app.post(
    '/drafts',
    {
      config: { access: ['applicant'], auditAction: 'draft.create' },
      schema: {
        tags: ['drafts'],
        summary: 'Bắt đầu hoặc tiếp tục hồ sơ nháp của thủ tục / Start (or resume) the draft of a procedure',
        description:
          'One draft per citizen and procedure: 201 with a new draft, or 200 with the existing one unchanged ' +
          '(also when two requests race). Errors: 404 unknown procedure, 422 procedure_not_available (not online), ' +
          '400 validation_failed (agencyId not a handling unit of the procedure).',
        body: z.strictObject({
          procedureId: z.uuid(),
          formData: FormData.default({}),
          contact: DraftContact.optional(),
          agencyId: z.uuid().nullable().optional(),
          note: z.string().max(2000).nullable().optional(),
        }),
        response: { 201: DraftView, 200: DraftView },
      },
    },
    async (req, reply) => {
      const userId = applicantId(req.actor);
      const { procedureId, ...input } = req.body;
      const r = await startDraft(db, commandContext(req), userId, procedureId, input);
      req.auditRecorded = true;
      return reply.status(r.created ? 201 : 200).send(await draftView(db, r.id, userId));
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
        summary: 'Lưu hồ sơ nháp (kèm version) / Save a draft (with version)',
        description: 'Fields left out keep their value. 409 conflict (with currentVersion) when the version is stale.',
        params: IdParams,
        body: z.strictObject({
          formData: FormData.optional(),
          contact: DraftContact.optional(),
          agencyId: z.uuid().nullable().optional(),
          note: z.string().max(2000).nullable().optional(),
          version: z.int().positive(),
        }),
        response: { 200: DraftView },
      },
    },
    async (req) => {
      const userId = applicantId(req.actor);
      await saveDraft(db, commandContext(req), userId, req.params.id, req.body);
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

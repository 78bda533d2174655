import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../../db/database.ts';
import {
  AdminListQuery,
  AdminListResult,
  CheckBody,
  CheckResult,
  checkProcedureContent,
  listAdminProcedures,
} from './catalog.admin.ts';

/** The administration's procedure list (drafts included) and the content check of the editor. */
export async function catalogAdminRoutes(base: FastifyInstance, opts: { db: Db }) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db } = opts;

  app.get(
    '/admin/procedures',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['catalog'],
        summary: 'Danh sách thủ tục kèm bản nháp (quản trị) / Every procedure with its drafts (administration)',
        querystring: AdminListQuery,
        response: { 200: AdminListResult },
      },
    },
    async (req) => listAdminProcedures(db, req.query),
  );

  app.post(
    '/admin/procedures/check',
    {
      config: { access: ['admin'], auditAction: 'procedure.check' },
      schema: {
        tags: ['catalog'],
        summary:
          'Kiểm tra nội dung thủ tục trước khi lưu, công bố (không ghi gì) / Check a version’s content before saving or publishing (writes nothing)',
        body: CheckBody,
        response: { 200: CheckResult },
      },
    },
    async (req) => checkProcedureContent(db, req.body.content, req.lang),
  );
}

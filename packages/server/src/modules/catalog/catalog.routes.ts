import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { commandContext } from '../../shared/command-context.ts';
import { exportCatalog } from './catalog.export.ts';
import { importCatalog } from './catalog.import.ts';
import {
  CreateProcedureBody,
  EditDraftBody,
  FieldsResult,
  IdParams,
  ImportBody,
  ImportResult,
  LifeEventsResult,
  ProcedureAdminView,
  PublicProcedureView,
  PublishBody,
  SearchQuery,
  SearchResult,
  VersionView,
} from './catalog.schemas.ts';
import { listFields, listLifeEvents, searchProcedures } from './catalog.search.ts';
import {
  assertCatalogAdmin,
  createProcedure,
  getPublished,
  isCatalogAdmin,
  listVersions,
  publishDraft,
  saveDraft,
} from './catalog.service.ts';
import { catalogToXlsx } from './catalog.xlsx.ts';

const ADMINS = ['admin'] as const;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export async function catalogRoutes(base: FastifyInstance, opts: { db: Db }) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db } = opts;

  app.get(
    '/procedures',
    {
      config: { access: 'public' },
      schema: {
        tags: ['catalog'],
        summary: 'Tra cứu thủ tục hành chính (không dấu) / Search published procedures',
        querystring: SearchQuery,
        response: { 200: SearchResult },
      },
    },
    async (req) => searchProcedures(db, req.query),
  );

  app.get(
    '/procedures/:id',
    {
      config: { access: 'public' },
      schema: {
        tags: ['catalog'],
        summary: 'Thủ tục đang áp dụng (bản công bố) / The published version of a procedure',
        params: IdParams,
        response: { 200: PublicProcedureView },
      },
    },
    async (req) => getPublished(db, req.params.id, isCatalogAdmin(req.actor)),
  );

  app.get(
    '/life-events',
    {
      config: { access: 'public' },
      schema: {
        tags: ['catalog'],
        summary: 'Sự kiện và số thủ tục / Life events with procedure counts',
        response: { 200: LifeEventsResult },
      },
    },
    async () => listLifeEvents(db),
  );

  app.get(
    '/fields',
    {
      config: { access: 'public' },
      schema: {
        tags: ['catalog'],
        summary: 'Lĩnh vực và số thủ tục / Fields with procedure counts',
        response: { 200: FieldsResult },
      },
    },
    async () => listFields(db),
  );

  app.post(
    '/procedures',
    {
      config: { access: ADMINS, auditAction: 'procedure.create' },
      schema: {
        tags: ['catalog'],
        summary: 'Thêm thủ tục (bản nháp) / Create a procedure as a draft',
        body: CreateProcedureBody,
        response: { 201: ProcedureAdminView },
      },
    },
    async (req, reply) => {
      const view = await createProcedure(db, req.body, commandContext(req), req.lang);
      req.auditRecorded = true;
      return reply.status(201).send(view);
    },
  );

  app.put(
    '/procedures/:id/draft',
    {
      config: { access: ADMINS, auditAction: 'procedure.save_draft' },
      schema: {
        tags: ['catalog'],
        summary: 'Sửa bản nháp (kèm version; bản công bố không đổi) / Save the draft (with version)',
        params: IdParams,
        body: EditDraftBody,
        response: { 200: ProcedureAdminView },
      },
    },
    async (req) => {
      const view = await saveDraft(db, req.params.id, req.body, commandContext(req), req.lang);
      req.auditRecorded = true;
      return view;
    },
  );

  app.post(
    '/procedures/:id/publish',
    {
      config: { access: ADMINS, auditAction: 'procedure.publish' },
      schema: {
        tags: ['catalog'],
        summary: 'Công bố bản nháp; bản cũ chuyển lưu trữ / Publish the draft, archiving the previous version',
        params: IdParams,
        body: PublishBody,
        response: { 200: ProcedureAdminView },
      },
    },
    async (req) => {
      const view = await publishDraft(db, req.params.id, req.body.version, commandContext(req), req.lang);
      req.auditRecorded = true;
      return view;
    },
  );

  app.get(
    '/procedures/:id/versions',
    {
      config: { access: ADMINS },
      schema: {
        tags: ['catalog'],
        summary: 'Các phiên bản của thủ tục (kèm nguồn) / All versions, with source and verification',
        params: IdParams,
        response: { 200: z.object({ items: z.array(VersionView) }) },
      },
    },
    async (req) => ({ items: await listVersions(db, req.params.id) }),
  );

  app.get(
    '/catalog/export',
    {
      config: { access: ADMINS },
      schema: {
        tags: ['catalog'],
        summary: 'Xuất danh mục (JSON hoặc Excel) / Export the published catalog as JSON or xlsx',
        querystring: z.strictObject({ format: z.enum(['json', 'xlsx']).default('json') }),
      },
    },
    async (req, reply) => {
      const file = await exportCatalog(db);
      if (req.query.format === 'json') return reply.type('application/json; charset=utf-8').send(file);
      const buf = await catalogToXlsx(file);
      return reply
        .type(XLSX_TYPE)
        .header('content-disposition', 'attachment; filename="danh-muc-thu-tuc.xlsx"')
        .send(buf);
    },
  );

  app.post(
    '/catalog/import',
    {
      config: { access: ADMINS, auditAction: 'catalog.import' },
      bodyLimit: 20 * 1024 * 1024,
      schema: {
        tags: ['catalog'],
        summary:
          'Nhập danh mục: {format:"json", catalog} hoặc {format:"xlsx", data:<base64>} — tất cả hoặc không / Import, all or nothing',
        body: ImportBody,
        response: { 200: ImportResult },
      },
    },
    async (req) => {
      assertCatalogAdmin(req.actor);
      const counts = await importCatalog(db, req.body, commandContext(req), req.lang);
      req.auditRecorded = true;
      return counts;
    },
  );
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import type { Agency } from '../../db/schema.ts';
import { commandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import {
  AgencyImportBody,
  AgencyImportResult,
  agenciesToXlsx,
  assertProvinceAdmin,
  exportAgencies,
  importAgencies,
} from './agencies.import.ts';
import { createAgency, findAgency, listAgencies, updateAgency } from './agencies.service.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const AgencyLevelSchema = z.enum(['province', 'department', 'district', 'commune', 'unit', 'center']);

export const AgencyView = z.object({
  id: z.uuid(),
  parentId: z.uuid().nullable(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  level: AgencyLevelSchema,
  adminUnitCode: z.string().nullable(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  receivesDossiers: z.boolean(),
  active: z.boolean(),
  version: z.int(),
});

export function toAgencyView(a: Agency): z.infer<typeof AgencyView> {
  return {
    id: a.id,
    parentId: a.parent_id,
    code: a.code,
    name: a.name,
    nameEn: a.name_en,
    level: a.level,
    adminUnitCode: a.admin_unit_code,
    address: a.address,
    phone: a.phone,
    email: a.email,
    receivesDossiers: a.receives_dossiers,
    active: a.active,
    version: a.version,
  };
}

const CreateAgencyBody = z.strictObject({
  parentId: z.uuid(),
  code: z
    .string()
    .trim()
    .regex(/^[0-9A-Z.]{3,40}$/, 'Mã định danh cơ quan (QCVN 102:2016)'),
  name: z.string().trim().min(2).max(300),
  nameEn: z.string().trim().max(300).optional(),
  level: AgencyLevelSchema.exclude(['province']),
  address: z.string().trim().max(500).optional(),
  phone: z.string().trim().max(30).optional(),
  email: z.email().optional(),
  /** A one-stop reception desk (level `unit`) receiving dossiers for its parent. */
  receivesDossiers: z.boolean().optional(),
});

const blankToNull = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional();
const UpdateAgencyBody = z.strictObject({
  version: z.int().positive(),
  name: z.string().trim().min(2).max(300).optional(),
  nameEn: blankToNull(300),
  address: blankToNull(500),
  phone: blankToNull(30),
  email: z.email().nullable().optional(),
  receivesDossiers: z.boolean().optional(),
  active: z.boolean().optional(),
});

export async function agencyRoutes(base: FastifyInstance, opts: { db: Db }) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db } = opts;

  app.get(
    '/agencies',
    {
      config: { access: 'public' },
      schema: {
        tags: ['agencies'],
        summary: 'Danh sách cơ quan / Agencies (tree order)',
        querystring: z.strictObject({
          parentId: z.uuid().optional(),
          level: AgencyLevelSchema.optional(),
          q: z.string().max(100).optional(),
          /** Deactivated agencies too (the administration's list). */
          includeInactive: z
            .enum(['true', 'false'])
            .transform((v) => v === 'true')
            .optional(),
        }),
        response: { 200: z.object({ items: z.array(AgencyView) }) },
      },
    },
    async (req) => ({ items: (await listAgencies(db, req.query)).map(toAgencyView) }),
  );

  app.get(
    '/agencies/export',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['agencies'],
        summary:
          'Xuất cây cơ quan trong phạm vi quản lý (JSON hoặc Excel) / Export the caller’s agency subtree as JSON or xlsx',
        querystring: z.strictObject({ format: z.enum(['json', 'xlsx']).default('json') }),
      },
    },
    async (req, reply) => {
      const file = await exportAgencies(db, req.actor);
      if (req.query.format === 'json') return reply.type('application/json; charset=utf-8').send(file);
      const buf = await agenciesToXlsx(file);
      return reply
        .type(XLSX_TYPE)
        .header('content-disposition', 'attachment; filename="danh-sach-co-quan.xlsx"')
        .send(buf);
    },
  );

  app.post(
    '/agencies/import',
    {
      config: { access: ['admin'], auditAction: 'agency.import' },
      bodyLimit: 20 * 1024 * 1024,
      schema: {
        tags: ['agencies'],
        summary:
          'Nhập cơ quan theo mã: {format:"json", file} hoặc {format:"xlsx", data:<base64>} — tất cả hoặc không / Upsert agencies by code, all or nothing',
        body: AgencyImportBody,
        response: { 200: AgencyImportResult },
      },
    },
    async (req) => {
      assertProvinceAdmin(req.actor);
      const counts = await importAgencies(db, req.body, commandContext(req), req.lang);
      req.auditRecorded = true;
      return counts;
    },
  );

  app.get(
    '/agencies/:id',
    {
      config: { access: 'public' },
      schema: {
        tags: ['agencies'],
        summary: 'Một cơ quan / One agency',
        params: z.strictObject({ id: z.uuid() }),
        response: { 200: AgencyView },
      },
    },
    async (req) => {
      const a = await findAgency(db, req.params.id);
      if (!a) throw new Problem('not_found');
      return toAgencyView(a);
    },
  );

  app.post(
    '/agencies',
    {
      config: { access: ['admin'], auditAction: 'agency.create' },
      schema: {
        tags: ['agencies'],
        summary: 'Thêm cơ quan trong phạm vi quản lý / Add an agency inside the caller’s subtree',
        body: CreateAgencyBody,
        response: { 201: AgencyView },
      },
    },
    async (req, reply) => {
      const a = await createAgency(db, req.body, commandContext(req));
      req.auditRecorded = true;
      return reply.status(201).send(toAgencyView(a));
    },
  );

  app.patch(
    '/agencies/:id',
    {
      config: { access: ['admin'], auditAction: 'agency.update' },
      schema: {
        tags: ['agencies'],
        summary:
          'Sửa, ngừng hoặc mở lại hoạt động một cơ quan trong phạm vi quản lý / Edit, deactivate or reactivate an agency of the caller’s subtree',
        description:
          'The code and the place in the tree do not change. `version` must be the current one (409 otherwise). Deactivation answers 422 `agency_in_use` while active sub-units, officers, open dossiers or published procedures depend on the agency.',
        params: z.strictObject({ id: z.uuid() }),
        body: UpdateAgencyBody,
        response: { 200: AgencyView },
      },
    },
    async (req) => {
      const a = await updateAgency(db, req.params.id, req.body, commandContext(req));
      req.auditRecorded = true;
      return toAgencyView(a);
    },
  );
}

import { isProvinceAdministrator } from '@motcua/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { Problem } from '../../shared/problem.ts';
import { agencyIsUnder } from '../agencies/agencies.queries.ts';
import { verifyAuditChain } from './audit.service.ts';

const AuditView = z.object({
  id: z.string(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorKind: z.string(),
  agencyId: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  requestId: z.string().nullable(),
  result: z.string(),
  hash: z.string(),
});

export async function auditRoutes(base: FastifyInstance, opts: { db: Db }) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db } = opts;

  app.get(
    '/audit',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['audit'],
        summary: 'Nhật ký thao tác trong phạm vi đơn vị / Audit log of the caller’s agency subtree',
        querystring: z.strictObject({
          targetType: z.string().max(40).optional(),
          targetId: z.string().max(100).optional(),
          // An audit row id: a positive bigint (out-of-range values are a 400, not a SQL error).
          before: z.coerce.bigint().min(1n).max(9_223_372_036_854_775_807n).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ items: z.array(AuditView) }) },
      },
    },
    async (req) => {
      const actor = req.actor;
      if (actor.kind !== 'officer') return { items: [] };
      let q = db.selectFrom('audit_log as l').selectAll('l').where(agencyIsUnder('l.agency_id', actor.agencyPath));
      if (req.query.targetType) q = q.where('l.target_type', '=', req.query.targetType);
      if (req.query.targetId) q = q.where('l.target_id', '=', req.query.targetId);
      if (req.query.before !== undefined) q = q.where(sql<boolean>`l.id < ${String(req.query.before)}::bigint`);
      const rows = await q.orderBy('l.id', 'desc').limit(req.query.limit).execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          at: r.at.toISOString(),
          actorId: r.actor_id,
          actorKind: r.actor_kind,
          agencyId: r.agency_id,
          action: r.action,
          targetType: r.target_type,
          targetId: r.target_id,
          requestId: r.request_id,
          result: r.result,
          hash: r.hash,
        })),
      };
    },
  );

  app.get(
    '/audit/verify',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['audit'],
        summary: 'Kiểm tra chuỗi băm nhật ký / Verify the audit hash chain',
        response: {
          200: z.object({
            ok: z.boolean(),
            checked: z.int(),
            brokenId: z.string().optional(),
            reason: z.string().optional(),
          }),
        },
      },
    },
    async (req) => {
      // The chain spans every agency of the province: a ward's administrator may not walk it.
      if (!isProvinceAdministrator(req.actor)) {
        throw new Problem('forbidden', {
          detail: {
            vi: 'Chỉ quản trị viên cấp tỉnh được kiểm tra toàn bộ nhật ký',
            en: 'Only a province administrator may verify the whole audit log',
          },
        });
      }
      return verifyAuditChain(db);
    },
  );
}

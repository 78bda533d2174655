import { canSeeRecord } from '@motcua/core';
import { sql } from 'kysely';
import type { Db, Executor } from '../../db/database.ts';
import type { Agency, AgencyLevel } from '../../db/schema.ts';
import { Problem } from '../../http/problem.ts';
import { auditFields, type CommandContext, recordAudit } from '../audit/audit.service.ts';
import { enqueue } from '../outbox/outbox.service.ts';

export function findAgency(ex: Executor, id: string): Promise<Agency | undefined> {
  return ex.selectFrom('agencies').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findAgencyByCode(ex: Executor, code: string): Promise<Agency | undefined> {
  return ex.selectFrom('agencies').selectAll().where('code', '=', code).executeTakeFirst();
}

/** Which levels may sit under which: province → departments / districts / communes / center → units. */
export const CHILD_LEVELS: Record<AgencyLevel, AgencyLevel[]> = {
  province: ['department', 'district', 'commune', 'center', 'unit'],
  department: ['unit'],
  district: ['commune', 'unit'],
  commune: ['unit'],
  center: ['unit'],
  unit: ['unit'],
};

export type NewAgencyInput = {
  parentId: string | null;
  code: string;
  name: string;
  nameEn?: string | null | undefined;
  level: AgencyLevel;
  adminUnitCode?: string | null | undefined;
  address?: string | null | undefined;
  phone?: string | null | undefined;
  email?: string | null | undefined;
};

/**
 * Insert one agency under its parent; the id is generated first so the materialized path
 * (`<parent path><id>/`) is written in the same statement.
 */
export async function insertAgency(ex: Executor, input: NewAgencyInput): Promise<Agency> {
  let parentPath = '/';
  if (input.parentId) {
    const parent = await findAgency(ex, input.parentId);
    if (!parent) throw new Problem('not_found', { detail: { vi: 'Không có cơ quan cấp trên', en: 'No such parent' } });
    if (!CHILD_LEVELS[parent.level].includes(input.level)) {
      throw new Problem('validation_failed', {
        detail: {
          vi: `Cấp "${input.level}" không thể trực thuộc cấp "${parent.level}"`,
          en: `A ${input.level} cannot sit under a ${parent.level}`,
        },
      });
    }
    parentPath = parent.path;
  } else if (input.level !== 'province') {
    throw new Problem('validation_failed', {
      detail: { vi: 'Chỉ cấp tỉnh không có cơ quan cấp trên', en: 'Only a province has no parent' },
    });
  }
  const taken = await findAgencyByCode(ex, input.code);
  if (taken) throw new Problem('duplicate', { detail: { vi: 'Mã cơ quan đã tồn tại', en: 'Agency code taken' } });
  const { id } = await ex.selectNoFrom(sql<string>`gen_random_uuid()`.as('id')).executeTakeFirstOrThrow();
  return ex
    .insertInto('agencies')
    .values({
      id,
      parent_id: input.parentId,
      code: input.code,
      name: input.name,
      name_en: input.nameEn ?? null,
      level: input.level,
      admin_unit_code: input.adminUnitCode ?? null,
      path: `${parentPath}${id}/`,
      address: input.address ?? null,
      phone: input.phone ?? null,
      email: input.email ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** An administrator adds an agency inside their own subtree. */
export async function createAgency(db: Db, input: NewAgencyInput, ctx: CommandContext): Promise<Agency> {
  return db.transaction().execute(async (tx) => {
    if (ctx.actor.kind === 'officer') {
      const parent = input.parentId ? await findAgency(tx, input.parentId) : undefined;
      if (!parent || !canSeeRecord(ctx.actor, { agencyPaths: [parent.path] }, ['admin'])) {
        throw new Problem('forbidden');
      }
    }
    const agency = await insertAgency(tx, input);
    await recordAudit(tx, {
      ...auditFields(ctx),
      action: 'agency.create',
      targetType: 'agency',
      targetId: agency.id,
      result: 'ok',
      details: { code: agency.code, parentId: agency.parent_id },
    });
    await enqueue(tx, {
      topic: 'agency.created',
      aggregateType: 'agency',
      aggregateId: agency.id,
      payload: { id: agency.id, code: agency.code },
    });
    return agency;
  });
}

export function listAgencies(
  db: Db,
  f: { parentId?: string | undefined; level?: AgencyLevel | undefined; q?: string | undefined },
): Promise<Agency[]> {
  let q = db.selectFrom('agencies').selectAll();
  if (f.parentId) q = q.where('parent_id', '=', f.parentId);
  if (f.level) q = q.where('level', '=', f.level);
  if (f.q) {
    q = q.where(sql<boolean>`unaccent(lower(name)) LIKE '%' || unaccent(lower(${f.q})) || '%'`);
  }
  return q.orderBy('level').orderBy('code').execute();
}

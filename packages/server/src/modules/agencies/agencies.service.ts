import { canSeeRecord } from '@motcua/core';
import { sql } from 'kysely';
import type { Db, Executor } from '../../db/database.ts';
import type { Agency, AgencyLevel } from '../../db/schema.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import { activeUsersOfAgency } from '../accounts/accounts.queries.ts';
import { auditFields, recordAudit } from '../audit/audit.service.ts';
import { publishedProceduresHandledBy } from '../catalog/catalog.queries.ts';
import { openDossiersAt } from '../dossiers/dossier.queries.ts';
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

/** Only a unit — a one-stop reception desk — receives dossiers for its parent. */
function assertReceivesOnlyAsUnit(level: AgencyLevel, receivesDossiers: boolean | undefined) {
  if (receivesDossiers === true && level !== 'unit') {
    throw new Problem('validation_failed', {
      detail: {
        vi: 'Chỉ đơn vị trực thuộc (bộ phận một cửa) mới tiếp nhận hồ sơ',
        en: 'Only a unit (a one-stop reception desk) receives dossiers',
      },
      extra: { field: 'receivesDossiers' },
    });
  }
}

/** Nothing is added or reactivated under an inactive agency. */
function assertParentActive(parent: Agency) {
  if (!parent.active) {
    throw new Problem('rule_violated', {
      detail: { vi: 'Cơ quan cấp trên đang ngừng hoạt động', en: 'The parent agency is inactive' },
      extra: { reason: 'parent_inactive' },
    });
  }
}

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
  receivesDossiers?: boolean | undefined;
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
    assertParentActive(parent);
    assertReceivesOnlyAsUnit(input.level, input.receivesDossiers);
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
      receives_dossiers: input.receivesDossiers ?? false,
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

export type AgencyChanges = {
  version: number;
  name?: string | undefined;
  nameEn?: string | null | undefined;
  address?: string | null | undefined;
  phone?: string | null | undefined;
  email?: string | null | undefined;
  receivesDossiers?: boolean | undefined;
  active?: boolean | undefined;
};

/** What still depends on an agency: it cannot be deactivated while any of these is non-zero. */
async function dependentsOf(ex: Executor, a: Agency) {
  const [children, officers, dossiers, procedures] = await Promise.all([
    ex
      .selectFrom('agencies')
      .select(sql<string>`count(*)`.as('n'))
      .where('parent_id', '=', a.id)
      .where('active', '=', true)
      .executeTakeFirstOrThrow(),
    activeUsersOfAgency(ex, a.id),
    openDossiersAt(ex, a.id),
    publishedProceduresHandledBy(ex, a.id),
  ]);
  return {
    children: Number(children.n),
    officers,
    openDossiers: dossiers,
    procedures,
  };
}

/**
 * An administrator edits an agency of their subtree: names and contacts, whether it is a one-stop
 * reception unit, active or not. The code (the agency's electronic identifier, QCVN 102:2016, part
 * of every dossier code it received) and its place in the tree do not change. Deactivation is
 * refused while active sub-units, officers, open dossiers or published procedures depend on it.
 */
export async function updateAgency(db: Db, id: string, input: AgencyChanges, ctx: CommandContext): Promise<Agency> {
  return db.transaction().execute(async (tx) => {
    const current = await tx.selectFrom('agencies').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!current) throw new Problem('not_found');
    if (ctx.actor.kind === 'officer' && !canSeeRecord(ctx.actor, { agencyPaths: [current.path] }, ['admin'])) {
      // Outside the caller's subtree: answered as if it did not exist.
      throw new Problem('not_found');
    }
    if (current.version !== input.version) {
      throw new Problem('conflict', { extra: { currentVersion: current.version } });
    }
    assertReceivesOnlyAsUnit(current.level, input.receivesDossiers);
    if (input.active === false && current.active) {
      if (current.parent_id === null) {
        throw new Problem('rule_violated', {
          detail: { vi: 'Không thể ngừng hoạt động cấp tỉnh', en: 'The province cannot be deactivated' },
          extra: { reason: 'agency_is_root' },
        });
      }
      const dependents = await dependentsOf(tx, current);
      if (Object.values(dependents).some((n) => n > 0)) {
        throw new Problem('rule_violated', {
          detail: {
            vi: `Còn ${dependents.children} đơn vị trực thuộc, ${dependents.officers} cán bộ, ${dependents.openDossiers} hồ sơ đang xử lý, ${dependents.procedures} thủ tục đang công bố: chuyển hoặc kết thúc trước khi ngừng hoạt động`,
            en: `${dependents.children} sub-units, ${dependents.officers} officers, ${dependents.openDossiers} open dossiers and ${dependents.procedures} published procedures still depend on it: move or finish them first`,
          },
          extra: { reason: 'agency_in_use', dependents },
        });
      }
    }
    if (input.active === true && !current.active && current.parent_id) {
      const parent = await findAgency(tx, current.parent_id);
      if (parent) assertParentActive(parent);
    }
    const set = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.nameEn !== undefined ? { name_en: input.nameEn } : {}),
      ...(input.address !== undefined ? { address: input.address } : {}),
      ...(input.phone !== undefined ? { phone: input.phone } : {}),
      ...(input.email !== undefined ? { email: input.email } : {}),
      ...(input.receivesDossiers !== undefined ? { receives_dossiers: input.receivesDossiers } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
    };
    const agency = await tx
      .updateTable('agencies')
      .set({ ...set, version: current.version + 1, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const changed = Object.keys(set).filter(
      (k) => (current as Record<string, unknown>)[k] !== (agency as Record<string, unknown>)[k],
    );
    await recordAudit(tx, {
      ...auditFields(ctx),
      action: 'agency.update',
      targetType: 'agency',
      targetId: agency.id,
      result: 'ok',
      details: { code: agency.code, changed, version: agency.version },
    });
    await enqueue(tx, {
      topic: input.active === false && current.active ? 'agency.deactivated' : 'agency.updated',
      aggregateType: 'agency',
      aggregateId: agency.id,
      payload: { id: agency.id, code: agency.code, version: agency.version, changed },
    });
    return agency;
  });
}

export function listAgencies(
  db: Db,
  f: {
    parentId?: string | undefined;
    level?: AgencyLevel | undefined;
    q?: string | undefined;
    includeInactive?: boolean | undefined;
  },
): Promise<Agency[]> {
  let q = db.selectFrom('agencies').selectAll();
  if (!f.includeInactive) q = q.where('active', '=', true);
  if (f.parentId) q = q.where('parent_id', '=', f.parentId);
  if (f.level) q = q.where('level', '=', f.level);
  if (f.q) {
    q = q.where(sql<boolean>`unaccent(lower(name)) LIKE '%' || unaccent(lower(${f.q})) || '%'`);
  }
  return q.orderBy('level').orderBy('code').execute();
}

/**
 * The demo province as the benchmarks see it: agencies, officers by agency and role, applicants
 * and the published procedures with their workflows, read from a migrated and seeded database.
 */
import type { Actor, DossierActor, OfficerRole, WorkflowDefinition } from '@motcua/core';
import { sql } from 'kysely';
import type { Db } from '../../packages/server/src/db/database.ts';
import { type LegalLimit, legalLimitOf } from '../../packages/server/src/modules/dossiers/dossier.decide.ts';

export type AgencyInfo = {
  id: string;
  code: string;
  name: string;
  path: string;
  level: string;
  parentId: string | null;
  adminUnitCode: string | null;
  receivesDossiers: boolean;
};

export type OfficerInfo = {
  id: string;
  username: string;
  fullName: string;
  agency: AgencyInfo;
  roles: OfficerRole[];
};

export type ApplicantInfo = {
  id: string;
  fullName: string;
  kind: 'citizen' | 'organization';
  idNumber: string;
  phone: string | null;
  email: string | null;
};

/** A document component of a procedure version (content.documents), in the procedure's order. */
export type DocumentInfo = {
  name: string;
  requirement?: 'mandatory' | 'conditional';
  /** older catalogue entries */
  required?: boolean;
  original?: number | null;
  copy?: number | null;
  filledByEForm?: boolean;
};

export type ProcedureInfo = {
  procedureId: string;
  versionId: string;
  code: string | null;
  name: string;
  fieldCode: string;
  level: string;
  workflow: WorkflowDefinition;
  limit: LegalLimit;
  channels: string[];
  applicantKinds: ('citizen' | 'organization')[];
  handlers: AgencyInfo[];
  documents: DocumentInfo[];
};

/** Mandatory as dossier.reception.ts and dossier.submit-rules.ts read it. */
export const isMandatory = (d: DocumentInfo): boolean => d.requirement === 'mandatory' || d.required === true;

export type World = {
  province: AgencyInfo;
  agencies: AgencyInfo[];
  byId: Map<string, AgencyInfo>;
  byCode: Map<string, AgencyInfo>;
  /** officers of an agency having a role */
  officers: (agencyId: string, role: OfficerRole) => OfficerInfo[];
  officerByUsername: Map<string, OfficerInfo>;
  procedures: ProcedureInfo[];
};

export async function loadWorld(db: Db): Promise<World> {
  const rows = await db
    .selectFrom('agencies')
    .select(['id', 'code', 'name', 'path', 'level', 'parent_id', 'admin_unit_code', 'receives_dossiers'])
    .orderBy('path')
    .execute();
  const agencies: AgencyInfo[] = rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    path: r.path,
    level: r.level,
    parentId: r.parent_id,
    adminUnitCode: r.admin_unit_code,
    receivesDossiers: r.receives_dossiers,
  }));
  const byId = new Map(agencies.map((a) => [a.id, a]));
  const byCode = new Map(agencies.map((a) => [a.code, a]));
  const province = agencies.find((a) => a.parentId === null);
  if (!province) throw new Error('no province agency: is the database seeded (seedDemo)?');

  const users = await db
    .selectFrom('users')
    .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
    .select(['users.id', 'users.username', 'users.full_name', 'users.agency_id', 'user_roles.role'])
    .where('users.kind', '=', 'officer')
    .where('users.active', '=', true)
    .orderBy('users.username')
    .execute();
  const officerByUsername = new Map<string, OfficerInfo>();
  for (const u of users) {
    let o = officerByUsername.get(u.username);
    if (!o) {
      o = { id: u.id, username: u.username, fullName: u.full_name, agency: byId.get(u.agency_id!)!, roles: [] };
      officerByUsername.set(u.username, o);
    }
    o.roles.push(u.role as OfficerRole);
  }
  const index = new Map<string, OfficerInfo[]>();
  for (const o of officerByUsername.values()) {
    for (const role of o.roles) {
      const key = `${o.agency.id}|${role}`;
      const list = index.get(key) ?? [];
      list.push(o);
      index.set(key, list);
    }
  }

  const versions = await db
    .selectFrom('procedure_versions as v')
    .innerJoin('procedures as p', 'p.id', 'v.procedure_id')
    .select([
      'p.id as procedure_id',
      'v.id as version_id',
      'p.code',
      'v.name',
      'v.field_code',
      'v.level',
      'v.content',
      'v.applicant_kinds',
    ])
    .where('v.status', '=', 'published')
    .orderBy('v.name')
    .execute();
  const handlerRows = await db
    .selectFrom('procedure_version_agencies')
    .select(['version_id', 'agency_id'])
    .orderBy('agency_id')
    .execute();
  const procedures: ProcedureInfo[] = [];
  for (const v of versions) {
    const content = v.content as {
      workflow: WorkflowDefinition | null;
      timeLimit: { value: number | null; unit: string } | null;
      channels: string[];
      documents?: DocumentInfo[];
    };
    const handlers = handlerRows.filter((h) => h.version_id === v.version_id).map((h) => byId.get(h.agency_id)!);
    if (!content.workflow || handlers.length === 0) continue;
    procedures.push({
      procedureId: v.procedure_id,
      versionId: v.version_id,
      code: v.code,
      name: v.name,
      fieldCode: v.field_code,
      level: v.level,
      workflow: content.workflow,
      limit: legalLimitOf(content.timeLimit),
      channels: content.channels,
      applicantKinds: v.applicant_kinds as ('citizen' | 'organization')[],
      handlers,
      documents: content.documents ?? [],
    });
  }
  return {
    province,
    agencies,
    byId,
    byCode,
    officers: (agencyId, role) => index.get(`${agencyId}|${role}`) ?? [],
    officerByUsername,
    procedures,
  };
}

/** The one-stop unit receiving dossiers for an authority (dossier.submit.ts receptionUnitFor). */
export function receptionUnitOf(world: World, authority: AgencyInfo): AgencyInfo {
  const own = world.agencies
    .filter((a) => a.parentId === authority.id && a.receivesDossiers)
    .sort((a, b) => a.code.localeCompare(b.code))[0];
  if (own) return own;
  const center = world.agencies
    .filter((a) => a.receivesDossiers && a.parentId !== null && world.byId.get(a.parentId)?.level === 'center')
    .sort((a, b) => a.code.localeCompare(b.code))[0];
  if (!center) throw new Error('no reception unit');
  return center;
}

export function officerActor(o: OfficerInfo): Extract<Actor, { kind: 'officer' }> {
  // As a session builds it (accounts/sessions.ts): with the name the history records.
  return {
    kind: 'officer',
    userId: o.id,
    name: o.fullName,
    agencyId: o.agency.id,
    agencyPath: o.agency.path,
    roles: o.roles,
  };
}

export function dossierActor(o: OfficerInfo): DossierActor {
  return { userId: o.id, roles: o.roles, agencyCode: o.agency.code };
}

/** Applicant accounts (sample), for online submissions. */
export async function loadApplicants(db: Db, limit: number): Promise<ApplicantInfo[]> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'full_name', 'applicant_type', 'personal_id', 'tax_code', 'phone', 'email'])
    .where('kind', '=', 'applicant')
    .where('active', '=', true)
    .orderBy(sql`id`)
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    fullName: r.full_name,
    kind: r.applicant_type ?? 'citizen',
    idNumber: (r.personal_id ?? r.tax_code)!,
    phone: r.phone,
    email: r.email,
  }));
}

import { randomBytes, randomUUID } from 'node:crypto';
import type { Actor, OfficerRole } from '@motcua/core';
import type { Db } from '../../db/database.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { Problem } from '../../shared/problem.ts';
import { userIdByUsername } from '../accounts/accounts.queries.ts';
import { createOfficer } from '../accounts/accounts.service.ts';
import { agenciesByCode, agencyNamed, serviceCenterReceivingUnit } from '../agencies/agencies.queries.ts';
import { auditFields, recordAudit } from '../audit/audit.service.ts';
import { applyImport, prepareImport } from '../catalog/catalog.import.ts';
import { publishedProcedureIds } from '../catalog/catalog.published.ts';
import { CATALOG_FORMAT } from '../catalog/catalog.schemas.ts';
import { type CommandBody, executeCommand } from '../dossiers/dossier.execute.ts';
import { dossierRow, dossierVersion, firstEventOfType } from '../dossiers/dossier.queries.ts';
import { submitDossier } from '../dossiers/dossier.submit.ts';
import { enqueue } from '../outbox/outbox.service.ts';
import { officerActor } from './govstack.actors.ts';
import { internalIds, mapId } from './govstack.ids.ts';

/**
 * `motcua govstack load <file>`: the GovStack Registration BB test data set as ordinary data.
 * Services become procedures through the catalog import (workflows validated by validateWorkflow)
 * kept as DRAFTS: what an outside system brings reaches the public catalog, the queues and the
 * dashboard only once a province administrator publishes it. Applications and the files tasks
 * refer to — of published services only — become dossiers through the dossier service (entered
 * by the intake account in the channel they came from, `online`, received, transferred, claimed by
 * their operator), and every GovStack id is recorded in `govstack_ids`. Run it again after
 * publishing to load the applications; a further run changes nothing.
 */
type GsEForm = { eFormId: string; name?: string; description?: string; version?: string; schema?: unknown };
type GsService = { id: string; name: string; description?: string; eForms?: GsEForm[] };
type GsStatus = { code?: string };
type GsApplication = {
  fileId: string;
  mainTaskId?: string;
  roleId?: string;
  roleName?: string;
  assigneeId?: string;
  operatorName?: string;
  applicantId?: string;
  serviceId: string;
  serviceName?: string;
  eformId?: string;
  documentUrls?: string[];
  created?: string;
  description?: string;
  status?: GsStatus;
};
type GsTask = GsApplication & { taskId: string; name?: string; taskName?: string; eFormId?: string };
export type GovstackDataSet = {
  informationMediatorClientHeader?: { key: string; value: string };
  services?: GsService[];
  applications?: GsApplication[];
  tasks?: GsTask[];
};

export type LoadResult = {
  services: number;
  dossiers: number;
  tasks: number;
  created: number;
  /** Services still drafts (not published by an administrator): their files were not loaded. */
  unpublished: number;
};

const LOADER: CommandContext = { actor: { kind: 'anonymous' }, requestId: 'cli govstack load', system: true };

/** The handling agency: `--agency <code>`, else the Department of Justice of the demo province. */
async function handlingAgency(db: Db, code: string | undefined) {
  const a = code ? (await agenciesByCode(db, [code]))[0] : await agencyNamed(db, 'Sở Tư pháp', 'department');
  if (!a) throw new Error(code ? `no agency with code ${code}` : 'no "Sở Tư pháp"; give --agency <code>');
  return a;
}

async function intakeUnit(db: Db) {
  const u = await serviceCenterReceivingUnit(db, { includeInactive: true });
  if (!u) throw new Error('no one-stop unit of a Public Administration Service Center');
  return u;
}

/** An officer account for a GovStack user id (or a facade role), created once, mapped in `govstack_ids`. */
async function officerFor(
  db: Db,
  kind: 'user' | 'operator',
  externalId: string,
  a: { agencyId: string; roles: OfficerRole[]; name: string; username: string },
): Promise<string> {
  const mapped = await db
    .selectFrom('govstack_ids')
    .select('internal_id')
    .where('kind', '=', kind)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  if (mapped) return mapped.internal_id;
  const id =
    (await userIdByUsername(db, a.username)) ??
    (await createOfficer(
      db,
      {
        username: a.username,
        fullName: a.name,
        agencyId: a.agencyId,
        roles: a.roles,
        // Nobody signs in with it: an unknown random password (an administrator may reset it).
        password: `Gs1-${randomBytes(18).toString('base64url')}`,
      },
      LOADER,
    ));
  await mapId(db, kind, externalId, id);
  return id;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '')
    .slice(0, 24) || 'x';

/** A GovStack e-form schema as an object-form JSON Schema (our catalog's e-form shape). */
function eFormSchema(f: GsEForm | undefined, fallbackName: string) {
  const raw = (f?.schema ?? {}) as Record<string, unknown>;
  const isSchema = raw.type === 'object' && typeof raw.properties === 'object';
  const properties = isSchema
    ? (raw.properties as Record<string, unknown>)
    : Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== null && typeof v === 'object'));
  return {
    ...(isSchema ? raw : {}),
    type: 'object',
    title: f?.name ?? fallbackName,
    ...(f?.description ? { description: f.description } : {}),
    properties,
  };
}

export async function loadGovstack(
  db: Db,
  data: GovstackDataSet,
  opts: { agencyCode?: string } = {},
): Promise<LoadResult> {
  const agency = await handlingAgency(db, opts.agencyCode);
  const intake = await intakeUnit(db);
  const applications = data.applications ?? [];
  const tasks = data.tasks ?? [];

  // 1. Services, plus the services that applications and tasks name without listing them.
  const services = new Map<string, GsService>();
  for (const s of data.services ?? []) if (!services.has(s.id)) services.set(s.id, s);
  for (const a of [...applications, ...tasks]) {
    if (services.has(a.serviceId)) continue;
    const eFormId = (a as GsTask).eFormId ?? a.eformId;
    services.set(a.serviceId, {
      id: a.serviceId,
      name: a.serviceName ?? `GovStack service ${a.serviceId}`,
      ...(eFormId ? { eForms: [{ eFormId, name: 'FORM', version: '1' }] } : {}),
    });
  }
  const procedureIds = new Map<string, string>();
  for (const s of services.values()) {
    const [known] = await db
      .selectFrom('govstack_ids')
      .select('internal_id')
      .where('kind', '=', 'service')
      .where('external_id', '=', s.id)
      .execute();
    procedureIds.set(s.id, known?.internal_id ?? randomUUID());
  }
  const items = [...services.values()].map((s) => ({
    id: procedureIds.get(s.id)!,
    code: null,
    fullCode: null,
    name: s.name,
    field: { code: 'govstack', name: 'GovStack Registration' },
    level: 'province',
    channels: ['online', 'counter', 'postal'],
    applicantKinds: ['citizen', 'organization'],
    documents: [],
    timeLimit: { value: 5, unit: 'working_days', text: null },
    fees: [],
    legalBasis: [],
    result: { name: s.name, kind: 'certificate' },
    onlineLevel: 'full',
    eForm: { schema: eFormSchema(s.eForms?.[0], s.name), uiSchema: null },
    workflow: {
      schemaVersion: 1,
      steps: [
        {
          id: 'xu_ly',
          name_vi: 'Xử lý hồ sơ',
          name_en: 'Process the application',
          agency: { kind: 'fixed', agencyCode: agency.code },
          role: 'officer',
          allotment: { days: 4 },
          actions: ['approve', 'refuse', 'request_supplement'],
          final: true,
        },
      ],
    },
    source: {
      verified: false,
      text: 'GovStack Registration Building Block test data (bb-registration)',
      notes: s.description && s.description !== 'string' ? s.description : null,
    },
    agencyCodes: [agency.code],
  }));
  const prepared = await prepareImport(
    db,
    { format: 'json', catalog: { format: CATALOG_FORMAT, formatVersion: 1, procedures: items } },
    'en',
  );
  const counts = await db.transaction().execute(async (tx) => {
    const c = await applyImport(tx, prepared, null, 'en', { keepDrafts: true });
    for (const s of services.values()) {
      const pid = procedureIds.get(s.id)!;
      await mapId(tx, 'service', s.id, pid);
      for (const f of s.eForms ?? []) await mapId(tx, 'eform', f.eFormId, pid);
    }
    if (c.created || c.updated) {
      await recordAudit(tx, {
        ...auditFields(LOADER),
        action: 'govstack.load_services',
        targetType: 'catalog',
        targetId: null,
        result: 'ok',
        details: { services: services.size, created: c.created, updated: c.updated, unchanged: c.unchanged },
      });
      await enqueue(tx, {
        topic: 'catalog.imported',
        aggregateType: 'catalog',
        aggregateId: 'catalog',
        payload: { procedures: services.size, created: c.created, updated: c.updated, unchanged: c.unchanged },
      });
    }
    return c;
  });

  // 2. The facade's own accounts: the intake receptionist and the handling leader.
  await officerFor(db, 'operator', 'intake', {
    agencyId: intake.id,
    roles: ['receptionist'],
    name: 'Tiếp nhận GovStack (tài khoản hệ thống)',
    username: 'govstack.tiepnhan',
  });
  await officerFor(db, 'operator', 'handler', {
    agencyId: agency.id,
    roles: ['leader', 'officer'],
    name: 'Xử lý GovStack (tài khoản hệ thống)',
    username: 'govstack.xuly',
  });

  // 3. Dossiers: each application, and each file a task refers to.
  const files = new Map<string, GsApplication & { taskId?: string }>();
  for (const a of applications) if (!files.has(a.fileId)) files.set(a.fileId, a);
  for (const t of tasks) {
    const f = files.get(t.fileId);
    if (f) {
      if (!f.taskId) files.set(t.fileId, { ...f, taskId: t.taskId });
    } else files.set(t.fileId, { ...t, mainTaskId: t.mainTaskId ?? undefined });
  }
  let created = counts.created;
  const published = await publishedProcedureIds(db, [...procedureIds.values()]);
  for (const f of files.values()) {
    const procedureId = procedureIds.get(f.serviceId)!;
    if (published.has(procedureId)) created += await loadFile(db, f, procedureId, agency.id);
  }
  for (const t of tasks) {
    const [dossierId] = await internalIds(db, 'file', t.fileId);
    if (!dossierId) continue;
    const entered = await firstEventOfType(db, dossierId, 'forwarded');
    if (entered !== undefined) await mapId(db, 'task', t.taskId, `${dossierId}.${entered}`);
    if (t.mainTaskId) await mapId(db, 'main_task', t.mainTaskId, dossierId!);
  }
  const unpublished = [...procedureIds.values()].filter((id) => !published.has(id)).length;
  return { services: services.size, dossiers: files.size, tasks: tasks.length, created, unpublished };
}

/**
 * One GovStack file as a dossier, resumable: the `file` row is written right after submission,
 * and each later run moves the dossier on from where it stands (received → transferred → claimed).
 */
async function loadFile(db: Db, f: GsApplication, procedureId: string, agencyId: string): Promise<number> {
  let [dossierId] = await db
    .selectFrom('govstack_ids')
    .select('internal_id')
    .where('kind', '=', 'file')
    .where('external_id', '=', f.fileId)
    .execute()
    .then((r) => r.map((x) => x.internal_id));
  let created = 0;
  const intake = await officerActor(
    db,
    (await db
      .selectFrom('govstack_ids')
      .select('internal_id')
      .where('kind', '=', 'operator')
      .where('external_id', '=', 'intake')
      .executeTakeFirstOrThrow())!.internal_id,
  );
  if (!dossierId) {
    const r = await submitDossier(
      db,
      {
        procedureId,
        // Test data of an outside system: its channel (online), entered by the intake account.
        channel: 'online',
        viaIntegration: true,
        formData: {},
        applicant: {
          kind: 'citizen',
          name: f.description && f.description !== 'Any text.' ? f.description : 'GovStack applicant',
          idNumber: null,
        },
        note: 'Dữ liệu thử GovStack Registration BB / GovStack test data',
      },
      { actor: intake, requestId: 'cli govstack load' },
      null,
    );
    dossierId = (r.body as { id: string }).id;
    await mapId(db, 'file', f.fileId, dossierId, {
      applicantId: f.applicantId ?? 'govstack-test-applicant',
      ...(f.created ? { created: f.created } : {}),
      documentUrls: f.documentUrls ?? [],
      ...(f.eformId ? { eFormId: f.eformId } : {}),
    });
    created++;
  }
  if (f.mainTaskId) await mapId(db, 'main_task', f.mainTaskId, dossierId);
  const role: OfficerRole = 'officer';
  if (f.roleId) await mapId(db, 'role', f.roleId, role, { name: f.roleName ?? 'Registrar' });
  const assignee = f.assigneeId
    ? await officerFor(db, 'user', f.assigneeId, {
        agencyId,
        roles: [role],
        name: f.operatorName ?? 'GovStack operator',
        username: `govstack.${slug(f.assigneeId)}`,
      })
    : null;
  const step = async (actor: Actor, command: CommandBody) => {
    const version = await dossierVersion(db, dossierId!);
    await executeCommand(db, {
      dossierId: dossierId!,
      command: { ...command, version },
      ctx: { actor, requestId: 'cli govstack load' },
      idempotencyKey: null,
    });
  };
  const loaded = async (id: string) => {
    const row = await dossierRow(db, id);
    if (!row) throw new Error(`dossier ${id} of GovStack file ${f.fileId} not found`);
    return row;
  };
  let d = await loaded(dossierId);
  if (d.status === 'received') {
    await step(intake, { type: 'forward' });
    d = await loaded(dossierId);
  }
  if (d.status === 'processing' && d.main_assignee_id === null && assignee) {
    await step(await officerActor(db, assignee), { type: 'claim' });
  }
  return created;
}

export function parseDataSet(text: string): GovstackDataSet {
  const data = JSON.parse(text) as GovstackDataSet;
  if (!data || typeof data !== 'object' || (!data.services && !data.applications && !data.tasks)) {
    throw new Problem('validation_failed', {
      detail: { vi: 'Không phải bộ dữ liệu GovStack', en: 'Not a GovStack Registration data set' },
    });
  }
  return data;
}

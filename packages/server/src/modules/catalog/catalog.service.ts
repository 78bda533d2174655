import { type Actor, isProvinceAdministrator, withFieldOrder } from '@motcua/core';
import { type Selectable, sql } from 'kysely';
import type { Db, Executor, Tx } from '../../db/database.ts';
import type { ProcedureVersionTable } from '../../db/schema.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import type { Lang } from '../../shared/messages.ts';
import { fieldError, Problem } from '../../shared/problem.ts';
import { agenciesById, agencyColumn, firstCreatedRootId } from '../agencies/agencies.queries.ts';
import { actorUserId, auditFields, recordAudit } from '../audit/audit.service.ts';
import { enqueue } from '../outbox/outbox.service.ts';
import { assertPublishable, type PublishCandidate, publishIssues } from './catalog.publishable.ts';
import type { ProcedureAdminView, ProcedureContent, PublicProcedureView, VersionView } from './catalog.schemas.ts';

/** The parts of a version kept in its `content` jsonb column. */
export type StoredContent = Pick<
  ProcedureContent,
  'channels' | 'documents' | 'timeLimit' | 'fees' | 'legalBasis' | 'result' | 'eForm' | 'workflow'
> & { lifeEvents?: ProcedureContent['lifeEvents']; identityLevel?: ProcedureContent['identityLevel'] };

/** The province whose catalog this deployment keeps: the root of the agency tree. */
export async function catalogProvinceId(ex: Executor): Promise<string> {
  const root = await firstCreatedRootId(ex);
  if (root === undefined)
    throw new Problem('not_found', { detail: { vi: 'Chưa có tỉnh', en: 'No province configured' } });
  return root;
}

/**
 * The catalog belongs to the province: only an administrator of the province's own agency (the
 * root of the tree) changes it. A commune's administrator manages the commune's accounts, not the
 * provincial catalog.
 */
export function assertCatalogAdmin(actor: Actor): void {
  if (actor.kind !== 'officer' || !actor.roles.includes('admin')) throw new Problem('forbidden');
  if (!isProvinceAdministrator(actor)) {
    throw new Problem('forbidden', {
      detail: {
        vi: 'Chỉ quản trị viên cấp tỉnh được sửa danh mục thủ tục',
        en: 'Only a province-level administrator may change the procedure catalog',
      },
    });
  }
}

export function isCatalogAdmin(actor: Actor): boolean {
  try {
    assertCatalogAdmin(actor);
    return true;
  } catch {
    return false;
  }
}

/** Agencies must exist; the error names the offending list entries. */
async function assertAgenciesExist(ex: Executor, ids: string[], path: string, lang: Lang): Promise<void> {
  if (ids.length === 0) return;
  const found = new Set((await agenciesById(ex, ids)).filter((a) => a.active).map((a) => a.id));
  const errors = ids.flatMap((id, i) =>
    found.has(id)
      ? []
      : [
          fieldError(`${path}.${i}`, 'custom', lang, {
            vi: 'Không có cơ quan này hoặc cơ quan đã ngừng hoạt động',
            en: 'No such agency, or it is inactive',
          }),
        ],
  );
  if (errors.length) throw new Problem('validation_failed', { errors });
}

export function storedContent(c: ProcedureContent): StoredContent {
  return {
    channels: c.channels,
    lifeEvents: c.lifeEvents,
    documents: c.documents,
    timeLimit: c.timeLimit,
    fees: c.fees,
    legalBasis: c.legalBasis,
    result: c.result,
    // jsonb keeps object keys sorted, not as designed: the field order travels as `ui:order`.
    eForm: c.eForm && {
      schema: c.eForm.schema,
      uiSchema: withFieldOrder(c.eForm.schema, c.eForm.uiSchema),
      ...(c.eForm.prefill && Object.keys(c.eForm.prefill).length > 0 ? { prefill: c.eForm.prefill } : {}),
    },
    identityLevel: c.identityLevel ?? null,
    workflow: c.workflow,
  };
}

function versionColumns(c: ProcedureContent) {
  return {
    name: c.name,
    field_code: c.field.code,
    field_name: c.field.name,
    level: c.level,
    online_level: c.onlineLevel,
    applicant_kinds: c.applicantKinds,
    content: JSON.stringify(storedContent(c)),
    source_verified: c.source.verified,
    source_text: c.source.text,
    source_notes: c.source.notes,
  };
}

export async function insertVersion(
  tx: Tx,
  v: {
    procedureId: string;
    versionNo: number;
    status: 'draft' | 'published';
    content: ProcedureContent;
    actorId: string | null;
    at?: Date;
  },
): Promise<string> {
  const at = v.at ?? new Date();
  const row = await tx
    .insertInto('procedure_versions')
    .values({
      procedure_id: v.procedureId,
      version_no: v.versionNo,
      status: v.status,
      ...versionColumns(v.content),
      created_by: v.actorId,
      published_at: v.status === 'published' ? at : null,
      published_by: v.status === 'published' ? v.actorId : null,
      archived_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (v.content.agencyIds.length) {
    await tx
      .insertInto('procedure_version_agencies')
      .values(v.content.agencyIds.map((agency_id) => ({ version_id: row.id, agency_id })))
      .execute();
  }
  return row.id;
}

async function replaceDraftContent(tx: Tx, versionId: string, c: ProcedureContent): Promise<void> {
  await tx.updateTable('procedure_versions').set(versionColumns(c)).where('id', '=', versionId).execute();
  await tx.deleteFrom('procedure_version_agencies').where('version_id', '=', versionId).execute();
  if (c.agencyIds.length) {
    await tx
      .insertInto('procedure_version_agencies')
      .values(c.agencyIds.map((agency_id) => ({ version_id: versionId, agency_id })))
      .execute();
  }
}

/** Publish a version: the procedure's current published version (if any) is archived. */
export async function publishVersion(
  tx: Tx,
  procedureId: string,
  versionId: string,
  actorId: string | null,
  at = new Date(),
) {
  await tx
    .updateTable('procedure_versions')
    .set({ status: 'archived', archived_at: at })
    .where('procedure_id', '=', procedureId)
    .where('status', '=', 'published')
    .execute();
  await tx
    .updateTable('procedure_versions')
    .set({ status: 'published', published_at: at, published_by: actorId })
    .where('id', '=', versionId)
    .execute();
}

// ---------- reading ----------

/** A version as loaded for views: every column but the search key and the audit columns. */
type VersionRow = Omit<Selectable<ProcedureVersionTable>, 'search_text' | 'created_by' | 'published_by'>;

export async function loadVersions(
  ex: Executor,
  where: { procedureIds?: string[]; versionIds?: string[]; status?: string },
) {
  let q = ex
    .selectFrom('procedure_versions')
    .select([
      'id',
      'procedure_id',
      'version_no',
      'status',
      'name',
      'field_code',
      'field_name',
      'level',
      'online_level',
      'applicant_kinds',
      'content',
      'source_verified',
      'source_text',
      'source_notes',
      'created_at',
      'published_at',
      'archived_at',
    ]);
  if (where.procedureIds) {
    if (!where.procedureIds.length) return [];
    q = q.where('procedure_id', 'in', where.procedureIds);
  }
  if (where.versionIds) {
    if (!where.versionIds.length) return [];
    q = q.where('id', 'in', where.versionIds);
  }
  if (where.status) q = q.where('status', '=', where.status as 'draft');
  const rows: VersionRow[] = await q.orderBy('procedure_id').orderBy('version_no', 'desc').execute();
  const agencies = rows.length
    ? await ex
        .selectFrom('procedure_version_agencies as pva')
        .select([
          'pva.version_id',
          'pva.agency_id as id',
          agencyColumn<string>('pva.agency_id', 'code').as('code'),
          agencyColumn<string>('pva.agency_id', 'name').as('name'),
        ])
        .where(
          'pva.version_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('code')
        .execute()
    : [];
  const byVersion = new Map<string, { id: string; code: string; name: string }[]>();
  for (const a of agencies) {
    const list = byVersion.get(a.version_id) ?? [];
    list.push({ id: a.id, code: a.code, name: a.name });
    byVersion.set(a.version_id, list);
  }
  return rows.map((r) => toVersionView(r, byVersion.get(r.id) ?? []));
}

type VersionWithProcedure = VersionView & { procedureId: string };

function toVersionView(r: VersionRow, agencies: { id: string; code: string; name: string }[]): VersionWithProcedure {
  const c = r.content as StoredContent;
  return {
    procedureId: r.procedure_id,
    id: r.id,
    versionNo: r.version_no,
    status: r.status,
    createdAt: r.created_at.toISOString(),
    publishedAt: r.published_at?.toISOString() ?? null,
    archivedAt: r.archived_at?.toISOString() ?? null,
    name: r.name,
    field: { code: r.field_code, name: r.field_name },
    level: r.level,
    agencies,
    channels: c.channels,
    applicantKinds: r.applicant_kinds as VersionView['applicantKinds'],
    lifeEvents: c.lifeEvents ?? [],
    documents: c.documents,
    timeLimit: c.timeLimit,
    fees: c.fees,
    legalBasis: c.legalBasis,
    result: c.result,
    onlineLevel: r.online_level,
    eForm: c.eForm as VersionView['eForm'],
    identityLevel: c.identityLevel ?? null,
    workflow: c.workflow,
    source: { verified: r.source_verified, text: r.source_text, notes: r.source_notes },
  };
}

const strip = ({ procedureId: _, ...v }: VersionWithProcedure): VersionView => v;

/** What the publishing check reads of a stored version. */
async function candidateOf(ex: Executor, versionId: string, c: StoredContent): Promise<PublishCandidate> {
  const agencies = await ex
    .selectFrom('procedure_version_agencies')
    .select('agency_id')
    .where('version_id', '=', versionId)
    .execute();
  return {
    agencyIds: agencies.map((a) => a.agency_id),
    channels: c.channels,
    workflow: c.workflow,
    timeLimit: c.timeLimit,
  };
}

export async function getAdminView(ex: Executor, procedureId: string): Promise<ProcedureAdminView> {
  const p = await ex
    .selectFrom('procedures')
    .select(['id', 'code', 'full_code', 'version'])
    .where('id', '=', procedureId)
    .executeTakeFirst();
  if (!p) throw new Problem('not_found');
  const versions = await loadVersions(ex, { procedureIds: [procedureId] });
  const published = versions.find((v) => v.status === 'published');
  const draft = versions.find((v) => v.status === 'draft');
  // Why the draft cannot be published yet, for the administrator (empty: it can be).
  const issues = draft
    ? await publishIssues(ex, {
        agencyIds: draft.agencies.map((a) => a.id),
        channels: draft.channels,
        workflow: draft.workflow,
        timeLimit: draft.timeLimit,
      })
    : [];
  return {
    id: p.id,
    code: p.code,
    fullCode: p.full_code,
    version: p.version,
    published: published ? strip(published) : null,
    draft: draft ? strip(draft) : null,
    publishIssues: issues.map((i) => ({ path: i.path, code: i.code, message_vi: i.vi, message_en: i.en })),
  };
}

export async function listVersions(db: Db, procedureId: string): Promise<VersionView[]> {
  const p = await db.selectFrom('procedures').select('id').where('id', '=', procedureId).executeTakeFirst();
  if (!p) throw new Problem('not_found');
  return (await loadVersions(db, { procedureIds: [procedureId] })).map(strip);
}

/** The version citizens see; the source and verification notes only for catalog administrators. */
export async function getPublished(db: Db, procedureId: string, withSource: boolean): Promise<PublicProcedureView> {
  const p = await db
    .selectFrom('procedures')
    .select(['id', 'code', 'full_code'])
    .where('id', '=', procedureId)
    .executeTakeFirst();
  const [v] = p ? await loadVersions(db, { procedureIds: [procedureId], status: 'published' }) : [];
  if (!p || !v) throw new Problem('not_found');
  const { procedureId: _, id, versionNo, status: _s, createdAt: _c, archivedAt: _a, source, ...content } = v;
  return {
    id: p.id,
    code: p.code,
    fullCode: p.full_code,
    versionId: id,
    versionNo,
    ...content,
    ...(withSource ? { source } : {}),
  };
}

// ---------- commands ----------

export async function createProcedure(
  db: Db,
  input: ProcedureContent & { code?: string | null | undefined; fullCode?: string | null | undefined },
  ctx: CommandContext,
  lang: Lang,
): Promise<ProcedureAdminView> {
  assertCatalogAdmin(ctx.actor);
  const { code = null, fullCode = null, ...content } = input;
  if (code && fullCode && !fullCode.startsWith(`${code}.`)) {
    throw new Problem('validation_failed', {
      errors: [
        fieldError('body.fullCode', 'custom', lang, {
          vi: 'Mã đầy đủ phải bắt đầu bằng mã TTHC',
          en: 'fullCode must start with code',
        }),
      ],
    });
  }
  return db.transaction().execute(async (tx) => {
    await assertAgenciesExist(tx, content.agencyIds, 'body.agencyIds', lang);
    const provinceId = await catalogProvinceId(tx);
    await assertCodesFree(tx, provinceId, code, fullCode, null);
    const p = await tx
      .insertInto('procedures')
      .values({ province_id: provinceId, code, full_code: fullCode })
      .returning('id')
      .executeTakeFirstOrThrow();
    const versionId = await insertVersion(tx, {
      procedureId: p.id,
      versionNo: 1,
      status: 'draft',
      content,
      actorId: actorUserId(ctx.actor),
    });
    await recordAudit(tx, {
      ...auditFields(ctx),
      action: 'procedure.create',
      targetType: 'procedure',
      targetId: p.id,
      result: 'ok',
      details: { code, versionId, versionNo: 1 },
    });
    await enqueue(tx, {
      topic: 'procedure.draft_saved',
      aggregateType: 'procedure',
      aggregateId: p.id,
      payload: { id: p.id, code, versionId, versionNo: 1 },
    });
    return getAdminView(tx, p.id);
  });
}

async function assertCodesFree(
  tx: Tx,
  provinceId: string,
  code: string | null,
  fullCode: string | null,
  exceptId: string | null,
) {
  for (const [col, value] of [
    ['code', code],
    ['full_code', fullCode],
  ] as const) {
    if (!value) continue;
    let q = tx.selectFrom('procedures').select('id').where('province_id', '=', provinceId).where(col, '=', value);
    if (exceptId) q = q.where('id', '<>', exceptId);
    if (await q.executeTakeFirst()) {
      throw new Problem('duplicate', {
        detail: { vi: `Mã thủ tục ${value} đã có`, en: `Procedure code ${value} exists` },
      });
    }
  }
}

/** Lock the procedure row and check the caller's version (optimistic concurrency → 409). */
async function lockForChange(tx: Tx, procedureId: string, expected: number) {
  const p = await tx
    .selectFrom('procedures')
    .select(['id', 'code', 'version'])
    .where('id', '=', procedureId)
    .forUpdate()
    .executeTakeFirst();
  if (!p) throw new Problem('not_found');
  if (p.version !== expected) throw new Problem('conflict', { extra: { currentVersion: p.version } });
  await tx
    .updateTable('procedures')
    .set({ version: sql`version + 1`, updated_at: new Date() })
    .where('id', '=', procedureId)
    .execute();
  return p;
}

/**
 * Save the draft: edits the open draft, or opens a new one (the next version number) when only a
 * published version exists — a published version is never changed.
 */
export async function saveDraft(
  db: Db,
  procedureId: string,
  input: ProcedureContent & { version: number },
  ctx: CommandContext,
  lang: Lang,
): Promise<ProcedureAdminView> {
  assertCatalogAdmin(ctx.actor);
  const { version, ...content } = input;
  return db.transaction().execute(async (tx) => {
    const p = await lockForChange(tx, procedureId, version);
    await assertAgenciesExist(tx, content.agencyIds, 'body.agencyIds', lang);
    const draft = await tx
      .selectFrom('procedure_versions')
      .select(['id', 'version_no'])
      .where('procedure_id', '=', procedureId)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    let versionId: string;
    let versionNo: number;
    if (draft) {
      await replaceDraftContent(tx, draft.id, content);
      versionId = draft.id;
      versionNo = draft.version_no;
    } else {
      const max = await tx
        .selectFrom('procedure_versions')
        .select((eb) => eb.fn.max('version_no').as('n'))
        .where('procedure_id', '=', procedureId)
        .executeTakeFirstOrThrow();
      versionNo = Number(max.n ?? 0) + 1;
      versionId = await insertVersion(tx, {
        procedureId,
        versionNo,
        status: 'draft',
        content,
        actorId: actorUserId(ctx.actor),
      });
    }
    await recordAudit(tx, {
      ...auditFields(ctx),
      action: 'procedure.save_draft',
      targetType: 'procedure',
      targetId: procedureId,
      result: 'ok',
      details: { code: p.code, versionId, versionNo, newDraft: !draft },
    });
    await enqueue(tx, {
      topic: 'procedure.draft_saved',
      aggregateType: 'procedure',
      aggregateId: procedureId,
      payload: { id: procedureId, code: p.code, versionId, versionNo },
    });
    return getAdminView(tx, procedureId);
  });
}

/** Publish the draft; the previously published version is archived in the same transaction. */
export async function publishDraft(
  db: Db,
  procedureId: string,
  expectedVersion: number,
  ctx: CommandContext,
  lang: Lang = 'vi',
): Promise<ProcedureAdminView> {
  assertCatalogAdmin(ctx.actor);
  return db.transaction().execute(async (tx) => {
    const p = await lockForChange(tx, procedureId, expectedVersion);
    const draft = await tx
      .selectFrom('procedure_versions')
      .select(['id', 'version_no', 'content'])
      .where('procedure_id', '=', procedureId)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    if (!draft) {
      throw new Problem('validation_failed', {
        detail: { vi: 'Thủ tục không có bản nháp để công bố', en: 'The procedure has no draft to publish' },
      });
    }
    // Only a version the dossier engine can carry to the end is published (catalog.publishable.ts).
    await assertPublishable(tx, await candidateOf(tx, draft.id, draft.content as StoredContent), lang);
    const previous = await tx
      .selectFrom('procedure_versions')
      .select(['id', 'version_no'])
      .where('procedure_id', '=', procedureId)
      .where('status', '=', 'published')
      .executeTakeFirst();
    await publishVersion(tx, procedureId, draft.id, actorUserId(ctx.actor));
    await recordAudit(tx, {
      ...auditFields(ctx),
      action: 'procedure.publish',
      targetType: 'procedure',
      targetId: procedureId,
      result: 'ok',
      details: {
        code: p.code,
        versionId: draft.id,
        versionNo: draft.version_no,
        archivedVersionId: previous?.id ?? null,
      },
    });
    await enqueue(tx, {
      topic: 'procedure.published',
      aggregateType: 'procedure',
      aggregateId: procedureId,
      payload: {
        id: procedureId,
        code: p.code,
        versionId: draft.id,
        versionNo: draft.version_no,
        archivedVersionId: previous?.id ?? null,
      },
    });
    return getAdminView(tx, procedureId);
  });
}

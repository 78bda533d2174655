import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db, Executor, Tx } from '../../db/database.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import type { Lang } from '../../shared/messages.ts';
import { type FieldError, fieldError, Problem } from '../../shared/problem.ts';
import { agenciesByCode } from '../agencies/agencies.queries.ts';
import { auditFields, canonicalJson, recordAudit } from '../audit/audit.service.ts';
import { enqueue } from '../outbox/outbox.service.ts';
import { exportItems } from './catalog.export.ts';
import { fieldName, issueMessage, itemPlace, type Place, placedError, rowPlace } from './catalog.labels.ts';
import { publishIssues } from './catalog.publishable.ts';
import { CatalogFile, type CatalogItem, type ImportBody, type ProcedureContent } from './catalog.schemas.ts';
import { assertCatalogAdmin, catalogProvinceId, insertVersion, publishVersion } from './catalog.service.ts';
import { SHEET_CONSULTATIONS, WORKFLOW_COLUMNS } from './catalog.workflow-sheet.ts';
import {
  DOCUMENT_COLUMNS,
  FEE_COLUMNS,
  type Located,
  PROCEDURE_COLUMNS,
  SHEET_DOCUMENTS,
  SHEET_FEES,
  SHEET_PROCEDURES,
  xlsxToCatalog,
} from './catalog.xlsx.ts';

/** Which procedure-sheet column holds a field of a catalog item. */
const PROC_COLUMN_OF: Record<string, string> = {
  id: 'id',
  code: 'code',
  fullCode: 'fullCode',
  name: 'name',
  'field.code': 'fieldCode',
  'field.name': 'fieldName',
  level: 'level',
  agencyCodes: 'agencyCodes',
  channels: 'channels',
  applicantKinds: 'applicantKinds',
  lifeEvents: 'lifeEvents',
  timeLimit: 'timeValue',
  'timeLimit.value': 'timeValue',
  'timeLimit.unit': 'timeUnit',
  'timeLimit.text': 'timeText',
  result: 'resultName',
  'result.name': 'resultName',
  'result.kind': 'resultKind',
  onlineLevel: 'onlineLevel',
  identityLevel: 'identityLevel',
  legalBasis: 'legalBasis',
  'source.verified': 'verified',
  'source.text': 'sourceText',
  'source.notes': 'sourceNotes',
  eForm: 'eForm',
  workflow: 'workflow',
};

const getAt = (v: unknown, path: (string | number)[]): unknown =>
  path.reduce<unknown>(
    (o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
    v,
  );

/**
 * Where field `path` of item `i` is: as a path (`Thủ tục!3.level`, `body.catalog.procedures.2.level`)
 * for programs, and in words for people ("Dòng 3, cột Cấp thực hiện" / "Thủ tục thứ 3 («…»), mục …").
 */
function locate(located: Located | null, base: string, raw: unknown, i: number, path: string[]) {
  const [list, j, ...rest] = path;
  const sub = (list === 'documents' || list === 'fees') && j !== undefined && /^\d+$/.test(j) ? Number(j) : null;
  const name = getAt(raw, ['procedures', i, 'name']);
  const field = fieldName(path);
  if (located) {
    const step = list === 'workflow' && j === 'steps' && /^\d+$/.test(rest[0] ?? '') ? Number(rest[0]) : null;
    const stepRef = step === null ? undefined : located.stepRows[i]?.[step];
    if (stepRef) {
      const col = WORKFLOW_COLUMNS.find((c) => c.key === rest[1]) ?? WORKFLOW_COLUMNS[2]!;
      const column =
        rest[1] === 'consultations'
          ? { vi: SHEET_CONSULTATIONS, en: 'Consultations' }
          : { vi: col.header, en: fieldName(['workflow', 'steps', col.key]).en };
      return {
        where: [`${stepRef.sheet}!${stepRef.row}`, ...rest.slice(1)].join('.'),
        place: rowPlace(stepRef.sheet, SHEET_PROCEDURES, stepRef.row, column),
      };
    }
    if (sub !== null) {
      const ref = (list === 'documents' ? located.docRows : located.feeRows)[i]?.[sub];
      const cols = list === 'documents' ? DOCUMENT_COLUMNS : FEE_COLUMNS;
      const col = cols.find((c) => c.key === rest[0]) ?? cols[2]!;
      if (ref) {
        const column = { vi: col.header, en: fieldName([list!, col.key]).en };
        return {
          where: [`${ref.sheet}!${ref.row}`, ...rest].join('.'),
          place: rowPlace(ref.sheet, SHEET_PROCEDURES, ref.row, column),
        };
      }
    }
    const ref = located.procRows[i];
    if (ref) {
      const key =
        PROC_COLUMN_OF[path.slice(0, 2).join('.')] ??
        PROC_COLUMN_OF[path[0] ?? ''] ??
        (list === 'documents' ? null : null);
      const col = PROCEDURE_COLUMNS.find((c) => c.key === key);
      const column = col
        ? { vi: col.header, en: field.en }
        : list === 'documents'
          ? { vi: SHEET_DOCUMENTS, en: 'Documents' }
          : list === 'fees'
            ? { vi: SHEET_FEES, en: 'Fees' }
            : field;
      return {
        where: [`${ref.sheet}!${ref.row}`, ...path].join('.'),
        place: rowPlace(ref.sheet, SHEET_PROCEDURES, ref.row, column),
      };
    }
  }
  const subWords = sub === null ? null : list === 'documents' ? `giấy tờ thứ ${sub + 1}` : `khoản phí thứ ${sub + 1}`;
  return { where: [base, 'procedures', i, ...path].join('.'), place: itemPlace(i, name, subWords, field) };
}

/** Turn zod issues into field errors worded with their row and column (or item and field). */
function issuesToErrors(
  issues: z.core.$ZodIssue[],
  located: Located | null,
  base: string,
  raw: unknown,
  lang: Lang,
): FieldError[] {
  return issues.slice(0, 200).map((iss) => {
    const path = iss.path.map(String);
    if (path[0] !== 'procedures' || path.length < 2) {
      const place: Place = { vi: 'Tệp danh mục', en: 'Catalog file' };
      return placedError([base, ...path].join('.'), iss.code, place, issueMessage(iss, {}, getAt(raw, path)), lang);
    }
    const i = Number(path[1]);
    const rest = path.slice(2);
    const { where, place } = locate(located, base, raw, i, rest);
    return placedError(where, iss.code, place, issueMessage(iss, fieldName(rest), getAt(raw, path)), lang);
  });
}

export type ResolvedItem = CatalogItem & { agencyIds: string[] };

/** Parse and check the whole file before anything is written: 400 with every field error. */
export async function prepareImport(
  ex: Executor,
  body: z.infer<typeof ImportBody>,
  lang: Lang,
): Promise<ResolvedItem[]> {
  let raw: unknown;
  let located: Located | null = null;
  let base = 'body.catalog';
  if (body.format === 'json') {
    raw = body.catalog;
  } else {
    located = await xlsxToCatalog(Buffer.from(body.data, 'base64'), lang);
    raw = located.file;
    base = 'xlsx';
  }
  const parsed = CatalogFile.safeParse(raw);
  if (!parsed.success) {
    throw new Problem('validation_failed', { errors: issuesToErrors(parsed.error.issues, located, base, raw, lang) });
  }
  const items = parsed.data.procedures;
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  items.forEach((it, i) => {
    for (const [k, v] of [
      ['code', it.code],
      ['fullCode', it.fullCode],
    ] as const) {
      if (!v) continue;
      if (seen.has(`${k}:${v}`)) {
        const { where, place } = locate(located, base, raw, i, [k]);
        errors.push(
          placedError(
            where,
            'custom',
            place,
            {
              vi: `mã ${v} đã có ở thủ tục thứ ${seen.get(`${k}:${v}`)! + 1} của tệp`,
              en: `code ${v} is already used by procedure ${seen.get(`${k}:${v}`)! + 1} of the file`,
            },
            lang,
          ),
        );
      }
      seen.set(`${k}:${v}`, i);
    }
  });
  const codes = [...new Set(items.flatMap((i) => i.agencyCodes))];
  const agencies = await agenciesByCode(ex, codes);
  const idOf = new Map(agencies.map((a) => [a.code, a.id]));
  for (const [i, it] of items.entries()) {
    for (const [j, c] of it.agencyCodes.entries()) {
      if (!idOf.has(c)) {
        const { where, place } = locate(located, base, raw, i, ['agencyCodes', String(j)]);
        errors.push(
          placedError(
            located ? where : `${base}.procedures.${i}.agencyCodes.${j}`,
            'custom',
            place,
            {
              vi: `không có cơ quan mã ${c} trong tỉnh`,
              en: `no agency with code ${c} in the province`,
            },
            lang,
          ),
        );
      }
    }
  }
  if (errors.length) throw new Problem('validation_failed', { errors: errors.slice(0, 200) });
  return items.map((it) => ({ ...it, agencyIds: it.agencyCodes.map((c) => idOf.get(c)!) }));
}

const contentOf = (it: ResolvedItem): ProcedureContent => {
  const { id: _i, code: _c, fullCode: _f, agencyCodes: _a, ...rest } = it;
  return rest;
};

/** An imported procedure kept as a draft, and why it could not be published. */
export type KeptDraft = {
  index: number;
  code: string | null;
  name: string;
  issues: { path: string; code: string; message_vi: string; message_en: string }[];
};
export type ImportCounts = {
  created: number;
  updated: number;
  unchanged: number;
  /** How many of the created/updated items were kept as drafts (not publishable). */
  keptAsDraft: number;
  drafts: KeptDraft[];
};

/**
 * Write prepared items, matched to existing procedures by id, national code or full code.
 * Identical content is left alone; changed content becomes a new version. Each new version is
 * published only when it is publishable (catalog.publishable.ts: active handling agencies, a valid
 * workflow whose every step resolves); otherwise it is kept as a draft — a procedure without a valid
 * workflow cannot be published — and the answer lists it with the reasons, while a previously
 * published version stays public. A procedure with an open draft is refused (the draft is an
 * administrator's unfinished work), unless the draft already holds exactly the incoming content.
 */
export async function applyImport(
  tx: Tx,
  items: ResolvedItem[],
  actorId: string | null,
  lang: Lang,
  opts: { keepDrafts?: boolean } = {},
): Promise<ImportCounts> {
  const provinceId = await catalogProvinceId(tx);
  const current = new Map<string, CatalogItem>();
  for (const it of await exportItems(tx)) current.set(it.id!, it);
  const drafts = new Map<string, CatalogItem>();
  for (const it of await exportItems(tx, 'draft')) drafts.set(it.id!, it);
  let created = 0;
  let updated = 0;
  let unchanged = 0;
  const kept: KeptDraft[] = [];
  const errors: FieldError[] = [];
  const statusFor = async (i: number, it: ResolvedItem): Promise<'draft' | 'published'> => {
    // Procedures brought by an outside system (GovStack) wait for an administrator to publish them.
    if (opts.keepDrafts) return 'draft';
    const issues = await publishIssues(tx, it);
    if (issues.length === 0) return 'published';
    kept.push({
      index: i,
      code: it.code,
      name: it.name,
      issues: issues.map((x) => ({ path: x.path, code: x.code, message_vi: x.vi, message_en: x.en })),
    });
    return 'draft';
  };
  for (const [i, it] of items.entries()) {
    let existing: { id: string } | undefined;
    if (it.id || it.code || it.fullCode) {
      existing = await tx
        .selectFrom('procedures')
        .select(['id'])
        .where('province_id', '=', provinceId)
        .where((eb) =>
          eb.or([
            ...(it.id ? [eb('id', '=', it.id)] : []),
            ...(it.code ? [eb('code', '=', it.code)] : []),
            ...(it.fullCode ? [eb('full_code', '=', it.fullCode)] : []),
          ]),
        )
        .orderBy(sql`id = ${it.id}`, 'desc')
        .forUpdate()
        .executeTakeFirst();
    }
    if (!existing) {
      const p = await tx
        .insertInto('procedures')
        .values({ ...(it.id ? { id: it.id } : {}), province_id: provinceId, code: it.code, full_code: it.fullCode })
        .returning('id')
        .executeTakeFirstOrThrow();
      await insertVersion(tx, {
        procedureId: p.id,
        versionNo: 1,
        status: await statusFor(i, it),
        content: contentOf(it),
        actorId,
      });
      created++;
      continue;
    }
    const incoming = canonicalJson({
      ...it,
      id: existing.id,
      agencyCodes: [...it.agencyCodes].sort(),
      agencyIds: undefined,
    });
    const before = current.get(existing.id);
    const draft = drafts.get(existing.id);
    if (draft ? canonicalJson(draft) === incoming : before && canonicalJson(before) === incoming) {
      unchanged++;
      continue;
    }
    if (draft) {
      errors.push(
        fieldError(`procedures.${i}`, 'custom', lang, {
          vi: `Thủ tục «${it.name}» đang có bản nháp chưa công bố; công bố hoặc hoàn thiện bản nháp trước khi nhập`,
          en: `The procedure “${it.name}” has an unpublished draft; publish or finish it before importing`,
        }),
      );
      continue;
    }
    const max = await tx
      .selectFrom('procedure_versions')
      .select((eb) => eb.fn.max('version_no').as('n'))
      .where('procedure_id', '=', existing.id)
      .executeTakeFirstOrThrow();
    const versionId = await insertVersion(tx, {
      procedureId: existing.id,
      versionNo: Number(max.n ?? 0) + 1,
      status: 'draft',
      content: contentOf(it),
      actorId,
    });
    if ((await statusFor(i, it)) === 'published') await publishVersion(tx, existing.id, versionId, actorId);
    await tx
      .updateTable('procedures')
      .set({ code: it.code, full_code: it.fullCode, version: sql`version + 1`, updated_at: new Date() })
      .where('id', '=', existing.id)
      .execute();
    updated++;
  }
  if (errors.length) throw new Problem('validation_failed', { errors });
  return { created, updated, unchanged, keptAsDraft: kept.length, drafts: kept };
}

/** POST /catalog/import: all or nothing, in one transaction with its audit row and outbox message. */
export async function importCatalog(db: Db, body: z.infer<typeof ImportBody>, ctx: CommandContext, lang: Lang) {
  assertCatalogAdmin(ctx.actor);
  const items = await prepareImport(db, body, lang);
  return db.transaction().execute(async (tx) => {
    const actorId = ctx.actor.kind === 'officer' ? ctx.actor.userId : null;
    const counts = await applyImport(tx, items, actorId, lang);
    await recordAudit(tx, {
      ...auditFields(ctx),
      action: 'catalog.import',
      targetType: 'catalog',
      targetId: null,
      result: 'ok',
      details: {
        format: body.format,
        procedures: items.length,
        created: counts.created,
        updated: counts.updated,
        unchanged: counts.unchanged,
        keptAsDraft: counts.keptAsDraft,
      },
    });
    await enqueue(tx, {
      topic: 'catalog.imported',
      aggregateType: 'catalog',
      aggregateId: 'catalog',
      payload: {
        procedures: items.length,
        created: counts.created,
        updated: counts.updated,
        unchanged: counts.unchanged,
        keptAsDraft: counts.keptAsDraft,
      },
    });
    return counts;
  });
}

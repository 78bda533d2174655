import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { FIELD_MESSAGES, type Lang } from '../../shared/messages.ts';
import { publishIssues } from './catalog.publishable.ts';
import { CreateProcedureBody, LevelSchema } from './catalog.schemas.ts';
import { catalogProvinceId } from './catalog.service.ts';

/**
 * What the administration's procedure screens need beside the catalog's commands: the list of
 * every procedure with its drafts (the public search shows only published versions), and a check
 * of a version's content that reports every problem with a code and a message in words, so the
 * editor can show each one next to its field before saving or publishing.
 */

export const AdminListQuery = z.strictObject({
  q: z.string().trim().max(200).optional(),
  status: z.enum(['draft', 'published']).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type AdminListQuery = z.infer<typeof AdminListQuery>;

export const AdminListResult = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      code: z.string().nullable(),
      /** The draft's name when there is a draft, else the published one's. */
      name: z.string(),
      field: z.object({ code: z.string(), name: z.string() }),
      level: LevelSchema,
      hasDraft: z.boolean(),
      publishedVersionNo: z.int().nullable(),
      updatedAt: z.string(),
    }),
  ),
  total: z.int(),
  page: z.int(),
  pageSize: z.int(),
});

/** Every procedure of the province, newest change first; a draft stands for its procedure. */
export async function listAdminProcedures(db: Db, f: AdminListQuery) {
  const provinceId = await catalogProvinceId(db);
  const q = f.q?.normalize('NFC').trim() ?? '';
  const fq = sql`search_fold(${q})`;
  // One row per procedure: its draft if any, else its published version.
  let query = db
    .selectFrom('procedures as p')
    .innerJoin('procedure_versions as v', 'v.procedure_id', 'p.id')
    .where('p.province_id', '=', provinceId)
    .where((eb) =>
      eb.or([
        eb('v.status', '=', 'draft'),
        eb.and([
          eb('v.status', '=', 'published'),
          eb.not(
            eb.exists(
              eb
                .selectFrom('procedure_versions as d')
                .select(sql`1`.as('one'))
                .whereRef('d.procedure_id', '=', 'p.id')
                .where('d.status', '=', 'draft'),
            ),
          ),
        ]),
      ]),
    );
  if (q) {
    query = query.where((eb) =>
      eb.or([
        sql<boolean>`v.search_text LIKE '%' || ${fq} || '%'`,
        sql<boolean>`${fq} <% v.search_text`,
        eb('p.code', 'like', `${q.replace(/[%_\\]/g, '')}%`),
      ]),
    );
  }
  if (f.status === 'draft') query = query.where('v.status', '=', 'draft');
  if (f.status === 'published')
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('procedure_versions as pub')
          .select(sql`1`.as('one'))
          .whereRef('pub.procedure_id', '=', 'p.id')
          .where('pub.status', '=', 'published'),
      ),
    );
  const rows = await query
    .select([
      'p.id',
      'p.code',
      'p.updated_at',
      'v.name',
      'v.status',
      'v.field_code',
      'v.field_name',
      'v.level',
      sql<number | null>`(SELECT pub.version_no FROM procedure_versions pub
        WHERE pub.procedure_id = p.id AND pub.status = 'published')`.as('published_no'),
      sql<string>`count(*) OVER ()`.as('total'),
    ])
    .orderBy('p.updated_at', 'desc')
    .orderBy('v.name')
    .orderBy('p.id')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  return {
    items: rows.map((r) => ({
      id: r.id,
      code: r.code,
      name: r.name,
      field: { code: r.field_code, name: r.field_name },
      level: r.level,
      hasDraft: r.status === 'draft',
      publishedVersionNo: r.published_no === null ? null : Number(r.published_no),
      updatedAt: new Date(r.updated_at).toISOString(),
    })),
    total: rows.length ? Number(rows[0]!.total) : 0,
    page: f.page,
    pageSize: f.pageSize,
  };
}

export const CheckBody = z.strictObject({ content: z.record(z.string(), z.unknown()) });
export const CheckIssue = z.object({
  /** Dotted path into the content, e.g. `documents.1.name`, `workflow.steps.0.allotment`. */
  path: z.string(),
  /** Stable code: a zod issue code, a workflow error code (core validateWorkflow), or a publish rule. */
  code: z.string(),
  /** Only publishing is refused (saving a draft is allowed). */
  publishOnly: z.boolean(),
  message: z.string(),
  message_vi: z.string(),
  message_en: z.string(),
});
export const CheckResult = z.object({ ok: z.boolean(), errors: z.array(CheckIssue) });
type CheckIssue = z.infer<typeof CheckIssue>;

/** Our schemas' own messages are written "tiếng Việt / English"; zod's defaults are English. */
function wordsOf(issue: z.core.$ZodIssue): { vi: string; en: string } {
  const parts = issue.message.split(' / ');
  if (issue.code === 'custom' && parts.length === 2) return { vi: parts[0]!, en: parts[1]! };
  if (parts.length === 2 && /[ăâđêôơưáàảãạ]/i.test(parts[0]!)) return { vi: parts[0]!, en: parts[1]! };
  if (issue.code === 'too_small' && (issue as { minimum?: unknown }).minimum === 1)
    return FIELD_MESSAGES.required ?? { vi: 'Bắt buộc nhập', en: 'Required' };
  return FIELD_MESSAGES[issue.code] ?? FIELD_MESSAGES.custom!;
}

/**
 * Checks a version's content as saving (CreateProcedureBody: fields, documents, fees, e-form,
 * workflow against the legal limit) and publishing (catalog.publishable.ts: handling agencies, a
 * workflow, every step resolving to an active agency) would. The commands stay the authority;
 * this only lets the editor show every problem at once, in words, next to its field.
 */
export async function checkProcedureContent(
  db: Db,
  content: Record<string, unknown>,
  lang: Lang,
): Promise<z.infer<typeof CheckResult>> {
  const errors: CheckIssue[] = [];
  const push = (path: string, code: string, m: { vi: string; en: string }, publishOnly = false) =>
    errors.push({ path, code, publishOnly, message: m[lang], message_vi: m.vi, message_en: m.en });
  const parsed = CreateProcedureBody.safeParse(content);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const workflowError = (issue as { params?: { workflowError?: string } }).params?.workflowError;
      push(issue.path.join('.'), workflowError ?? issue.code, wordsOf(issue));
    }
  }
  // What publishing refuses (catalog.publishable.ts); the workflow's own validation is the same
  // validateWorkflow the save runs, already reported above.
  const candidate = {
    agencyIds: Array.isArray(content.agencyIds)
      ? (content.agencyIds as unknown[]).filter(
          (x): x is string => typeof x === 'string' && z.uuid().safeParse(x).success,
        )
      : [],
    channels: Array.isArray(content.channels) ? (content.channels as string[]) : [],
    workflow:
      typeof content.workflow === 'object' && content.workflow !== null
        ? (content.workflow as Record<string, unknown>)
        : null,
    timeLimit: (content.timeLimit ?? null) as { value: number | null; unit: string } | null,
  };
  for (const i of await publishIssues(db, candidate)) {
    if (i.code === 'invalid_workflow') continue;
    push(i.path, i.code, { vi: i.vi, en: i.en }, true);
  }
  return { ok: errors.length === 0, errors };
}

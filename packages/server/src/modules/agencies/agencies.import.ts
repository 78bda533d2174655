import { type Actor, isProvinceAdministrator } from '@motcua/core';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db, Executor, Tx } from '../../db/database.ts';
import type { AgencyLevel } from '../../db/schema.ts';
import type { CommandContext } from '../../shared/command-context.ts';
import { escapeLike } from '../../shared/like.ts';
import type { Lang } from '../../shared/messages.ts';
import { type FieldError, fieldError, Problem } from '../../shared/problem.ts';
import { restoreNeutralized, safeCell } from '../../shared/spreadsheet.ts';
import { auditFields, recordAudit } from '../audit/audit.service.ts';
import { enqueue } from '../outbox/outbox.service.ts';
import { CHILD_LEVELS, insertAgency } from './agencies.service.ts';

/**
 * Agency tree import / export (docs/catalog.md, "Agencies: import and export").
 * The file is a flat list in tree order; rows are matched to agencies by code (QCVN 102).
 */

export const AGENCIES_FORMAT = 'motcua.agencies';
export const SHEET_AGENCIES = 'Cơ quan';
const MAX_ROWS = 10_000;

const LEVELS = ['province', 'department', 'district', 'commune', 'unit', 'center'] as const;
const CODE = /^[0-9A-Z.]{3,40}$/;

const blankToNull = (v: unknown) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? null : v);
const optText = (max: number) => z.preprocess(blankToNull, z.string().trim().max(max).nullable());

export const AgencyRow = z.strictObject({
  code: z.string().trim().regex(CODE, 'Mã định danh cơ quan (QCVN 102:2016): 3–40 ký tự 0-9, A-Z, dấu chấm'),
  parentCode: z.preprocess(
    blankToNull,
    z.string().trim().regex(CODE, 'Mã định danh cơ quan (QCVN 102:2016): 3–40 ký tự 0-9, A-Z, dấu chấm').nullable(),
  ),
  name: z.string().trim().min(1).max(300),
  nameEn: optText(300),
  level: z.enum(LEVELS),
  adminUnitCode: z.preprocess(
    blankToNull,
    z
      .string()
      .trim()
      .regex(/^[0-9A-Za-z.]{1,20}$/)
      .nullable(),
  ),
  address: optText(500),
  phone: optText(30),
  email: z.preprocess(blankToNull, z.email().max(200).nullable()),
});
export type AgencyRow = z.infer<typeof AgencyRow>;

export const AgenciesFile = z.strictObject({
  format: z.literal(AGENCIES_FORMAT),
  version: z.literal(1),
  agencies: z.array(AgencyRow).max(MAX_ROWS),
});
export type AgenciesFile = z.infer<typeof AgenciesFile>;

export const AgencyImportBody = z.discriminatedUnion('format', [
  z.strictObject({ format: z.literal('json'), file: z.unknown() }),
  z.strictObject({ format: z.literal('xlsx'), data: z.base64().min(4) }),
]);
export type AgencyImportBody = z.infer<typeof AgencyImportBody>;

export const AgencyImportResult = z.object({ created: z.int(), updated: z.int(), unchanged: z.int() });
export type AgencyImportResult = z.infer<typeof AgencyImportResult>;

/** Import rewrites the tree of the whole province: only an administrator of the province root. */
export function assertProvinceAdmin(actor: Actor): asserts actor is Extract<Actor, { kind: 'officer' }> {
  if (actor.kind !== 'officer' || !actor.roles.includes('admin')) throw new Problem('forbidden');
  if (!isProvinceAdministrator(actor)) {
    throw new Problem('forbidden', {
      detail: {
        vi: 'Chỉ quản trị viên cấp tỉnh được nhập danh sách cơ quan',
        en: 'Only a province-level administrator may import agencies',
      },
    });
  }
}

// ---------------- export ----------------

type TreeRow = {
  id: string;
  parent_id: string | null;
  code: string;
  parent_code: string | null;
  name: string;
  name_en: string | null;
  level: AgencyLevel;
  admin_unit_code: string | null;
  address: string | null;
  phone: string | null;
  email: string | null;
};

function loadTree(ex: Executor, pathPrefix: string | null): Promise<TreeRow[]> {
  let q = ex
    .selectFrom('agencies as a')
    .leftJoin('agencies as p', 'p.id', 'a.parent_id')
    .select([
      'a.id',
      'a.parent_id',
      'a.code',
      'p.code as parent_code',
      'a.name',
      'a.name_en',
      'a.level',
      'a.admin_unit_code',
      'a.address',
      'a.phone',
      'a.email',
    ]);
  if (pathPrefix !== null) q = q.where('a.path', 'like', `${escapeLike(pathPrefix)}%`);
  return q.execute();
}

/** Depth-first, siblings by code: every parent comes before its children. */
function treeOrder(rows: TreeRow[]): TreeRow[] {
  const ids = new Set(rows.map((r) => r.id));
  const children = new Map<string | null, TreeRow[]>();
  for (const r of rows) {
    const key = r.parent_id !== null && ids.has(r.parent_id) ? r.parent_id : null;
    const list = children.get(key) ?? [];
    list.push(r);
    children.set(key, list);
  }
  for (const list of children.values()) list.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const out: TreeRow[] = [];
  const stack = [...(children.get(null) ?? [])].reverse();
  while (stack.length) {
    const r = stack.pop()!;
    out.push(r);
    stack.push(...[...(children.get(r.id) ?? [])].reverse());
  }
  return out;
}

/** The caller's agency subtree (the whole province for a province administrator). */
export async function exportAgencies(ex: Executor, actor: Actor): Promise<AgenciesFile> {
  if (actor.kind !== 'officer') throw new Problem('forbidden');
  const rows = treeOrder(await loadTree(ex, actor.agencyPath));
  return {
    format: AGENCIES_FORMAT,
    version: 1,
    agencies: rows.map((r) => ({
      code: r.code,
      parentCode: r.parent_code,
      name: r.name,
      nameEn: r.name_en,
      level: r.level,
      adminUnitCode: r.admin_unit_code,
      address: r.address,
      phone: r.phone,
      email: r.email,
    })),
  };
}

// ---------------- Excel ----------------

type Col = { key: keyof AgencyRow; vi: string; en: string; width: number };
const COLUMNS: Col[] = [
  { key: 'code', vi: 'Mã cơ quan', en: 'Code', width: 18 },
  { key: 'parentCode', vi: 'Mã cơ quan cấp trên', en: 'Parent code', width: 18 },
  { key: 'name', vi: 'Tên cơ quan', en: 'Name', width: 50 },
  { key: 'nameEn', vi: 'Tên tiếng Anh', en: 'English name', width: 40 },
  { key: 'level', vi: 'Cấp', en: 'Level', width: 12 },
  { key: 'adminUnitCode', vi: 'Mã đơn vị hành chính', en: 'Administrative unit code', width: 12 },
  { key: 'address', vi: 'Địa chỉ', en: 'Address', width: 40 },
  { key: 'phone', vi: 'Điện thoại', en: 'Phone', width: 14 },
  { key: 'email', vi: 'Thư điện tử', en: 'Email', width: 28 },
];
const header = (c: Col) => `${c.vi} / ${c.en}`;

export async function agenciesToXlsx(file: AgenciesFile): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'motcua';
  wb.created = new Date(Date.UTC(2025, 0, 1));
  wb.modified = wb.created;
  const ws = wb.addWorksheet(SHEET_AGENCIES, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = COLUMNS.map((c) => ({ key: c.key, header: header(c), width: c.width }));
  ws.getRow(1).font = { bold: true };
  // Text cells neutralized against formula injection (shared/spreadsheet.ts); the import undoes it.
  for (const a of file.agencies) ws.addRow(Object.fromEntries(Object.entries(a).map(([k, v]) => [k, safeCell(v)])));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function cellText(v: ExcelJS.CellValue): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : restoreNeutralized(v.normalize('NFC'));
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    if ('richText' in v) return cellText(v.richText.map((r) => r.text).join(''));
    if ('formula' in v || 'sharedFormula' in v) return cellText((v as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in v && typeof (v as { text: unknown }).text === 'string') return cellText((v as { text: string }).text);
  }
  return null;
}

const norm = (s: string) => s.normalize('NFC').trim().toLowerCase();

/** Read the sheet into the JSON file shape; `rows[i]` is the sheet row of `agencies[i]`. */
async function xlsxToFile(data: Buffer, lang: Lang): Promise<{ file: unknown; rows: number[] }> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new Problem('validation_failed', {
      errors: [
        fieldError('body.data', 'invalid_format', lang, {
          vi: 'Không đọc được tệp Excel (.xlsx)',
          en: 'Not a readable .xlsx file',
        }),
      ],
    });
  }
  const ws = wb.getWorksheet(SHEET_AGENCIES);
  if (!ws) {
    throw new Problem('validation_failed', {
      errors: [
        fieldError(SHEET_AGENCIES, 'required', lang, {
          vi: `Thiếu trang tính "${SHEET_AGENCIES}"`,
          en: `Missing sheet "${SHEET_AGENCIES}"`,
        }),
      ],
    });
  }
  // A header matches by its full text, its Vietnamese or English half, or the JSON key.
  const index = new Map<string, number>();
  ws.getRow(1).eachCell((cell, col) => {
    const h = cellText(cell.value);
    if (h === null) return;
    const c = COLUMNS.find((x) => [header(x), x.vi, x.en, x.key].some((n) => norm(n) === norm(h)));
    if (c && !index.has(c.key)) index.set(c.key, col);
  });
  const errors = COLUMNS.filter((c) => !index.has(c.key)).map((c) =>
    fieldError(`${SHEET_AGENCIES}!1`, 'required', lang, {
      vi: `Thiếu cột "${header(c)}"`,
      en: `Missing column "${header(c)}"`,
    }),
  );
  if (errors.length) throw new Problem('validation_failed', { errors });
  const agencies: Record<string, string | null>[] = [];
  const rows: number[] = [];
  ws.eachRow((r, n) => {
    if (n === 1) return;
    const row: Record<string, string | null> = {};
    for (const c of COLUMNS) row[c.key] = cellText(r.getCell(index.get(c.key)!).value);
    if (Object.values(row).every((v) => v === null)) return;
    agencies.push(row);
    rows.push(n);
  });
  return { file: { format: AGENCIES_FORMAT, version: 1, agencies }, rows };
}

// ---------------- import ----------------

type Located = { base: string; rows: number[] | null };

/** `agencies.<i>.<field>` → `body.file.agencies.<i>.<field>`, or `Cơ quan!<row>.<field>` for a workbook. */
function locate(loc: Located, path: (string | number)[]): string {
  if (loc.rows && path[0] === 'agencies' && path.length > 1) {
    const row = loc.rows[Number(path[1])];
    if (row !== undefined) return [`${SHEET_AGENCIES}!${row}`, ...path.slice(2)].join('.');
  }
  return [loc.base, ...path].join('.');
}

type Existing = TreeRow;
type Plan = {
  updates: { id: string; row: AgencyRow }[];
  creates: AgencyRow[];
  unchanged: number;
};

const same = (a: Existing, r: AgencyRow) =>
  a.name === r.name &&
  a.name_en === r.nameEn &&
  a.admin_unit_code === r.adminUnitCode &&
  a.address === r.address &&
  a.phone === r.phone &&
  a.email === r.email;

/** Check every row against the file and the database; 400 with every field error, or the plan. */
export function planImport(rows: AgencyRow[], existing: Existing[], loc: Located, lang: Lang): Plan {
  const found: { i: number; e: FieldError }[] = [];
  const err = (i: number, field: string, vi: string, en: string) =>
    found.push({ i, e: fieldError(locate(loc, ['agencies', i, field]), 'custom', lang, { vi, en }) });
  const rowName = (i: number) => (loc.rows ? `dòng ${loc.rows[i]}` : `#${i}`);
  const rowNameEn = (i: number) => (loc.rows ? `row ${loc.rows[i]}` : `#${i}`);

  const byCode = new Map(existing.map((a) => [a.code, a]));
  const first = new Map<string, number>();
  const considered: number[] = [];
  rows.forEach((r, i) => {
    const j = first.get(r.code);
    if (j !== undefined) {
      err(
        i,
        'code',
        `Mã ${r.code} lặp lại (đã có ở ${rowName(j)})`,
        `Code ${r.code} repeated (already at ${rowNameEn(j)})`,
      );
    } else {
      first.set(r.code, i);
      considered.push(i);
    }
  });

  const plan: Plan = { updates: [], creates: [], unchanged: 0 };
  const fresh = new Map<string, number>(); // code → row index of agencies to create
  for (const i of considered) {
    const r = rows[i]!;
    const a = byCode.get(r.code);
    if (a) {
      let ok = true;
      if (r.parentCode !== a.parent_code) {
        ok = false;
        err(
          i,
          'parentCode',
          `Không thể chuyển cơ quan ${r.code} sang cơ quan cấp trên khác (hiện là ${a.parent_code ?? 'không có'}): nhập tệp không đổi cấp trên`,
          `Agency ${r.code} cannot be moved to another parent (currently ${a.parent_code ?? 'none'}): import does not re-parent`,
        );
      }
      if (r.level !== a.level) {
        ok = false;
        err(
          i,
          'level',
          `Không thể đổi cấp của cơ quan ${r.code} (hiện là "${a.level}")`,
          `The level of agency ${r.code} cannot change (currently "${a.level}")`,
        );
      }
      if (!ok) continue;
      if (same(a, r)) plan.unchanged++;
      else plan.updates.push({ id: a.id, row: r });
    } else {
      fresh.set(r.code, i);
    }
  }

  // New agencies: the parent exists already or is another new row; levels as in CHILD_LEVELS.
  const parentOf = new Map<number, number>(); // new row → new parent row
  const roots: number[] = []; // new rows whose parent already exists
  for (const [code, i] of fresh) {
    const r = rows[i]!;
    if (r.parentCode === null) {
      err(
        i,
        'parentCode',
        `Cơ quan mới ${code} phải có mã cơ quan cấp trên (mỗi cơ sở dữ liệu chỉ có một tỉnh)`,
        `New agency ${code} needs a parent code (one province per database)`,
      );
      continue;
    }
    const dbParent = byCode.get(r.parentCode);
    const fileParent = fresh.get(r.parentCode);
    const parentLevel = dbParent?.level ?? (fileParent !== undefined ? rows[fileParent]!.level : undefined);
    if (parentLevel === undefined) {
      err(
        i,
        'parentCode',
        `Không có cơ quan cấp trên mã ${r.parentCode} (trong cơ sở dữ liệu hay trong tệp)`,
        `No parent agency with code ${r.parentCode} (neither in the database nor in the file)`,
      );
      continue;
    }
    if (!CHILD_LEVELS[parentLevel].includes(r.level)) {
      err(
        i,
        'level',
        `Cấp "${r.level}" không thể trực thuộc cấp "${parentLevel}" (${r.parentCode})`,
        `A ${r.level} cannot sit under a ${parentLevel} (${r.parentCode})`,
      );
    }
    if (dbParent) roots.push(i);
    else parentOf.set(i, fileParent!);
  }

  // Topological order (Kahn): parents are created before their children.
  const kids = new Map<number, number[]>();
  for (const [child, parent] of parentOf) kids.set(parent, [...(kids.get(parent) ?? []), child]);
  const order: number[] = [];
  const queue = [...roots];
  while (queue.length) {
    const i = queue.shift()!;
    order.push(i);
    queue.push(...(kids.get(i) ?? []));
  }
  // Rows never reached hang under a cycle or under a row already reported (unknown parent…).
  const reached = new Set(order);
  const state = new Map<number, 'walking' | 'done'>();
  for (const start of parentOf.keys()) {
    if (reached.has(start) || state.has(start)) continue;
    const path: number[] = [];
    let j: number | undefined = start;
    while (j !== undefined && parentOf.has(j) && !state.has(j)) {
      state.set(j, 'walking');
      path.push(j);
      j = parentOf.get(j);
    }
    if (j !== undefined && state.get(j) === 'walking') {
      const cycle = path.slice(path.indexOf(j));
      const codes = cycle.map((k) => rows[k]!.code).join(' → ');
      for (const k of cycle) {
        err(k, 'parentCode', `Quan hệ cấp trên tạo vòng lặp: ${codes}`, `Parent codes form a cycle: ${codes}`);
      }
    }
    for (const k of path) state.set(k, 'done');
  }

  if (found.length) {
    // Reported in file order (the sort is stable).
    const errors = found.sort((a, b) => a.i - b.i).map((f) => f.e);
    throw new Problem('validation_failed', { errors: errors.slice(0, 500) });
  }
  plan.creates = order.map((i) => rows[i]!);
  return plan;
}

async function parseBody(body: AgencyImportBody, lang: Lang): Promise<{ rows: AgencyRow[]; loc: Located }> {
  let raw: unknown;
  let loc: Located;
  if (body.format === 'json') {
    raw = body.file;
    loc = { base: 'body.file', rows: null };
  } else {
    const x = await xlsxToFile(Buffer.from(body.data, 'base64'), lang);
    raw = x.file;
    loc = { base: 'xlsx', rows: x.rows };
  }
  const parsed = AgenciesFile.safeParse(raw);
  if (!parsed.success) {
    throw new Problem('validation_failed', {
      errors: parsed.error.issues.slice(0, 500).map((iss) => {
        const custom = iss.code === 'custom' ? { vi: iss.message, en: iss.message } : undefined;
        return fieldError(
          locate(
            loc,
            iss.path.map((p) => (typeof p === 'number' ? p : String(p))),
          ),
          iss.code,
          lang,
          custom,
        );
      }),
    });
  }
  return { rows: parsed.data.agencies, loc };
}

async function applyPlan(tx: Tx, plan: Plan): Promise<string[]> {
  for (const { id, row } of plan.updates) {
    await tx
      .updateTable('agencies')
      .set({
        name: row.name,
        name_en: row.nameEn,
        admin_unit_code: row.adminUnitCode,
        address: row.address,
        phone: row.phone,
        email: row.email,
        updated_at: new Date(),
        // An edit open in the administration is now stale: its save gets 409.
        version: sql`version + 1`,
      })
      .where('id', '=', id)
      .execute();
  }
  const idOf = new Map<string, string>();
  const createdIds: string[] = [];
  for (const row of plan.creates) {
    const parentCode = row.parentCode!;
    let parentId = idOf.get(parentCode);
    if (!parentId) {
      parentId = (await tx.selectFrom('agencies').select('id').where('code', '=', parentCode).executeTakeFirstOrThrow())
        .id;
    }
    const a = await insertAgency(tx, {
      parentId,
      code: row.code,
      name: row.name,
      nameEn: row.nameEn,
      level: row.level,
      adminUnitCode: row.adminUnitCode,
      address: row.address,
      phone: row.phone,
      email: row.email,
    });
    idOf.set(a.code, a.id);
    createdIds.push(a.id);
    await enqueue(tx, {
      topic: 'agency.created',
      aggregateType: 'agency',
      aggregateId: a.id,
      payload: { id: a.id, code: a.code },
    });
  }
  return createdIds;
}

/** POST /agencies/import: upsert by code, all or nothing, in one transaction with audit and outbox. */
export async function importAgencies(
  db: Db,
  body: AgencyImportBody,
  ctx: CommandContext,
  lang: Lang,
): Promise<AgencyImportResult> {
  const actor = ctx.actor;
  assertProvinceAdmin(actor);
  const { rows, loc } = await parseBody(body, lang);
  return db.transaction().execute(async (tx) => {
    // Serialize imports and agency changes against each other while the plan is checked and applied.
    await tx.selectFrom('agencies').select('id').where('id', '=', actor.agencyId).forUpdate().execute();
    const plan = planImport(rows, await loadTree(tx, null), loc, lang);
    await applyPlan(tx, plan);
    const counts = { created: plan.creates.length, updated: plan.updates.length, unchanged: plan.unchanged };
    await recordAudit(tx, {
      ...auditFields(ctx),
      action: 'agency.import',
      targetType: 'agency',
      targetId: actor.agencyId,
      result: 'ok',
      details: { format: body.format, rows: rows.length, ...counts },
    });
    await enqueue(tx, {
      topic: 'agency.imported',
      aggregateType: 'agency',
      aggregateId: actor.agencyId,
      payload: {
        ...counts,
        createdCodes: plan.creates.map((r) => r.code),
        updatedCodes: plan.updates.map((u) => u.row.code),
      },
    });
    return counts;
  });
}

import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/database.ts';
import { xlsxToCatalog } from '../src/modules/catalog/catalog.xlsx.ts';
import { submitDossier } from '../src/modules/dossiers/dossier.submit.ts';
import { actorOf, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';
import { mandatoryChecklistOfProcedure } from './reception-helpers.ts';

/**
 * CSV/Excel formula injection (issue 14, OWASP "CSV Injection"): formula-like text planted in every
 * user- or admin-controlled text that reaches an export (citizen name, address and phone, procedure
 * and field names, agency name) must come out of EVERY export endpoint quoted (`'=…`), never as a
 * formula, and our own catalog import must read it back unchanged.
 * A new export endpoint must be added to EXPORTS below.
 */
const PAYLOADS = ['=HYPERLINK("http://x.example","y")', '+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'] as const;
const FORMULA_START = /^[=+\-@\t\r]/;

type Export = { name: string; who: string; url: string; kind: 'xlsx' | 'csv' };
const FEB = 'period=month&date=2026-02-15';
const EXPORTS: Export[] = [
  { name: 'catalog Excel', who: DEMO.admin, url: '/catalog/export?format=xlsx', kind: 'xlsx' },
  { name: 'agencies Excel', who: DEMO.admin, url: '/agencies/export?format=xlsx', kind: 'xlsx' },
  {
    name: 'tracking book (form 07)',
    who: DEMO.communeReceptionist,
    url: '/reports/tracking-book?from=2026-02-01&to=2026-02-28',
    kind: 'xlsx',
  },
  { name: 'settlement Excel', who: DEMO.provincialLeader, url: `/reports/settlement?${FEB}&format=xlsx`, kind: 'xlsx' },
  { name: 'settlement CSV', who: DEMO.provincialLeader, url: `/reports/settlement?${FEB}&format=csv`, kind: 'csv' },
  ...(['agency', 'field', 'procedure'] as const).map(
    (by): Export => ({
      name: `breakdown by ${by} CSV`,
      who: DEMO.provincialLeader,
      url: `/indicators/breakdown?${FEB}&by=${by}&format=csv`,
      kind: 'csv',
    }),
  ),
  {
    name: 'drill-down CSV',
    who: DEMO.provincialLeader,
    url: `/indicators/dossiers?${FEB}&metric=received&format=csv`,
    kind: 'csv',
  },
];

/** RFC 4180 fields of a CSV document (quoted fields may hold commas, quotes and line breaks). */
function csvCells(text: string): string[] {
  const cells: string[] = [];
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  let cur = '';
  let quoted = false;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cur);
      cur = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      cells.push(cur);
      cur = '';
      i++;
    } else cur += ch;
  }
  if (cur) cells.push(cur);
  return cells;
}

/** The text of every cell of every sheet; fails on any formula or hyperlink object. */
async function xlsxCells(buf: Buffer): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const cells: string[] = [];
  for (const ws of wb.worksheets) {
    ws.eachRow({ includeEmpty: false }, (row) =>
      row.eachCell((c) => {
        expect(c.type, `${ws.name}!${c.address}`).not.toBe(ExcelJS.ValueType.Formula);
        expect(c.type, `${ws.name}!${c.address}`).not.toBe(ExcelJS.ValueType.Hyperlink);
        if (typeof c.value === 'string') cells.push(c.value);
        else if (c.value && typeof c.value === 'object' && 'richText' in c.value)
          cells.push(c.value.richText.map((r) => r.text).join(''));
      }),
    );
  }
  return cells;
}

let app: TestApp;
let db: Db;
const catalogPayload = { name: PAYLOADS[0], field: PAYLOADS[1] };

beforeAll(async () => {
  ({ app, db } = await startTestApp());
  const commune = await db
    .selectFrom('agencies')
    .select('id')
    .where('name', '=', 'UBND Phường Hải Châu')
    .executeTakeFirstOrThrow();
  const p = await db
    .selectFrom('procedure_versions')
    .select(['id', 'procedure_id'])
    .where('name', '=', 'Chứng thực di chúc')
    .where('status', '=', 'published')
    .executeTakeFirstOrThrow();
  const ctx = { actor: await actorOf(db, DEMO.communeReceptionist), requestId: null };
  const r = await submitDossier(
    db,
    {
      procedureId: p.procedure_id,
      channel: 'counter',
      formData: {},
      applicant: { name: 'Trần Thị Mai', idNumber: null },
      checklist: await mandatoryChecklistOfProcedure(db, p.procedure_id),
    },
    ctx,
    null,
    { now: new Date('2026-02-10T09:00:00+07:00') },
  );
  const dossierId = (r.body as { id: string }).id;
  // Planted straight in the database: the validators may refuse some of these, the exports must
  // be safe whatever a row holds (data imported, written before a validator existed...).
  await sql`UPDATE dossiers SET procedure_name = ${PAYLOADS[0]},
      applicant = applicant || ${JSON.stringify({ name: PAYLOADS[3], address: PAYLOADS[5], phone: PAYLOADS[1] })}::jsonb
    WHERE id = ${dossierId}`.execute(db);
  // A published version is immutable (trigger): bypass the triggers for this one planted row.
  await db.transaction().execute(async (tx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(tx);
    await sql`UPDATE procedure_versions SET name = ${catalogPayload.name}, field_name = ${catalogPayload.field},
        source_notes = ${PAYLOADS[4]}, source_text = ${PAYLOADS[2]} WHERE id = ${p.id}`.execute(tx);
  });
  await sql`UPDATE agencies SET name = ${PAYLOADS[3]} WHERE id = ${commune.id}`.execute(db);
}, 120_000);

describe('every CSV and Excel export neutralizes formula-like text (OWASP CSV injection)', () => {
  it.each(EXPORTS)('$name', async (e) => {
    const c = await sessionFor(db, e.who);
    const r = await app.inject({ method: 'GET', url: `/api/v1${e.url}`, headers: c.headers });
    expect(r.statusCode, r.body).toBe(200);
    const cells = e.kind === 'xlsx' ? await xlsxCells(r.rawPayload) : csvCells(r.body);
    const bad = cells.filter((t) => FORMULA_START.test(t));
    expect(bad).toEqual([]);
    // The planted text is there, quoted: the export is not just missing the row.
    expect(cells.some((t) => PAYLOADS.some((p) => t === `'${p}` || t === `'${p.toUpperCase()}`))).toBe(true);
  });

  it('the catalog Excel export reads back unchanged (the import undoes the quote)', async () => {
    const c = await sessionFor(db, DEMO.admin);
    const r = await app.inject({ method: 'GET', url: '/api/v1/catalog/export?format=xlsx', headers: c.headers });
    const back = (await xlsxToCatalog(r.rawPayload, 'vi')).file as {
      procedures: { name: string; field: { name: string }; source: { text: string; notes: string } }[];
    };
    const planted = back.procedures.find((p) => p.name === catalogPayload.name);
    expect(planted?.field.name).toBe(catalogPayload.field);
    expect(planted?.source.notes).toBe(PAYLOADS[4]);
    // (Not `\r=1`: XML turns a lone CR into LF, so a CR never survives any xlsx round trip.)
    expect(planted?.source.text).toBe(PAYLOADS[2]);
  });
});

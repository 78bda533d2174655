import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/database.ts';
import { contentDisposition, moveDraftAttachments } from '../src/modules/attachments/attachments.service.ts';
import { checkZipArchive, sanitizeFileName, withExtension, ZIP_LIMITS } from '../src/modules/attachments/inspect.ts';
import { LocalDiskStorage } from '../src/modules/attachments/storage.ts';
import { Problem } from '../src/shared/problem.ts';
import { type Client, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';

// ——— sample files ———

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);
const HTML = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), Buffer.alloc(200)]);

type ZipEntry = { name: string; data: Buffer; store?: boolean };

/** A minimal zip writer (local headers, central directory, end record). */
function buildZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const method = e.store ? 0 : 8;
    const comp = e.store ? e.data : zlib.deflateRawSync(e.data);
    const crc = zlib.crc32(e.data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x0800, 6);
    lh.writeUInt16LE(method, 8);
    lh.writeUInt16LE(0x21, 12);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(comp.length, 18);
    lh.writeUInt32LE(e.data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x0800, 8);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt16LE(0x21, 14);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(comp.length, 20);
    ch.writeUInt32LE(e.data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, comp);
    centrals.push(ch, name);
    offset += 30 + name.length + comp.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

const DOCX_CT =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ' +
  'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
const XLSX_CT =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>';

function docx(body: Buffer = Buffer.from('<w:document><w:body><w:p/></w:body></w:document>'), extra: ZipEntry[] = []) {
  return buildZip([
    { name: '[Content_Types].xml', data: Buffer.from(DOCX_CT) },
    { name: 'word/document.xml', data: body },
    ...extra,
  ]);
}
const XLSX = buildZip([
  { name: '[Content_Types].xml', data: Buffer.from(XLSX_CT) },
  { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
]);
const ODT = buildZip([
  { name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.text'), store: true },
  { name: 'content.xml', data: Buffer.from('<office:document-content/>') },
]);

// ——— app and fixtures ———

const MAX_UPLOAD = 3 * 1024 * 1024; // above the app's 1 MB JSON body limit on purpose
let app: TestApp;
let db: Db;
let dataDir: string;
let filesDir: string;
let citizen: Client;
let otherCitizen: Client;
let receptionist: Client;
let communeOfficer: Client;
let foreignOfficer: Client;
let admin: Client;
let dossierId: string; // the citizen's dossier, received by the Hải Châu one-stop unit
let otherDossierId: string; // another applicant's dossier, same unit
let draftId: string; // the citizen's draft

async function insertDossier(applicantUserId: string, receivingAgencyId: string): Promise<string> {
  const pv = await db
    .selectFrom('procedure_versions')
    .select(['id', 'procedure_id', 'name', 'field_code'])
    .limit(1)
    .executeTakeFirstOrThrow();
  const province = await db
    .selectFrom('agencies')
    .select('id')
    .where('parent_id', 'is', null)
    .executeTakeFirstOrThrow();
  const id = randomUUID();
  await sql`
    INSERT INTO dossiers (id, code, lookup_secret, province_id, procedure_id, procedure_version_id, procedure_name,
      field_code, workflow, channel, applicant_user_id, applicant, applicant_name, receiving_agency_id, status,
      submitted_at, state, version)
    VALUES (${id}, ${`T-${id.slice(0, 8)}`}, 'secret', ${province.id}, ${pv.procedure_id}, ${pv.id}, ${pv.name},
      ${pv.field_code}, '{}'::jsonb, 'online', ${applicantUserId}, '{}'::jsonb, 'Nguyễn Văn A', ${receivingAgencyId},
      'submitted', now(), '{}'::jsonb, 1)`.execute(db);
  await sql`INSERT INTO dossier_agencies (dossier_id, agency_id) VALUES (${id}, ${receivingAgencyId})`.execute(db);
  return id;
}

async function agencyOf(username: string): Promise<string> {
  const u = await db.selectFrom('users').select('agency_id').where('username', '=', username).executeTakeFirstOrThrow();
  return u.agency_id!;
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-attachments-'));
  filesDir = path.join(dataDir, 'files');
  ({ app, db } = await startTestApp({ dataDir, maxUploadBytes: MAX_UPLOAD }));

  const onestop = await agencyOf(DEMO.communeReceptionist);
  const commune = await agencyOf(DEMO.communeOfficer);
  const other = await db
    .selectFrom('agencies')
    .select('id')
    .where('level', '=', 'commune')
    .where('id', '!=', commune)
    .executeTakeFirstOrThrow();
  const foreign = await db
    .insertInto('users')
    .values({
      kind: 'officer',
      username: 'chuyenvien.xakhac',
      full_name: 'Cán bộ xã khác',
      agency_id: other.id,
      password_hash: 'x',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('user_roles').values({ user_id: foreign.id, role: 'officer' }).execute();

  citizen = await sessionFor(db, DEMO.citizen);
  otherCitizen = await sessionFor(db, DEMO.organization);
  receptionist = await sessionFor(db, DEMO.communeReceptionist);
  communeOfficer = await sessionFor(db, DEMO.communeOfficer);
  foreignOfficer = await sessionFor(db, 'chuyenvien.xakhac');
  admin = await sessionFor(db, DEMO.admin);

  dossierId = await insertDossier(citizen.userId, onestop);
  otherDossierId = await insertDossier(otherCitizen.userId, onestop);
  const pv = await db.selectFrom('procedure_versions').select('id').limit(1).executeTakeFirstOrThrow();
  ({ id: draftId } = await db
    .insertInto('dossier_drafts')
    .values({ applicant_user_id: citizen.userId, procedure_version_id: pv.id })
    .returning('id')
    .executeTakeFirstOrThrow());
});

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

// ——— request helpers ———

type Part = { name: string; value: string } | { name: string; file: Buffer; fileName: string; type?: string };

async function multipart(parts: Part[]): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  for (const p of parts) {
    if ('file' in p)
      form.append(p.name, new Blob([p.file], { type: p.type ?? 'application/octet-stream' }), p.fileName);
    else form.append(p.name, p.value);
  }
  const req = new Request('http://localhost/', { method: 'POST', body: form });
  return { body: Buffer.from(await req.arrayBuffer()), contentType: req.headers.get('content-type')! };
}

async function upload(
  client: Client | null,
  file: Buffer,
  fileName: string,
  opts: { dossier?: string; draft?: string; slot?: string; kind?: string; headers?: Record<string, string> } = {},
) {
  const { body, contentType } = await multipart([
    { name: 'slot', value: opts.slot ?? 'doc-0' },
    { name: 'kind', value: opts.kind ?? 'document' },
    { name: 'file', file, fileName, type: 'application/pdf' },
  ]);
  const url = opts.draft
    ? `/api/v1/drafts/${opts.draft}/attachments`
    : `/api/v1/dossiers/${opts.dossier ?? dossierId}/attachments`;
  return app.inject({
    method: 'POST',
    url,
    headers: { ...(client?.headers ?? {}), 'content-type': contentType, ...(opts.headers ?? {}) },
    payload: body,
  });
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .sort();
}

async function snapshot() {
  const r = await db.selectFrom('attachments').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return { rows: Number(r.n), files: listFiles(filesDir) };
}

/** Run a request that must be refused, and check that it changed nothing. */
async function expectRejected(
  send: () => Promise<{ statusCode: number; headers: Record<string, unknown>; json: () => unknown }>,
  status: number,
  code: string,
) {
  const before = await snapshot();
  const res = await send();
  const body = res.json() as { code: string; title_vi: string; title_en: string };
  expect(res.statusCode, JSON.stringify(body)).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(body.code).toBe(code);
  expect(body.title_vi).toBeTruthy();
  expect(body.title_en).toBeTruthy();
  expect(await snapshot()).toEqual(before);
  return body;
}

// ——— tests ———

describe('upload', () => {
  it('stores a PDF and answers with the attachment view', async () => {
    const res = await upload(citizen, PDF, 'Tờ khai.pdf');
    expect(res.statusCode, res.body).toBe(201);
    const a = res.json();
    expect(a).toMatchObject({
      dossierId,
      kind: 'document',
      slot: 'doc-0',
      versionNo: 1,
      fileName: 'Tờ khai.pdf',
      mediaType: 'application/pdf',
      sizeBytes: PDF.length,
      uploadedBy: citizen.userId,
    });
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    const onDisk = path.join(filesDir, a.sha256.slice(0, 2), a.sha256.slice(2, 4), a.sha256);
    expect(fs.readFileSync(onDisk)).toEqual(PDF);
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'result'])
      .where('target_id', '=', a.id)
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ action: 'attachment.upload', result: 'ok' });
  });

  it('versions a slot and stores identical bytes once', async () => {
    const first = await upload(citizen, PNG, 'anh-1.png', { slot: 'doc-1' });
    expect(first.statusCode, first.body).toBe(201);
    const filesAfterFirst = listFiles(filesDir).length;
    const second = await upload(receptionist, PNG, 'anh-2.png', { slot: 'doc-1' });
    expect(second.statusCode, second.body).toBe(201);
    expect(first.json().versionNo).toBe(1);
    expect(second.json().versionNo).toBe(2);
    expect(second.json().sha256).toBe(first.json().sha256);
    expect(listFiles(filesDir).length).toBe(filesAfterFirst);
  });

  it('gives concurrent uploads to one slot distinct versions', async () => {
    const results = await Promise.all(
      [1, 2, 3].map((i) => upload(citizen, Buffer.concat([PDF, Buffer.from(`%${i}`)]), `f${i}.pdf`, { slot: 'doc-9' })),
    );
    for (const r of results) expect(r.statusCode, r.body).toBe(201);
    expect(results.map((r) => r.json().versionNo).sort()).toEqual([1, 2, 3]);
  });

  it('decides the type from the content: a PNG named .pdf is a PNG', async () => {
    const res = await upload(citizen, PNG, 'scan.pdf', { slot: 'doc-2' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ mediaType: 'image/png', fileName: 'scan.png' });
  });

  it('accepts DOCX, XLSX and ODT by content', async () => {
    const cases: [Buffer, string][] = [
      [docx(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      [XLSX, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      [ODT, 'application/vnd.oasis.opendocument.text'],
    ];
    for (const [bytes, mediaType] of cases) {
      const res = await upload(citizen, bytes, 'van-ban', { slot: 'doc-3' });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().mediaType).toBe(mediaType);
    }
  });

  it('refuses HTML, SVG and executables whatever their name (415)', async () => {
    for (const [bytes, name] of [
      [HTML, 'giay-to.pdf'],
      [SVG, 'chan-dung.png'],
      [EXE, 'don.pdf'],
      [Buffer.from('just some text'), 'ghi-chu.docx'],
      [buildZip([{ name: 'a.txt', data: Buffer.from('hello') }]), 'nen.zip'],
    ] as const) {
      await expectRejected(() => upload(citizen, bytes, name), 415, 'file_type_not_allowed');
    }
  });

  it('refuses an empty file (400)', async () => {
    await expectRejected(() => upload(citizen, Buffer.alloc(0), 'rong.pdf'), 400, 'file_empty');
  });

  it('takes files larger than the JSON body limit, up to the upload limit', async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(MAX_UPLOAD - PDF.length, 0x20)]);
    const res = await upload(citizen, big, 'lon.pdf', { slot: 'doc-4' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().sizeBytes).toBe(MAX_UPLOAD);
  });

  it('refuses a file over the limit (413)', async () => {
    const one = Buffer.concat([PDF, Buffer.alloc(MAX_UPLOAD + 1 - PDF.length, 0x20)]);
    await expectRejected(() => upload(citizen, one, 'qua-lon.pdf'), 413, 'payload_too_large');
    const many = Buffer.concat([PDF, Buffer.alloc(MAX_UPLOAD * 2, 0x20)]);
    await expectRejected(() => upload(citizen, many, 'qua-lon.pdf'), 413, 'payload_too_large');
  });

  it('sanitizes file names: paths, bidi overrides, zero-width characters', async () => {
    const a = await upload(citizen, PNG, '../../etc/passwd', { slot: 'doc-5' });
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json().fileName).toBe('passwd.png');
    // "anh\u202Egnp.exe" displays as "anhexe.png"; stripped it is what it is: a PNG.
    const b = await upload(citizen, PNG, 'anh\u202Egnp.exe', { slot: 'doc-5' });
    expect(b.json().fileName).toBe('anhgnp.png');
    const c = await upload(citizen, PDF, 'Gi\u200Bấy\u200D tờ\uFEFF.pdf', { slot: 'doc-5' });
    expect(c.json().fileName).toBe('Giấy tờ.pdf');
    await expectRejected(() => upload(citizen, PDF, '\u200B\u202E..'), 400, 'file_name_invalid');
  });

  it('refuses a zip bomb dressed as DOCX (422)', async () => {
    const bomb = docx(Buffer.alloc(50 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(200 * 1024);
    const body = await expectRejected(() => upload(citizen, bomb, 'hop-dong.docx'), 422, 'archive_suspicious');
    expect(body).toMatchObject({ limit: 'ratio' });
  });

  it('refuses a DOCX carrying a nested archive (422)', async () => {
    const inner = buildZip([{ name: 'x.txt', data: Buffer.from('x') }]);
    await expectRejected(
      () => upload(citizen, docx(undefined, [{ name: 'word/media/payload.zip', data: inner }]), 'a.docx'),
      422,
      'archive_suspicious',
    );
    await expectRejected(
      () => upload(citizen, docx(undefined, [{ name: 'word/media/image1.png', data: inner, store: true }]), 'a.docx'),
      422,
      'archive_suspicious',
    );
  });

  it('answers 404 for unknown dossiers, other people’s dossiers and other communes', async () => {
    await expectRejected(() => upload(citizen, PDF, 'a.pdf', { dossier: randomUUID() }), 404, 'dossier_not_found');
    await expectRejected(() => upload(otherCitizen, PDF, 'a.pdf'), 404, 'dossier_not_found');
    await expectRejected(() => upload(citizen, PDF, 'a.pdf', { dossier: otherDossierId }), 404, 'dossier_not_found');
    await expectRejected(() => upload(foreignOfficer, PDF, 'a.pdf'), 404, 'dossier_not_found');
  });

  it('lets only officers upload results, and of them only whoever handles the step (issue 13)', async () => {
    await expectRejected(() => upload(citizen, PDF, 'kq.pdf', { slot: 'result', kind: 'result' }), 403, 'forbidden');
    // The dossier is not at a step this officer handles: no result document from him.
    await expectRejected(
      () => upload(communeOfficer, PDF, 'Kết quả.pdf', { slot: 'result', kind: 'result' }),
      403,
      'forbidden',
    );
    // Once he is the main handler of the dossier's step, he attaches the result he drafted.
    await sql`UPDATE dossiers SET status = 'processing', state = ${JSON.stringify({
      status: 'processing',
      assignees: { main: communeOfficer.userId, coordinators: [], observers: [] },
      stepAgencyCode: null,
    })}::jsonb WHERE id = ${dossierId}`.execute(db);
    try {
      const res = await upload(communeOfficer, PDF, 'Kết quả.pdf', { slot: 'result', kind: 'result' });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ kind: 'result', uploadedBy: communeOfficer.userId });
    } finally {
      await sql`UPDATE dossiers SET status = 'submitted', state = '{}'::jsonb WHERE id = ${dossierId}`.execute(db);
    }
  });

  it('refuses callers outside the declared roles, and requests without the CSRF header', async () => {
    await expectRejected(() => upload(admin, PDF, 'a.pdf'), 403, 'forbidden');
    await expectRejected(() => upload(null, PDF, 'a.pdf'), 401, 'unauthenticated');
    await expectRejected(
      () => upload(citizen, PDF, 'a.pdf', { headers: { 'x-csrf-token': 'wrong' } }),
      403,
      'csrf_failed',
    );
    await expectRejected(
      () =>
        app.inject({
          method: 'POST',
          url: `/api/v1/dossiers/${dossierId}/attachments`,
          headers: { cookie: citizen.cookie, 'content-type': 'multipart/form-data; boundary=x' },
          payload: '--x--\r\n',
        }),
      403,
      'csrf_failed',
    );
  });

  it('refuses bodies that are not a well-formed upload form', async () => {
    await expectRejected(
      () =>
        app.inject({
          method: 'POST',
          url: `/api/v1/dossiers/${dossierId}/attachments`,
          headers: { ...citizen.headers, 'content-type': 'application/json' },
          payload: JSON.stringify({ slot: 'doc-0', kind: 'document', file: PDF.toString('base64') }),
        }),
      415,
      'unsupported_media_type',
    );
    const send = async (parts: Part[]) => {
      const { body, contentType } = await multipart(parts);
      return app.inject({
        method: 'POST',
        url: `/api/v1/dossiers/${dossierId}/attachments`,
        headers: { ...citizen.headers, 'content-type': contentType },
        payload: body,
      });
    };
    const fileless = await expectRejected(
      () =>
        send([
          { name: 'slot', value: 'doc-0' },
          { name: 'kind', value: 'document' },
        ]),
      400,
      'validation_failed',
    );
    expect(fileless).toMatchObject({ errors: [{ path: 'body.file', code: 'required' }] });
    await expectRejected(
      () =>
        send([
          { name: 'slot', value: 'x'.repeat(101) },
          { name: 'kind', value: 'bogus' },
          { name: 'file', file: PDF, fileName: 'a.pdf' },
        ]),
      400,
      'validation_failed',
    );
    await expectRejected(
      () =>
        send([
          { name: 'slot', value: 'doc-0' },
          { name: 'kind', value: 'document' },
          { name: 'file', file: PDF, fileName: 'a.pdf' },
          { name: 'file', file: PDF, fileName: 'b.pdf' },
        ]),
      400,
      'validation_failed',
    );
  });
});

describe('drafts', () => {
  it('takes files on the citizen’s own draft only', async () => {
    const res = await upload(citizen, PDF, 'CCCD.pdf', { draft: draftId, slot: 'doc-0' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ dossierId: null, draftId, versionNo: 1 });
    await expectRejected(() => upload(otherCitizen, PDF, 'a.pdf', { draft: draftId }), 404, 'not_found');
    // Drafts are applicants' alone: staff are refused by the route itself.
    await expectRejected(() => upload(receptionist, PDF, 'a.pdf', { draft: draftId }), 403, 'forbidden');
    await expectRejected(() => upload(citizen, PDF, 'a.pdf', { draft: randomUUID() }), 404, 'not_found');
  });

  it('moves a draft’s files to the dossier it becomes', async () => {
    const up = await upload(citizen, PNG, 'anh-the.png', { draft: draftId, slot: 'doc-7' });
    const id = up.json().id;
    const get = (c: Client) =>
      app.inject({ method: 'GET', url: `/api/v1/attachments/${id}/content`, headers: c.headers });
    expect((await get(citizen)).statusCode).toBe(200);
    expect((await get(receptionist)).statusCode).toBe(404);

    const newDossier = await insertDossier(citizen.userId, await agencyOf(DEMO.communeReceptionist));
    const moved = await db.transaction().execute((tx) => moveDraftAttachments(tx, draftId, newDossier));
    expect(moved).toBe(2);
    expect((await get(receptionist)).statusCode).toBe(200);
    const list = await app.inject({
      method: 'GET',
      url: `/api/v1/dossiers/${newDossier}/attachments`,
      headers: receptionist.headers,
    });
    expect(list.json().items.map((a: { slot: string }) => a.slot)).toEqual(['doc-0', 'doc-7']);
  });
});

describe('list and download', () => {
  it('lists every version, newest first per slot, to whoever can see the dossier', async () => {
    for (const c of [citizen, receptionist, communeOfficer]) {
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/dossiers/${dossierId}/attachments`,
        headers: c.headers,
      });
      expect(res.statusCode, res.body).toBe(200);
      const items = res.json().items as { slot: string; versionNo: number }[];
      expect(items.filter((a) => a.slot === 'doc-1').map((a) => a.versionNo)).toEqual([2, 1]);
      expect(items.filter((a) => a.slot === 'doc-9').map((a) => a.versionNo)).toEqual([3, 2, 1]);
    }
    for (const c of [otherCitizen, foreignOfficer]) {
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/dossiers/${dossierId}/attachments`,
        headers: c.headers,
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('dossier_not_found');
    }
  });

  it('serves the bytes with a Vietnamese file name and safe headers', async () => {
    const name = 'Giấy khai sinh (bản sao) – Nguyễn Thị Ánh.pdf';
    const up = await upload(citizen, PDF, name.normalize('NFD'), { slot: 'doc-8' });
    expect(up.json().fileName).toBe(name);
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/attachments/${up.json().id}/content`,
      headers: communeOfficer.headers,
    });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload).toEqual(PDF);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-length']).toBe(String(PDF.length));
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe('sandbox');
    const cd = String(res.headers['content-disposition']);
    expect(cd).toBe(contentDisposition(name));
    expect(cd).toMatch(/^attachment; filename="Giay khai sinh \(ban sao\) _ Nguyen Thi Anh\.pdf"; filename\*=UTF-8''/);
    const star = /filename\*=UTF-8''(.+)$/.exec(cd)![1]!;
    expect(star).toMatch(/^[A-Za-z0-9%!#$&+\-.^_`|~]+$/);
    expect(decodeURIComponent(star)).toBe(name);
  });

  it('shows PDFs and images inline for the preview on request; other types are always downloaded', async () => {
    const pdf = await upload(citizen, PDF, 'to-khai.pdf', { slot: 'doc-7' });
    const get = (id: string, q: string) =>
      app.inject({ method: 'GET', url: `/api/v1/attachments/${id}/content${q}`, headers: communeOfficer.headers });
    const inline = await get(pdf.json().id, '?disposition=inline');
    expect(inline.statusCode).toBe(200);
    expect(String(inline.headers['content-disposition'])).toMatch(/^inline; filename="to-khai\.pdf"/);
    // The PDF viewer cannot run in a sandboxed document; the file may only be framed by our pages.
    expect(inline.headers['content-security-policy']).toBe("frame-ancestors 'self'");
    expect(inline.headers['x-content-type-options']).toBe('nosniff');
    expect(inline.rawPayload).toEqual(PDF);
    const byDefault = await get(pdf.json().id, '');
    expect(String(byDefault.headers['content-disposition'])).toMatch(/^attachment;/);
    expect(byDefault.headers['content-security-policy']).toBe('sandbox');
    const png = await upload(citizen, PNG, 'anh-chup.png', { slot: 'doc-5' });
    const image = await get(png.json().id, '?disposition=inline');
    expect(String(image.headers['content-disposition'])).toMatch(/^inline;/);
    expect(image.headers['content-security-policy']).toBe('sandbox');
    const word = await upload(citizen, docx(), 'don.docx', { slot: 'doc-4' });
    const office = await get(word.json().id, '?disposition=inline');
    expect(String(office.headers['content-disposition'])).toMatch(/^attachment;/);
    expect(office.headers['content-security-policy']).toBe('sandbox');
    expect((await get(pdf.json().id, '?disposition=render')).statusCode).toBe(400);
  });

  it('answers 404 attachment_not_found to anyone who may not see the file', async () => {
    const up = await upload(citizen, PDF, 'rieng-tu.pdf', { slot: 'doc-6' });
    const id = up.json().id;
    for (const c of [otherCitizen, foreignOfficer]) {
      const res = await app.inject({ method: 'GET', url: `/api/v1/attachments/${id}/content`, headers: c.headers });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('attachment_not_found');
    }
    const unknown = await app.inject({
      method: 'GET',
      url: `/api/v1/attachments/${randomUUID()}/content`,
      headers: citizen.headers,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('attachment_not_found');
    const anonymous = await app.inject({ method: 'GET', url: `/api/v1/attachments/${id}/content` });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('over real HTTP', () => {
  it('uploads through a real socket, refuses oversize and foreign dossiers without hanging', async () => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const post = async (dossier: string, bytes: Buffer) => {
      const form = new FormData();
      form.append('slot', 'http');
      form.append('kind', 'document');
      form.append('file', new Blob([bytes]), 'Đơn đề nghị.pdf');
      const res = await fetch(`${address}/api/v1/dossiers/${dossier}/attachments`, {
        method: 'POST',
        headers: citizen.headers,
        body: form,
      });
      return { status: res.status, body: (await res.json()) as { fileName?: string; code?: string } };
    };
    const ok = await post(dossierId, PDF);
    expect(ok.status).toBe(201);
    expect(ok.body.fileName).toBe('Đơn đề nghị.pdf');
    const before = await snapshot();
    expect((await post(dossierId, Buffer.concat([PDF, Buffer.alloc(MAX_UPLOAD)]))).status).toBe(413);
    const foreign = await post(otherDossierId, Buffer.concat([PDF, Buffer.alloc(MAX_UPLOAD / 2)]));
    expect(foreign.status).toBe(404);
    expect(await snapshot()).toEqual(before);
  });
});

describe('inspection rules', () => {
  it('sanitizes names', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('..\\..\\Windows\\system32\\x.pdf')).toBe('x.pdf');
    expect(sanitizeFileName('hoa-don\u202Efdp.exe')).toBe('hoa-donfdp.exe');
    expect(sanitizeFileName('a\u0000b\u0007c\u200B\u2066d.pdf')).toBe('abcd.pdf');
    expect(sanitizeFileName('CON.pdf')).toBe('_CON.pdf');
    expect(sanitizeFileName('lpt1')).toBe('_lpt1');
    expect(sanitizeFileName('  .hidden  ')).toBe('hidden');
    expect(sanitizeFileName('a<b>c:d|e?.pdf')).toBe('a_b_c_d_e_.pdf');
    expect(sanitizeFileName('Quye\u0302\u0301t đi\u0323nh.pdf')).toBe('Quyết định.pdf');
    const long = sanitizeFileName(`${'ệ'.repeat(300)}.docx`);
    expect(Array.from(long).length).toBe(200);
    expect(long.endsWith('ệ.docx')).toBe(true);
    for (const bad of ['', '   ', '..', '/', 'a/', '\u202E\u200B', '...']) {
      expect(() => sanitizeFileName(bad), JSON.stringify(bad)).toThrow(Problem);
    }
  });

  it('makes the extension match the content', () => {
    const pdf = { ext: 'pdf', extensions: ['pdf'] };
    expect(withExtension('to-khai.pdf', pdf)).toBe('to-khai.pdf');
    expect(withExtension('to-khai.PDF', pdf)).toBe('to-khai.PDF');
    expect(withExtension('to-khai.exe', pdf)).toBe('to-khai.pdf');
    expect(withExtension('to-khai.html', pdf)).toBe('to-khai.pdf');
    expect(withExtension('Quyết định 12.2024', pdf)).toBe('Quyết định 12.2024.pdf');
    expect(withExtension('passwd', pdf)).toBe('passwd.pdf');
  });

  it('reads the zip central directory against each limit', () => {
    const code = (f: () => void) => {
      try {
        f();
        return 'ok';
      } catch (err) {
        return err instanceof Problem ? `${err.code}:${String(err.extra?.limit ?? '')}` : String(err);
      }
    };
    expect(code(() => checkZipArchive(docx()))).toBe('ok');
    const many = buildZip(Array.from({ length: 12 }, (_, i) => ({ name: `f${i}.xml`, data: Buffer.from('<a/>') })));
    expect(code(() => checkZipArchive(many, { ...ZIP_LIMITS, maxEntries: 10 }))).toBe('archive_suspicious:entries');
    const big = buildZip([{ name: 'a.xml', data: Buffer.alloc(2 * 1024 * 1024, 0x61) }]);
    expect(code(() => checkZipArchive(big, { ...ZIP_LIMITS, maxTotalUncompressed: 1024 * 1024 }))).toBe(
      'archive_suspicious:total_size',
    );
    expect(code(() => checkZipArchive(big))).toBe('archive_suspicious:ratio');
    expect(code(() => checkZipArchive(buildZip([{ name: '../evil.xml', data: Buffer.from('x') }])))).toBe(
      'archive_suspicious:path',
    );
    // Truncated or garbage archives are refused, not crashed on.
    expect(code(() => checkZipArchive(docx().subarray(0, 100)))).toBe('archive_suspicious:');
    const lying = docx();
    lying.writeUInt32LE(0xfffffff0, lying.length - 6); // central directory offset past the end
    expect(code(() => checkZipArchive(lying))).toBe('archive_suspicious:');
  });

  it('stores blobs atomically under their hash', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-blobs-'));
    try {
      const s = new LocalDiskStorage(dir);
      const a = await s.put(PDF);
      const b = await s.put(PDF);
      expect(b).toEqual(a);
      expect(await s.has(a.sha256)).toBe(true);
      expect(await s.stat(a.sha256)).toEqual({ sha256: a.sha256, size: PDF.length });
      expect(await s.has('0'.repeat(64))).toBe(false);
      expect(await s.get('0'.repeat(64))).toBeUndefined();
      const chunks: Buffer[] = [];
      for await (const c of (await s.get(a.sha256))!) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks)).toEqual(PDF);
      expect(listFiles(dir)).toEqual([path.join(a.sha256.slice(0, 2), a.sha256.slice(2, 4), a.sha256)]);
      await expect(s.has('../../etc/passwd')).rejects.toThrow(/not a sha256/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

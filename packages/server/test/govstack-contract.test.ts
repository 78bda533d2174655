import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../src/config.ts';
import { createDb, type Db } from '../src/db/database.ts';
import { buildApp } from '../src/http/app.ts';
import { internalIds, mapId, UUID } from '../src/modules/govstack/govstack.ids.ts';
import { loadGovstack, parseDataSet } from '../src/modules/govstack/govstack.loader.ts';
import { DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';
import { registerClient, rootAgencyId, tokenFor } from './integration-helpers.ts';

/**
 * Contract tests generated from the GovStack Registration BB spec files: every path × method ×
 * documented status code has a case that drives the facade into that status, with the GovStack
 * data set loaded by the loader, and the body is validated against the spec's response schema
 * (Ajv; OpenAPI 3.0 `$ref`s into components, `nullable`, unknown formats). Objects are checked
 * closed (no property the spec does not name): what our model has beyond GovStack stays in our API.
 */
const SPECS = path.resolve(ROOT_DIR, '../shared/specs');
const DATA_FILE = path.join(SPECS, 'govstack-registration-bb-test-data.json');
const API = JSON.parse(fs.readFileSync(path.join(SPECS, 'govstack-registration-bb-api.json'), 'utf8'));
const STATS = JSON.parse(fs.readFileSync(path.join(SPECS, 'govstack-registration-bb-statistics.json'), 'utf8'));
const DATA = parseDataSet(fs.readFileSync(DATA_FILE, 'utf8'));
const IMC = { 'information-mediator-client': DATA.informationMediatorClientHeader!.value };
const PREFIX = '/govstack';

/**
 * A deep copy where every object schema with `properties` is closed. Names a schema lists in
 * `required` without describing them (applicationFileResponse requires `applicantId`) are allowed.
 */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (node === null || typeof node !== 'object') return node;
  const o = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'example' ? v : closed(v)]));
  if (o.properties && typeof o.properties === 'object' && o.additionalProperties === undefined) {
    const props = { ...(o.properties as Record<string, unknown>) };
    for (const r of (o.required as string[] | undefined) ?? []) props[r] ??= {};
    o.properties = props;
    o.additionalProperties = false;
  }
  return o;
}

/**
 * Every id the GovStack data set names. The spec types service ids `format: uuid`, yet its own
 * fixture data has service ids that are not UUIDs ("P2c9280957e579ad7017e58a3399f0068"); the
 * facade serves them as they are. `uuid` is checked strictly for every other value.
 */
const FIXTURE_IDS = new Set<string>();
(function collect(n: unknown, key = ''): void {
  if (Array.isArray(n)) for (const x of n) collect(x, key);
  else if (n && typeof n === 'object') for (const [k, v] of Object.entries(n)) collect(v, k);
  else if (typeof n === 'string' && /id$/i.test(key)) FIXTURE_IDS.add(n);
})(DATA);

const ajv = new Ajv({ strict: false, allErrors: true });
// ajv-formats is CommonJS: under NodeNext typing its default import is the module object.
(addFormats as unknown as typeof addFormats.default)(ajv);
ajv.addFormat('uuid', (v: string) => UUID.test(v) || FIXTURE_IDS.has(v));
ajv.addSchema(closed(API) as object, 'api');
ajv.addSchema(closed(STATS) as object, 'stats');

type Op = { spec: 'api' | 'stats'; path: string; method: string; status: string };
function operations(): Op[] {
  const out: Op[] = [];
  for (const [spec, doc] of [
    ['api', API],
    ['stats', STATS],
  ] as const) {
    for (const [p, item] of Object.entries(doc.paths as Record<string, Record<string, { responses: object }>>)) {
      for (const [method, op] of Object.entries(item)) {
        for (const status of Object.keys(op.responses))
          out.push({ spec, path: p, method: method.toUpperCase(), status });
      }
    }
  }
  return out;
}

/** The response schema of an operation and status, as an Ajv reference into the spec document. */
function responseSchemaRef(op: Op): object | null {
  const doc = op.spec === 'api' ? API : STATS;
  const pointer = ['paths', op.path, op.method.toLowerCase(), 'responses', op.status];
  let r = pointer.reduce((n: Record<string, unknown>, k) => n[k] as Record<string, unknown>, doc);
  let ref = `${op.spec}#/${pointer.map((k) => k.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
  if (typeof r.$ref === 'string') {
    ref = `${op.spec}${r.$ref}`;
    r = (r.$ref as string)
      .slice(2)
      .split('/')
      .reduce((n: Record<string, unknown>, k) => n[k] as Record<string, unknown>, doc);
  }
  const content = r.content as Record<string, { schema: object }> | undefined;
  if (!content) return null;
  const type = Object.keys(content)[0]!;
  return { $ref: `${ref}/content/${type.replaceAll('~', '~0').replaceAll('/', '~1')}/schema` };
}

type Req = { method: string; url: string; headers?: Record<string, string>; payload?: unknown; broken?: boolean };

/** The bearer token of the province's registered GovStack client (every facade call needs one). */
let AUTH: Record<string, string> = {};

let app: TestApp;
let broken: TestApp;
let ctx: { db: Db; url: string };
let dataDir: string;

const fileBody = (applicantId: string) => ({
  applicationName: 'Amya Yuko',
  applicantId,
  created: '2022-10-21T00:00:00.000Z',
  formData: { data: { child: { name: 'Amya' } }, eFormId: 'd98a205a-679b-485b-823d-7a32a391e744' },
  documentUrls: [],
});

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);

function multipart(
  bytes: Buffer = PDF,
  name = 'giay-khai-sinh.pdf',
): { headers: Record<string, string>; payload: Buffer } {
  const b = 'govstackboundary';
  const payload = Buffer.concat([
    Buffer.from(
      `--${b}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${b}--\r\n`),
  ]);
  return { headers: { 'content-type': `multipart/form-data; boundary=${b}` }, payload };
}

/** How to drive each documented (path, method, status). Missing entries fail the suite. */
const CASES: Record<string, () => Req> = {
  'GET /services 200': () => ({ method: 'GET', url: '/services?name=Zero%20Hunger' }),
  'GET /services 500': () => ({ method: 'GET', url: '/services', broken: true }),
  'GET /services/{serviceId} 200': () => ({ method: 'GET', url: '/services/P2c9280957e579ad7017e58a3399f0068' }),
  'GET /services/{serviceId} 404': () => ({ method: 'GET', url: '/services/n0t-ex1st1ng-serv1ce-1d' }),
  'GET /services/{serviceId} 500': () => ({ method: 'GET', url: '/services/x', broken: true }),
  'GET /services/{serviceId}/eForms 200': () => ({
    method: 'GET',
    url: '/services/f7d33db0-2809-484e-a780-76b7ccd4ecbf/eForms',
  }),
  'GET /eForms/{eFormId} 200': () => ({ method: 'GET', url: '/eForms/d98a205a-679b-485b-823d-7a32a391e744' }),
  'GET /eForms/{eFormId} 404': () => ({ method: 'GET', url: '/eForms/n0t-ex1st1ng-eForm-1d' }),
  'POST /services/{serviceId}/applications 200': () => ({
    method: 'POST',
    url: '/services/f7d33db0-2809-484e-a780-76b7ccd4ecbf/applications',
    headers: IMC,
    payload: fileBody('sgh123h5-bdb2-11ed-9397-fdae352dfa10'),
  }),
  'POST /services/{serviceId}/applications 404': () => ({
    method: 'POST',
    url: '/services/n0t-ex1st1ng-serv1ce-1d/applications',
    headers: IMC,
    payload: fileBody('23qwef41-bdb2-11ed-qwef-efg4345aqwef'),
  }),
  'POST /services/{serviceId}/applications 500': () => ({
    method: 'POST',
    url: '/services/f7d33db0-2809-484e-a780-76b7ccd4ecbf/applications',
    headers: IMC,
    payload: fileBody('x'),
    broken: true,
  }),
  'POST /documents 200': () => ({ method: 'POST', url: '/documents?additionalMetadata=meta', ...multipart() }),
  'POST /documents 400': () => ({ method: 'POST', url: '/documents' }),
  'POST /documents 500': () => ({ method: 'POST', url: '/documents', ...multipart(), broken: true }),
  'GET /applications 200': () => ({
    method: 'GET',
    url: '/applications?serviceId=8b410187-e137-4487-b627-09b2b909e630&firstResult=0&maxResult=20&sortBy=created&sortOrder=asc',
    headers: IMC,
  }),
  'GET /applications/{fileId} 200': () => ({
    method: 'GET',
    url: '/applications/33c4445c-bff3-13ed-afa1-0332ac120033',
    headers: IMC,
  }),
  'GET /applications/{fileId} 404': () => ({ method: 'GET', url: '/applications/n0t-ex1st1ng-file-1d', headers: IMC }),
  'PUT /applications/{fileId} 200': () => ({
    method: 'PUT',
    url: '/applications/b8508d35-c2f3-442b-88a1-267ca25e85c0',
    headers: IMC,
    payload: fileBody('622fcd1a-8070-4efc-9d26-29461f83a15b'),
  }),
  'PUT /applications/{fileId} 404': () => ({
    method: 'PUT',
    url: '/applications/n0t-ex1st1ng-file-1d',
    headers: IMC,
    payload: fileBody('x'),
  }),
  'PUT /applications/{fileId} 500': () => ({
    method: 'PUT',
    url: '/applications/b8508d35-c2f3-442b-88a1-267ca25e85c0',
    headers: IMC,
    payload: fileBody('x'),
    broken: true,
  }),
  'GET /tasks 200': () => ({ method: 'GET', url: '/tasks?assigneeId=494ef3b8-c74b-4d42-873f-f362c2715cf7' }),
  'GET /tasks/{taskId} 200': () => ({ method: 'GET', url: '/tasks/81c4445c-bff6-11ed-afa1-0242ac120002' }),
  'GET /tasks/{taskId} 404': () => ({ method: 'GET', url: '/tasks/n0t-ex1st1ng-task-1d' }),
  'POST /tasks/{taskId}/complete 200': () => ({
    method: 'POST',
    url: '/tasks/d1e33d56-c5c7-4272-aeb6-bc2732cce1f2/complete',
    payload: { data: { additionalProp1: {} } },
  }),
  'POST /tasks/{taskId}/complete 404': () => ({
    method: 'POST',
    url: '/tasks/n0t-ex1st1ng-task-1d/complete',
    payload: { data: {} },
  }),
  'POST /tasks/{taskId}/complete 500': () => ({
    method: 'POST',
    url: '/tasks/d1e33d56-c5c7-4272-aeb6-bc2732cce1f2/complete',
    payload: { data: {} },
    broken: true,
  }),
  'GET /data/statistics 200': () => ({
    method: 'GET',
    url: '/data/statistics?startDate=2020-01-01&endDate=2100-01-01&timeframe=month',
    headers: IMC,
  }),
  'GET /data/statistics 400': () => ({
    method: 'GET',
    url: '/data/statistics',
    headers: { 'information-mediator-client': 'eGovStack/GOV/90000009/' },
  }),
  'GET /data/statistics 404': () => ({
    method: 'GET',
    url: '/data/statistics?registrationName=n0tex1st',
    headers: IMC,
  }),
};

async function send(r: Req) {
  const target = r.broken ? broken : app;
  return target.inject({
    method: r.method as 'GET',
    url: `${PREFIX}${r.url}`,
    headers: { ...AUTH, ...(r.headers ?? {}) },
    ...(r.payload === undefined ? {} : { payload: r.payload as string }),
  });
}

const run = promisify(execFile);
const CLI = path.join(ROOT_DIR, 'packages/server/bin/motcua.mjs');
/** `motcua govstack load <file>` against the test database, as an operator runs it. */
const cliLoad = (url: string) =>
  run(process.execPath, [CLI, 'govstack', 'load', DATA_FILE], {
    env: { ...process.env, DATABASE_URL: url },
    timeout: 120_000,
  });

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-govstack-'));
  const started = await startTestApp({ dataDir });
  app = started.app;
  ctx = { db: started.db, url: started.url };
  // Services from an outside system arrive as drafts: nothing public, no dossier, until an administrator publishes.
  const first = await cliLoad(started.url);
  expect(first.stdout).toMatch(/^govstack: 13 services, 8 application files, 3 tasks; 13 created$/m);
  expect(first.stdout).toContain('govstack: 13 services are drafts');
  // The province's integration layer, registered as an API client for its Information Mediator subsystem.
  const gs = await registerClient(app, ctx.db, {
    scopes: ['govstack:read', 'govstack:write'],
    agencyIds: [await rootAgencyId(ctx.db)],
    imSubsystems: [IMC['information-mediator-client']],
  });
  AUTH = { authorization: `Bearer ${await tokenFor(app, gs)}` };
  const listed = (await app.inject({ url: '/govstack/services', headers: AUTH })).json() as { id: string }[];
  for (const s of DATA.services!) expect(listed.map((x) => x.id)).not.toContain(s.id);
  expect(
    Number(
      (await ctx.db.selectFrom('dossiers').select(ctx.db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n,
    ),
  ).toBe(0);
  // The province administrator publishes the loaded services; the next load brings their applications.
  const admin = await sessionFor(ctx.db, DEMO.admin);
  const drafts = await ctx.db
    .selectFrom('procedures as p')
    .innerJoin('procedure_versions as v', 'v.procedure_id', 'p.id')
    .select(['p.id', 'p.version'])
    .where('v.status', '=', 'draft')
    .where('v.field_code', '=', 'govstack')
    .execute();
  expect(drafts.length).toBe(13);
  for (const d of drafts) {
    const r = await app.inject({
      method: 'POST',
      url: `/api/v1/procedures/${d.id}/publish`,
      headers: admin.headers,
      payload: { version: d.version },
    });
    expect(r.statusCode, r.body).toBe(200);
  }
  const loaded = await cliLoad(started.url);
  expect(loaded.stdout).toMatch(/^govstack: 13 services, 8 application files, 3 tasks; 8 created$/m);
  expect(loaded.stdout).not.toContain('drafts');
  // The same app over a database that does not exist: every query fails, the facade answers 500.
  const u = new URL(started.url);
  u.pathname = '/motcua_no_such_database';
  const dead = createDb(u.toString(), 1);
  broken = await buildApp({ db: dead, config: started.config, state: started.state, logger: false });
  await broken.ready();
}, 180_000);

afterAll(async () => {
  await broken?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('GovStack contract: every path, method and documented status', () => {
  const ops = operations();

  it('has a case for every documented response and no case the spec does not document', () => {
    const documented = ops.map((o) => `${o.method} ${o.path} ${o.status}`).sort();
    expect(Object.keys(CASES).sort()).toEqual(documented);
  });

  for (const op of ops) {
    const key = `${op.method} ${op.path} ${op.status}`;
    it(key, async () => {
      const make = CASES[key];
      expect(make, `no contract case for ${key}`).toBeDefined();
      const res = await send(make!());
      expect(res.statusCode, res.body).toBe(Number(op.status));
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const schema = responseSchemaRef(op);
      if (schema) {
        const validate = ajv.compile(schema);
        const ok = validate(res.json());
        expect(ok, `${key}: ${ajv.errorsText(validate.errors)}\n${res.body.slice(0, 2000)}`).toBe(true);
      }
    });
  }
});

describe('GovStack facade behaviour', () => {
  it('serves the loaded data set with its fixed ids, non-UUID ones included', async () => {
    const services = (await send({ method: 'GET', url: '/services' })).json() as { id: string }[];
    for (const s of DATA.services!) expect(services.map((x) => x.id)).toContain(s.id);
    const files = (await send({ method: 'GET', url: '/applications?maxResult=1000', headers: IMC })).json() as {
      fileId: string;
    }[];
    for (const a of DATA.applications!) expect(files.map((f) => f.fileId)).toContain(a.fileId);
    const task = (await send({ method: 'GET', url: '/tasks/42962de0-bdb2-11ed-9397-0242ac120033' })).json();
    expect(task).toMatchObject({
      taskId: '42962de0-bdb2-11ed-9397-0242ac120033',
      fileId: '99be529c-fe1a-11ed-be56-0242ac120555',
    });
    const filtered = (
      await send({ method: 'GET', url: '/applications?serviceId=n0t-ex1st1ng-serv1ce', headers: IMC })
    ).json();
    expect(filtered).toEqual([]);
  });

  it('requires the Information-Mediator-Client header where the spec does (400 when missing or malformed)', async () => {
    for (const h of [{}, { 'information-mediator-client': 'invalid_header' }] as Record<string, string>[]) {
      expect((await send({ method: 'GET', url: '/applications', headers: h })).statusCode).toBe(400);
      expect((await send({ method: 'GET', url: '/data/statistics', headers: h })).statusCode).toBe(400);
      const post = await send({
        method: 'POST',
        url: '/services/f7d33db0-2809-484e-a780-76b7ccd4ecbf/applications',
        headers: h,
        payload: fileBody('a'),
      });
      expect(post.statusCode).toBe(400);
    }
  });

  it('`motcua govstack load` run a second time changes no row count', async () => {
    const tables = [
      'procedures',
      'procedure_versions',
      'dossiers',
      'dossier_events',
      'users',
      'user_roles',
      'govstack_ids',
      'outbox',
      'audit_log',
      'attachments',
    ] as const;
    const snapshot = async () =>
      Promise.all(
        tables.map(async (t) =>
          Number((await ctx.db.selectFrom(t).select(ctx.db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n),
        ),
      );
    const before = await snapshot();
    const again = await cliLoad(ctx.url);
    expect(again.stdout).toMatch(/; 0 created$/m);
    expect(await snapshot()).toEqual(before);
    // and the loader called in-process agrees
    expect((await loadGovstack(ctx.db, DATA)).created).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it('a submitted application becomes a dossier; completing its tasks goes through the dossier engine', async () => {
    const res = await send({
      method: 'POST',
      url: '/services/8b410187-e137-4487-b627-09b2b909e630/applications',
      headers: IMC,
      payload: fileBody('applicant-42'),
    });
    expect(res.statusCode).toBe(200);
    const file = res.json() as { fileId: string; status: { code: string } };
    expect(file.status.code).toBe('PENDING');
    const dossier = await ctx.db
      .selectFrom('dossiers')
      .selectAll()
      .where('id', '=', file.fileId)
      .executeTakeFirstOrThrow();
    expect(dossier.status).toBe('received');
    const mine = (await send({ method: 'GET', url: '/applications?applicantId=applicant-42', headers: IMC })).json();
    expect(mine).toHaveLength(1);
    // reception → transfer; then the step → approve + finish
    for (const expected of ['processing', 'result_ready']) {
      const tasks = (await send({ method: 'GET', url: `/tasks?fileId=${file.fileId}` })).json() as { taskId: string }[];
      expect(tasks).toHaveLength(1);
      const done = await send({ method: 'POST', url: `/tasks/${tasks[0]!.taskId}/complete`, payload: { data: {} } });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json().status.code).toBe('APPROVED');
      const d = await ctx.db
        .selectFrom('dossiers')
        .select('status')
        .where('id', '=', file.fileId)
        .executeTakeFirstOrThrow();
      expect(d.status).toBe(expected);
    }
    const after = (await send({ method: 'GET', url: `/applications/${file.fileId}`, headers: IMC })).json();
    expect(after.status.code).toBe('APPROVED');
    expect(after.ended).toBe(true);
    const events = await ctx.db
      .selectFrom('dossier_events')
      .select('type')
      .where('dossier_id', '=', file.fileId)
      .orderBy('version')
      .execute();
    expect(events.map((e) => e.type)).toEqual(['submitted', 'received', 'forwarded', 'approved', 'finished']);
    const outbox = await ctx.db.selectFrom('outbox').select('id').where('aggregate_id', '=', file.fileId).execute();
    expect(outbox).toHaveLength(5);
    const stats = (await send({ method: 'GET', url: '/data/statistics', headers: IMC })).json();
    expect(stats[0].approved).toBeGreaterThanOrEqual(1);
  });

  it('uploaded documents named in documentUrls become attachments of the dossier; other urls stay references', async () => {
    const two = multipart();
    const b = 'govstackboundary';
    const second = Buffer.from(
      `--${b}\r\nContent-Disposition: form-data; name="file"; filename="b.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
    const payload = Buffer.concat([
      two.payload.subarray(0, two.payload.length - `--${b}--\r\n`.length),
      second,
      PDF,
      Buffer.from(`\r\n--${b}--\r\n`),
    ]);
    expect((await send({ method: 'POST', url: '/documents', headers: two.headers, payload })).statusCode).toBe(400);
    const up = await send({ method: 'POST', url: '/documents?additionalMetadata=birth', ...multipart() });
    expect(up.statusCode, up.body).toBe(200);
    const { url } = up.json() as { url: string };
    expect(url).toMatch(/^\/govstack\/documents\/[0-9a-f-]{36}$/);
    const urls = [`https://lgsp.example.vn${url}`, 'https://elsewhere.example.org/scan.pdf'];
    const res = await send({
      method: 'POST',
      url: '/services/8b410187-e137-4487-b627-09b2b909e630/applications',
      headers: IMC,
      payload: { ...fileBody('applicant-docs'), documentUrls: urls },
    });
    expect(res.statusCode, res.body).toBe(200);
    const file = res.json() as { fileId: string; applicationData: { documentUrls: string[] } };
    expect(file.applicationData.documentUrls).toEqual(urls);
    const attachments = await ctx.db
      .selectFrom('attachments')
      .select(['kind', 'slot', 'file_name', 'media_type', 'size_bytes'])
      .where('dossier_id', '=', file.fileId)
      .execute();
    expect(attachments).toEqual([
      {
        kind: 'document',
        slot: `govstack:${url.split('/').at(-1)}`,
        file_name: 'giay-khai-sinh.pdf',
        media_type: 'application/pdf',
        size_bytes: String(PDF.length),
      },
    ]);
    // PUT with the same url attaches nothing twice
    const put = await send({
      method: 'PUT',
      url: `/applications/${file.fileId}`,
      headers: IMC,
      payload: { ...fileBody('applicant-docs'), documentUrls: [url] },
    });
    expect(put.statusCode, put.body).toBe(200);
    const n = await ctx.db.selectFrom('attachments').select('id').where('dossier_id', '=', file.fileId).execute();
    expect(n).toHaveLength(1);
  });

  it('a submission whose attachment fails leaves nothing behind: no dossier, no file mapping, no outbox row', async () => {
    // A stored document whose blob row is corrupt (its hash is no sha256): inserting its attachment fails.
    const documentId = randomUUID();
    await mapId(ctx.db, 'document', documentId, 'not-a-sha256', {
      fileName: 'hong.pdf',
      mediaType: 'application/pdf',
      size: PDF.length,
    });
    const tables = ['dossiers', 'dossier_events', 'outbox', 'attachments', 'govstack_ids'] as const;
    const counts = async () =>
      Promise.all(
        tables.map(async (t) =>
          Number((await ctx.db.selectFrom(t).select(ctx.db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n),
        ),
      );
    const before = await counts();
    const res = await send({
      method: 'POST',
      url: '/services/8b410187-e137-4487-b627-09b2b909e630/applications',
      headers: IMC,
      payload: { ...fileBody('applicant-atomic'), documentUrls: [`${PREFIX}/documents/${documentId}`] },
    });
    expect(res.statusCode, res.body).toBe(500);
    expect(await counts()).toEqual(before);
    const files = await ctx.db
      .selectFrom('govstack_ids')
      .select('internal_id')
      .where('kind', '=', 'file')
      .where(sql<boolean>`meta ->> 'applicantId' = 'applicant-atomic'`)
      .execute();
    expect(files).toEqual([]);
    expect(
      (await send({ method: 'GET', url: '/applications?applicantId=applicant-atomic', headers: IMC })).json(),
    ).toEqual([]);
  });

  /** A new application, transferred to its step: the step task's id. */
  async function atStep(applicantId: string): Promise<{ fileId: string; taskId: string }> {
    const res = await send({
      method: 'POST',
      url: '/services/8b410187-e137-4487-b627-09b2b909e630/applications',
      headers: IMC,
      payload: fileBody(applicantId),
    });
    const { fileId } = res.json() as { fileId: string };
    const [reception] = (await send({ method: 'GET', url: `/tasks?fileId=${fileId}` })).json() as { taskId: string }[];
    const done = await send({ method: 'POST', url: `/tasks/${reception!.taskId}/complete`, payload: { data: {} } });
    expect(done.statusCode, done.body).toBe(200);
    const [step] = (await send({ method: 'GET', url: `/tasks?fileId=${fileId}` })).json() as { taskId: string }[];
    expect(step!.taskId).not.toBe(reception!.taskId);
    return { fileId, taskId: step!.taskId };
  }

  it('a completion with status SENDBACK asks for a supplement; REJECTED refuses; both need a reason', async () => {
    const statsBefore = (await send({ method: 'GET', url: '/data/statistics', headers: IMC })).json()[0];
    // At reception the engine sends back only a dossier still `submitted`; the facade's are received on entry.
    const entered = await send({
      method: 'POST',
      url: '/services/8b410187-e137-4487-b627-09b2b909e630/applications',
      headers: IMC,
      payload: fileBody('applicant-reception'),
    });
    const [reception] = (await send({ method: 'GET', url: `/tasks?fileId=${entered.json().fileId}` })).json() as {
      taskId: string;
    }[];
    const early = await send({
      method: 'POST',
      url: `/tasks/${reception!.taskId}/complete`,
      payload: { data: { status: { code: 'SENDBACK' }, note: { value: 'Thiếu giấy tờ' } } },
    });
    expect(early.statusCode, early.body).toBe(409);
    const a = await atStep('applicant-sendback');
    const noReason = await send({
      method: 'POST',
      url: `/tasks/${a.taskId}/complete`,
      payload: { data: { status: { code: 'SENDBACK' } } },
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json()).toMatchObject({ code: 'validation_failed' });
    const back = await send({
      method: 'POST',
      url: `/tasks/${a.taskId}/complete`,
      payload: { data: { status: { code: 'SENDBACK' }, note: { value: 'Thiếu bản sao giấy chứng sinh' } } },
    });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json().status.code).toBe('SENDBACK');
    const d1 = await ctx.db
      .selectFrom('dossiers')
      .select('status')
      .where('id', '=', a.fileId)
      .executeTakeFirstOrThrow();
    expect(d1.status).toBe('supplement_requested');
    const f1 = (await send({ method: 'GET', url: `/applications/${a.fileId}`, headers: IMC })).json();
    expect(f1.status.code).toBe('SENDBACK');
    expect((await send({ method: 'GET', url: `/tasks/${a.taskId}` })).json().status.code).toBe('SENDBACK');
    expect((await send({ method: 'GET', url: `/tasks?fileId=${a.fileId}` })).json()).toEqual([]);

    const r = await atStep('applicant-reject');
    const refused = await send({
      method: 'POST',
      url: `/tasks/${r.taskId}/complete`,
      payload: { data: { status: { code: 'REJECTED' }, note: { value: 'Không đủ điều kiện đăng ký' } } },
    });
    expect(refused.statusCode, refused.body).toBe(200);
    expect(refused.json().status.code).toBe('REJECTED');
    const f2 = (await send({ method: 'GET', url: `/applications/${r.fileId}`, headers: IMC })).json();
    expect(f2.status.code).toBe('REJECTED');
    expect(f2.ended).toBe(true);
    const events = await ctx.db
      .selectFrom('dossier_events')
      .select(['type', 'note'])
      .where('dossier_id', '=', r.fileId)
      .orderBy('version')
      .execute();
    expect(events.map((e) => e.type)).toEqual(['submitted', 'received', 'forwarded', 'refused']);
    // Completing a closed task again changes nothing and answers its outcome.
    const again = await send({ method: 'POST', url: `/tasks/${r.taskId}/complete`, payload: { data: {} } });
    expect(again.json().status.code).toBe('REJECTED');
    const statsAfter = (await send({ method: 'GET', url: '/data/statistics', headers: IMC })).json()[0];
    expect(statsAfter.sentBack - statsBefore.sentBack).toBe(1);
    expect(statsAfter.rejected - statsBefore.rejected).toBe(1);
    expect(statsAfter.processed - statsBefore.processed).toBe(2);
    // Filters: the decisions were taken by the facade's handling account on "Post partum registration service".
    const q = (query: string) => send({ method: 'GET', url: `/data/statistics?${query}`, headers: IMC });
    const byOperator = (await q(`operator=${encodeURIComponent('Xử lý GovStack (tài khoản hệ thống)')}`)).json();
    expect(byOperator).toMatchObject([{ sentBack: 1, rejected: 1 }]);
    expect(byOperator[0].processed).toBe(byOperator[0].approved + 2);
    expect((await q('role=leader&registrationName=Post%20partum')).json()[0]).toMatchObject({ rejected: 1 });
    expect((await q('registrationName=Zero%20Hunger')).json()).toMatchObject([{ processed: 0 }]);
    expect((await q('role=no-such-role')).statusCode).toBe(404);
    expect((await q('startDate=2026-01-02&endDate=2026-01-01')).statusCode).toBe(400);
    const daily = (await q('timeframe=day')).json() as { references: { startDate: string; timeframeDay: boolean } }[];
    expect(daily.length).toBeGreaterThanOrEqual(1);
    expect(daily.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.references.startDate) && r.references.timeframeDay)).toBe(
      true,
    );
  });

  it('GET /tasks pages in SQL: firstResult/maxResult give disjoint pages in the requested order', async () => {
    const all = (await send({ method: 'GET', url: '/tasks?sortBy=created&sortOrder=asc&maxResult=1000' })).json() as {
      taskId: string;
      created: string;
    }[];
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(all.map((t) => t.created)).toEqual([...all.map((t) => t.created)].sort());
    const pages = [];
    for (let first = 0; first < all.length; first += 3) {
      const p = (
        await send({ method: 'GET', url: `/tasks?sortBy=created&sortOrder=asc&firstResult=${first}&maxResult=3` })
      ).json() as { taskId: string }[];
      expect(p.length).toBeLessThanOrEqual(3);
      pages.push(...p.map((t) => t.taskId));
    }
    expect(pages).toEqual(all.map((t) => t.taskId));
    const beyond = await send({ method: 'GET', url: `/tasks?firstResult=${all.length}` });
    expect(beyond.json()).toEqual([]);
  });
});

/** A body as a GovStack field client form-encodes it (bracket notation, qs style). */
const form = (fields: Record<string, string | string[]>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) p.append(k, x);
  return { headers: { ...IMC, 'content-type': 'application/x-www-form-urlencoded' }, payload: p.toString() };
};

describe('GovStack clients in the field: form-encoded bodies, base64 documents, any media type', () => {
  const POST_PARTUM = '/services/8b410187-e137-4487-b627-09b2b909e630/applications';

  it('a form-encoded application is the same application as its JSON (bracket notation or JSON text)', async () => {
    const bracket = await send({
      method: 'POST',
      url: POST_PARTUM,
      ...form({
        applicationName: 'Nguyễn Thị Mai',
        applicantId: 'form-applicant-1',
        'formData[eFormId]': '3f7d1b2e-6c51-473a-a583-814f868cf172',
        'formData[data][child][name]': 'Mai',
        'documentUrls[]': ['https://lgsp.example.vn/a.pdf', 'https://lgsp.example.vn/b.pdf'],
      }),
    });
    expect(bracket.statusCode, bracket.body).toBe(200);
    const a = bracket.json();
    expect(a).toMatchObject({
      applicantId: 'form-applicant-1',
      applicationData: { documentUrls: ['https://lgsp.example.vn/a.pdf', 'https://lgsp.example.vn/b.pdf'] },
    });
    const stored = await ctx.db
      .selectFrom('dossiers')
      .select(['form_data', 'applicant_name'])
      .where('id', '=', a.fileId)
      .executeTakeFirstOrThrow();
    expect(stored.form_data).toEqual({ child: { name: 'Mai' } });
    expect(stored.applicant_name).toBe('Nguyễn Thị Mai');
    // One url, a key repeated without brackets, and formData as JSON text.
    const repeated = await send({
      method: 'POST',
      url: POST_PARTUM,
      ...form({
        applicantId: 'form-applicant-2',
        formData: JSON.stringify({ data: { child: { name: 'Lan' } } }),
        documentUrls: 'https://lgsp.example.vn/c.pdf',
      }),
    });
    expect(repeated.statusCode, repeated.body).toBe(200);
    expect(repeated.json().applicationData.documentUrls).toEqual(['https://lgsp.example.vn/c.pdf']);
    // Malformed: formData that is neither brackets nor JSON, or no applicantId → the spec's systemError.
    for (const fields of [{ applicantId: 'x', formData: '{not json' }, { applicationName: 'no applicant' }] as Record<
      string,
      string
    >[]) {
      const bad = await send({ method: 'POST', url: POST_PARTUM, ...form(fields) });
      expect(bad.statusCode, bad.body).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'validation_failed', localizedMessage: expect.any(String) });
    }
    // Nested deeper than the edge allows: 400, not a silently flattened key.
    const deep = `applicantId=x&formData[data]${'[a]'.repeat(80)}=1`;
    const tooDeep = await send({ method: 'POST', url: POST_PARTUM, ...form({}), payload: deep });
    expect(tooDeep.statusCode, tooDeep.body).toBe(400);
  });

  it("a form-encoded e-form's values get the types its JSON Schema declares; a value that cannot be typed is refused", async () => {
    // "Industry and Infrastructure" gets a typed e-form from the province administrator, as a new
    // published version (the data set's e-forms are untyped).
    const service = 'WWc9280957e579ad0007e58a3399f0068';
    const [procedureId] = await internalIds(ctx.db, 'service', service);
    const schema = {
      type: 'object',
      required: ['ownerName', 'workers', 'capitalVnd'],
      properties: {
        ownerName: { type: 'string', title: 'Tên chủ cơ sở', maxLength: 200 },
        workers: { type: 'integer', title: 'Số lao động', minimum: 0, maximum: 100000 },
        capitalVnd: { type: 'number', title: 'Vốn đầu tư (đồng)', minimum: 0 },
        exporting: { type: 'boolean', title: 'Có xuất khẩu' },
      },
    };
    const admin = await sessionFor(ctx.db, DEMO.admin);
    const view = (await app.inject({ url: `/api/v1/admin/procedures/${procedureId}`, headers: admin.headers })).json();
    const {
      agencies,
      id: _id,
      versionNo: _n,
      status: _s,
      createdAt: _c,
      publishedAt: _p,
      archivedAt: _a,
      ...content
    } = view.published;
    const saved = await app.inject({
      method: 'PUT',
      url: `/api/v1/procedures/${procedureId}/draft`,
      headers: admin.headers,
      payload: {
        ...content,
        agencyIds: (agencies as { id: string }[]).map((a) => a.id),
        eForm: { schema, uiSchema: null },
        version: view.version,
      },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const published = await app.inject({
      method: 'POST',
      url: `/api/v1/procedures/${procedureId}/publish`,
      headers: admin.headers,
      payload: { version: saved.json().version },
    });
    expect(published.statusCode, published.body).toBe(200);
    const fields = {
      applicantId: 'form-typed-1',
      'formData[data][ownerName]': 'Công ty TNHH Cơ khí Hòa Khánh',
      'formData[data][workers]': '120',
      'formData[data][capitalVnd]': '2500000000',
      'formData[data][exporting]': 'true',
    };
    const dossiers = async () =>
      Number(
        (await ctx.db.selectFrom('dossiers').select(ctx.db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n,
      );
    const before = await dossiers();
    const url = `/services/${service}/applications`;
    const bad = await send({ method: 'POST', url, ...form({ ...fields, 'formData[data][workers]': 'một trăm' }) });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.json().localizedMessage).toContain('Số lao động');
    expect(await dossiers()).toBe(before);
    const ok = await send({ method: 'POST', url, ...form(fields) });
    expect(ok.statusCode, ok.body).toBe(200);
    const row = await ctx.db
      .selectFrom('dossiers')
      .select('form_data')
      .where('id', '=', ok.json().fileId)
      .executeTakeFirstOrThrow();
    expect(row.form_data).toEqual({
      ownerName: 'Công ty TNHH Cơ khí Hòa Khánh',
      workers: 120,
      capitalVnd: 2_500_000_000,
      exporting: true,
    });
    // The same values as JSON text are not coerced: a JSON client sends types.
    const json = await send({
      method: 'POST',
      url,
      headers: IMC,
      payload: { applicantId: 'json-typed', formData: { data: { ownerName: 'A', workers: '120', capitalVnd: 1 } } },
    });
    expect(json.statusCode, json.body).toBe(400);
  });

  it('completes a task and updates a file with form-encoded bodies', async () => {
    const created = await send({
      method: 'POST',
      url: POST_PARTUM,
      headers: IMC,
      payload: fileBody('form-applicant-3'),
    });
    const { fileId } = created.json() as { fileId: string };
    const put = await send({
      method: 'PUT',
      url: `/applications/${fileId}`,
      ...form({ applicantId: 'form-applicant-3', 'formData[data][operatorNote]': 'Đã đối chiếu' }),
    });
    expect(put.statusCode, put.body).toBe(200);
    const [reception] = (await send({ method: 'GET', url: `/tasks?fileId=${fileId}` })).json() as { taskId: string }[];
    const done = await send({
      method: 'POST',
      url: `/tasks/${reception!.taskId}/complete`,
      ...form({ 'data[note][value]': 'Chuyển xử lý' }),
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().status.code).toBe('APPROVED');
  });

  /** A multipart body with one text field per entry (no file part). */
  function fields(entries: Record<string, string>) {
    const b = 'govstackfields';
    const payload = Buffer.from(
      `${Object.entries(entries)
        .map(([k, v]) => `--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
        .join('')}--${b}--\r\n`,
    );
    return { headers: { 'content-type': `multipart/form-data; boundary=${b}` }, payload };
  }

  async function storedDocument(url: string) {
    const id = url.split('/').at(-1)!;
    return ctx.db
      .selectFrom('govstack_ids')
      .select(['internal_id', 'meta'])
      .where('kind', '=', 'document')
      .where('external_id', '=', id)
      .executeTakeFirstOrThrow();
  }

  it('takes a document as base64: a multipart text field, a data: URI, or JSON; refuses what is not base64', async () => {
    const b64 = PDF.toString('base64');
    const wrapped = b64.replace(/(.{60})/g, '$1\r\n'); // MIME line breaks
    for (const [how, req] of [
      ['multipart field', fields({ file: wrapped, fileName: 'giay-chung-sinh.pdf' })],
      ['data: URI', fields({ file: `data:application/pdf;base64,${b64}` })],
      [
        'JSON',
        {
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ file: b64, fileName: 'to-khai.pdf' }),
        },
      ],
      [
        'JSON list of one, URL-safe alphabet',
        {
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ file: [PDF.toString('base64url')] }),
        },
      ],
    ] as const) {
      const up = await send({ method: 'POST', url: '/documents', ...req });
      expect(up.statusCode, `${how}: ${up.body}`).toBe(200);
      const doc = await storedDocument(up.json().url);
      expect(doc.internal_id, how).toBe(createHash('sha256').update(PDF).digest('hex'));
      expect((doc.meta as { mediaType: string }).mediaType, how).toBe('application/pdf');
    }
    const named = await send({ method: 'POST', url: '/documents', ...fields({ file: b64 }) });
    expect(((await storedDocument(named.json().url)).meta as { fileName: string }).fileName).toBe('tai-lieu.pdf');
    for (const [how, req] of [
      ['not base64', fields({ file: 'this is not base64!' })],
      ['JSON without file', { headers: { 'content-type': 'application/json' }, payload: '{"fileName":"a.pdf"}' }],
      [
        'JSON list of two',
        { headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ file: [b64, b64] }) },
      ],
      ['malformed JSON', { headers: { 'content-type': 'application/json' }, payload: '{"file":' }],
      ['empty', fields({ file: '' })],
    ] as const) {
      const res = await send({ method: 'POST', url: '/documents', ...req });
      expect(res.statusCode, `${how}: ${res.body}`).toBe(400);
      expect(res.json()).toMatchObject({ code: expect.any(String), localizedMessage: expect.any(String) });
    }
  });

  it('stores any media type, a foreign one inert: the officer can only download it, as octet-stream with nosniff', async () => {
    const html = Buffer.from('<!doctype html><script>alert(document.cookie)</script><p>Tờ khai</p>');
    const up = await send({ method: 'POST', url: '/documents', ...multipart(html, 'to-khai.html') });
    expect(up.statusCode, up.body).toBe(200);
    const meta = (await storedDocument(up.json().url)).meta as Record<string, unknown>;
    expect(meta).toMatchObject({
      mediaType: 'application/octet-stream',
      declaredMediaType: 'application/pdf',
      fileName: 'to-khai.html',
    });
    const text = await send({
      method: 'POST',
      url: '/documents',
      ...fields({ file: Buffer.from('We love json!').toString('base64'), fileName: 'ghi-chu.txt' }),
    });
    expect(text.statusCode, text.body).toBe(200);
    // Attached to an application, downloaded by the officer who handles it.
    const res = await send({
      method: 'POST',
      url: POST_PARTUM,
      headers: IMC,
      payload: { ...fileBody('applicant-inert'), documentUrls: [up.json().url, text.json().url] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const attachments = await ctx.db
      .selectFrom('attachments')
      .select(['id', 'file_name', 'media_type'])
      .where('dossier_id', '=', res.json().fileId)
      .orderBy('file_name')
      .execute();
    expect(attachments.map((a) => [a.file_name, a.media_type])).toEqual([
      ['ghi-chu.txt', 'application/octet-stream'],
      ['to-khai.html', 'application/octet-stream'],
    ]);
    const admin = await sessionFor(ctx.db, DEMO.admin);
    for (const disposition of ['attachment', 'inline']) {
      const dl = await app.inject({
        url: `/api/v1/attachments/${attachments[1]!.id}/content?disposition=${disposition}`,
        headers: admin.headers,
      });
      expect(dl.statusCode, dl.body).toBe(200);
      expect(dl.headers['content-type']).toBe('application/octet-stream');
      expect(dl.headers['content-disposition']).toMatch(/^attachment;/);
      expect(dl.headers['x-content-type-options']).toBe('nosniff');
      expect(dl.headers['content-security-policy']).toBe('sandbox');
      expect(dl.rawPayload.equals(html)).toBe(true);
    }
  });
});

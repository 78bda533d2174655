import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Db } from '../src/db/database.ts';
import { draftWithMandatoryFiles } from './apply-helpers.ts';
import { formFor } from './eform-helpers.ts';
import { type Client, DEMO, sessionFor, type TestApp } from './helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in these tests
export type Json = Record<string, any>;

export type RegisteredClient = { clientId: string; clientSecret: string };

/** Register an API client through the admin route (as the root agency's administrator). */
export async function registerClient(
  app: TestApp,
  db: Db,
  body: {
    name?: string;
    scopes: string[];
    agencyIds: string[];
    procedureIds?: string[] | null;
    imSubsystems?: string[];
  },
): Promise<RegisteredClient> {
  const admin = await sessionFor(db, DEMO.admin);
  const r = await app.inject({
    method: 'POST',
    url: '/api/v1/integration/clients',
    headers: admin.headers,
    payload: { name: body.name ?? `Hệ thống thử ${randomUUID().slice(0, 8)}`, ...body },
  });
  expect(r.statusCode, r.body).toBe(201);
  return { clientId: r.json().clientId, clientSecret: r.json().clientSecret };
}

export const basic = (c: RegisteredClient) =>
  `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString('base64')}`;

/** A bearer token by client_secret_basic. */
export async function tokenFor(app: TestApp, c: RegisteredClient, scope?: string): Promise<string> {
  const r = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { authorization: basic(c), 'content-type': 'application/x-www-form-urlencoded' },
    payload: `grant_type=client_credentials${scope ? `&scope=${encodeURIComponent(scope)}` : ''}`,
  });
  expect(r.statusCode, r.body).toBe(200);
  return r.json().access_token;
}

export async function rootAgencyId(db: Db): Promise<string> {
  return (await db.selectFrom('agencies').select('id').where('parent_id', 'is', null).executeTakeFirstOrThrow()).id;
}

export async function agencyIdByName(db: Db, name: string): Promise<string> {
  return (await db.selectFrom('agencies').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
}

/** The land-certificate reissue procedure of the dossier-flow test, and the commune of residence. */
export async function landProcedure(db: Db) {
  const p = await db
    .selectFrom('procedure_versions as v')
    .innerJoin('procedures as p', 'p.id', 'v.procedure_id')
    .select(['v.procedure_id', 'v.id as version_id', 'p.code'])
    .where('v.name', 'like', 'Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất%')
    .where('v.status', '=', 'published')
    .executeTakeFirstOrThrow();
  const handlers = await db
    .selectFrom('procedure_version_agencies as pva')
    .innerJoin('agencies as a', 'a.id', 'pva.agency_id')
    .select(['a.id', 'a.code', 'a.path'])
    .where('pva.version_id', '=', p.version_id)
    .execute();
  const commune = await db
    .selectFrom('agencies')
    .select(['id', 'code'])
    .where('admin_unit_code', '=', '20242')
    .executeTakeFirstOrThrow();
  return { procedureId: p.procedure_id, procedureCode: p.code, handlers, commune };
}

/** People driving a dossier through the API, as in dossier-flow.test.ts. */
export async function people(db: Db) {
  const s: Record<string, Client> = {};
  for (const u of [DEMO.citizen, DEMO.receptionist, 'chuyenvien.snnmt']) s[u] = await sessionFor(db, u);
  return s;
}

export async function call(
  app: TestApp,
  who: Client,
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
): Promise<Awaited<ReturnType<TestApp['inject']>>> {
  const headers: Record<string, string> = { ...who.headers };
  if (method === 'POST') headers['idempotency-key'] = randomUUID();
  return app.inject({
    method,
    url: `/api/v1${url}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

export async function act(app: TestApp, who: Client, id: string, body: Json): Promise<Json> {
  const detail = (await call(app, who, 'GET', `/dossiers/${id}`)).json();
  const r = await call(app, who, 'POST', `/dossiers/${id}/actions`, { version: detail.version, ...body });
  expect(r.statusCode, `${body.type}: ${r.body}`).toBe(200);
  return r.json();
}

/** Submit the land procedure online as the demo citizen; returns the dossier id and code. */
export async function submitLandDossier(app: TestApp, db: Db, citizen: Client): Promise<{ id: string; code: string }> {
  const { procedureId, commune } = await landProcedure(db);
  const r = await call(app, citizen, 'POST', '/dossiers', {
    procedureId,
    formData: await formFor(db, procedureId),
    applicant: { phone: '0905123456', residenceCommuneId: commune.id, address: '12 Lê Duẩn, Hải Châu' },
    draftId: await draftWithMandatoryFiles(app, db, citizen, procedureId),
  });
  expect(r.statusCode, r.body).toBe(201);
  return { id: r.json().id, code: r.json().code };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

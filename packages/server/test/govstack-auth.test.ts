import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/database.ts';
import { DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';
import { registerClient, rootAgencyId, submitLandDossier, tokenFor } from './integration-helpers.ts';

/**
 * Issue 14: the GovStack facade had no authentication — anyone could list every agency's dossiers,
 * store files and complete tasks. Every /govstack route now needs a registered API client
 * (govstack:read / govstack:write), an Information-Mediator-Client header registered on that
 * client, keeps the client inside its agencies, and logs every call in the exchange log.
 */
const MEMBER = 'VN/GOV/000.00.00.H17/LGSP';
const OTHER_MEMBER = 'VN/GOV/000.00.00.H99/KHAC';

let app: TestApp;
let db: Db;
let province = '';
let ward = '';
let dossierId = '';

async function bearer(scopes: string[], agencyId: string, imSubsystems = [MEMBER]) {
  const c = await registerClient(app, db, { scopes, agencyIds: [agencyId], imSubsystems });
  return { authorization: `Bearer ${await tokenFor(app, c)}`, clientId: c.clientId };
}

beforeAll(async () => {
  const started = await startTestApp();
  app = started.app;
  db = started.db;
  province = await rootAgencyId(db);
  ward = (
    await db
      .selectFrom('agencies')
      .select('id')
      .where('name', 'like', '%Thanh Khê%')
      .where('level', '=', 'commune')
      .executeTakeFirstOrThrow()
  ).id;
  const citizen = await sessionFor(db, DEMO.citizen);
  dossierId = (await submitLandDossier(app, db, citizen)).id;
});

/** A concrete URL for a route pattern: path parameters filled with a fresh UUID. */
const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, () => randomUUID());

describe('the GovStack facade admits registered clients only', () => {
  it('every /govstack route answers 401 to an anonymous caller, with or without the mediator header', async () => {
    const routes = app.routeTable.filter((r) => r.url.startsWith('/govstack/'));
    // services, e-forms, applications, tasks, statistics (two paths), documents
    expect(routes.length).toBeGreaterThanOrEqual(13);
    for (const r of routes) {
      for (const headers of [{}, { 'information-mediator-client': MEMBER }]) {
        const res = await app.inject({
          method: r.method as 'GET',
          url: concrete(r.url),
          headers,
          ...(r.method === 'GET' ? {} : { payload: {} }),
        });
        expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      }
    }
    // …and declares who may call it: a client scope, never `public`.
    for (const r of routes) {
      expect(r.access, r.url).not.toBe('public');
      expect(r.clientScope, r.url).toMatch(/^govstack:(read|write)$/);
    }
  });

  it('an officer or citizen session is not a GovStack client', async () => {
    for (const who of [DEMO.admin, DEMO.citizen]) {
      const s = await sessionFor(db, who);
      const r = await app.inject({
        url: '/govstack/applications',
        headers: { ...s.headers, 'information-mediator-client': MEMBER },
      });
      expect(r.statusCode, who).toBe(403);
    }
  });

  it('a client may speak only as a subsystem registered on it (403 otherwise, 400 when malformed)', async () => {
    const c = await bearer(['govstack:read'], province);
    const ok = await app.inject({
      url: '/govstack/applications',
      headers: { authorization: c.authorization, 'information-mediator-client': MEMBER },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const foreign = await app.inject({
      url: '/govstack/applications',
      headers: { authorization: c.authorization, 'information-mediator-client': OTHER_MEMBER },
    });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().localizedMessage).toContain(OTHER_MEMBER);
    // Optional on the catalog reads, but checked when sent.
    const services = await app.inject({
      url: '/govstack/services',
      headers: { authorization: c.authorization, 'information-mediator-client': OTHER_MEMBER },
    });
    expect(services.statusCode).toBe(403);
    const missing = await app.inject({ url: '/govstack/applications', headers: { authorization: c.authorization } });
    expect(missing.statusCode).toBe(400);
  });

  it('a read-only client cannot write: submit, complete a task, upload a document → 403', async () => {
    const c = await bearer(['govstack:read'], province);
    const headers = { authorization: c.authorization, 'information-mediator-client': MEMBER };
    for (const [method, url] of [
      ['POST', `/govstack/services/${randomUUID()}/applications`],
      ['PUT', `/govstack/applications/${randomUUID()}`],
      ['POST', `/govstack/tasks/${randomUUID()}/complete`],
      ['POST', '/govstack/documents'],
    ] as const) {
      const r = await app.inject({ method, url, headers, payload: {} });
      expect(r.statusCode, `${method} ${url}`).toBe(403);
    }
  });

  it("a client sees its own agencies' dossiers only", async () => {
    const all = await bearer(['govstack:read'], province);
    const wardOnly = await bearer(['govstack:read'], ward);
    const list = async (h: { authorization: string }) =>
      (
        await app.inject({
          url: '/govstack/applications?max=100',
          headers: { authorization: h.authorization, 'information-mediator-client': MEMBER },
        })
      ).json() as unknown[];
    expect((await list(all)).length).toBeGreaterThan(0);
    expect(await list(wardOnly)).toEqual([]);
    const tasks = await app.inject({
      url: '/govstack/tasks',
      headers: { authorization: wardOnly.authorization },
    });
    expect(tasks.statusCode).toBe(200);
    expect(tasks.json()).toEqual([]);
    expect(dossierId).not.toBe('');
  });

  it('every call of a client is in the exchange log, refused ones included', async () => {
    const c = await bearer(['govstack:read'], province);
    const before = await db
      .selectFrom('exchange_log')
      .select(db.fn.countAll<string>().as('n'))
      .where('client_id', '=', c.clientId)
      .executeTakeFirstOrThrow();
    await app.inject({
      url: '/govstack/applications',
      headers: { authorization: c.authorization, 'information-mediator-client': MEMBER },
    });
    await app.inject({ url: '/govstack/data/statistics/1.0', headers: { authorization: c.authorization } });
    await app.inject({
      url: '/govstack/applications',
      headers: { authorization: c.authorization, 'information-mediator-client': OTHER_MEMBER },
    });
    const rows = await db
      .selectFrom('exchange_log')
      .select(['path', 'status'])
      .where('client_id', '=', c.clientId)
      .orderBy('id')
      .execute();
    expect(Number(before.n)).toBe(0);
    expect(rows.map((r) => [r.path.split('?')[0], r.status])).toEqual([
      ['/govstack/applications', 200],
      ['/govstack/data/statistics/1.0', 400],
      ['/govstack/applications', 403],
    ]);
  });

  it('MOTCUA_GOVSTACK=off: no /govstack route exists, every path is the JSON 404', async () => {
    const off = await startTestApp({ govstackEnabled: false });
    expect(off.app.routeTable.filter((r) => r.url.startsWith('/govstack')).length).toBe(0);
    const r = await off.app.inject({ url: '/govstack/services' });
    expect(r.statusCode).toBe(404);
    expect(r.headers['content-type']).toMatch(/json/);
  });
});

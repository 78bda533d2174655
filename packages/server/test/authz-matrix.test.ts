import { randomUUID } from 'node:crypto';
import { CLIENT_SCOPES, OFFICER_ROLES } from '@motcua/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { buildApp } from '../src/http/app.ts';
import { draftWithMandatoryFiles } from './apply-helpers.ts';
import { formFor } from './eform-helpers.ts';
import { type Client, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';
import { registerClient, rootAgencyId, tokenFor } from './integration-helpers.ts';
import {
  type Caller,
  expand,
  OFFICER_COLUMNS,
  PERSONS,
  type Person,
  ROUTE_POLICY,
  SCOPES,
  type Scope,
} from './policy/routes.policy.ts';
import { mandatoryChecklist } from './reception-helpers.ts';

/**
 * Every route × every kind of caller, against the policy written out by hand in
 * test/policy/routes.policy.ts — never against the routes' own `access` declarations or core's
 * `isAllowed`, which would only check the rule against itself. A route missing from the table
 * fails the run, so a new route forces a decision; a route that declares no rule cannot even be
 * registered.
 */
let app: TestApp;
let db: Awaited<ReturnType<typeof startTestApp>>['db'];

// One demo account per role (roles as seeded in the demo province).
const ROLE_USER: Record<(typeof OFFICER_ROLES)[number], string> = {
  receptionist: DEMO.receptionist,
  officer: DEMO.deptOfficer,
  leader: DEMO.deptLeader,
  admin: DEMO.admin,
  provincial_leader: DEMO.provincialLeader,
};
const PERSON_USER: Record<Exclude<Person, 'anonymous'>, string> = {
  ...ROLE_USER,
  citizen: DEMO.citizen,
  organization: DEMO.organization,
};

beforeAll(async () => {
  ({ app, db } = await startTestApp());
});

function fill(url: string): string {
  return url.replace(/:[A-Za-z]+/g, () => randomUUID()).replace('*', 'some/client/route');
}

async function call(method: string, url: string, client: Pick<Client, 'headers'> | null) {
  return app.inject({
    method: method as 'GET',
    url: fill(url),
    headers: { ...(client?.headers ?? {}), 'content-type': 'application/json' },
    ...(method === 'GET' || method === 'DELETE' ? {} : { payload: '{}' }),
  });
}

describe('route × role authorization', () => {
  it('refuses to register a route that declares no access rule', async () => {
    const fresh = await buildApp({
      db,
      config: loadConfig({}),
      state: { ready: true, migrating: false },
      logger: false,
    });
    expect(() => fresh.get('/api/v1/undeclared', async () => 'x')).toThrow(/declares no access rule/);
    expect(() => fresh.get('/api/v1/declared', { config: { access: 'public' } }, async () => 'x')).not.toThrow();
    await fresh.close();
  });

  it('has a row in the hand-written policy for every route it serves, and serves every row', () => {
    const served = app.routeTable.map((r) => `${r.method} ${r.url}`);
    const table = ROUTE_POLICY.map(([route]) => route);
    expect(new Set(served).size, 'a route registered twice').toBe(served.length);
    expect(new Set(table).size, 'a route listed twice in routes.policy.ts').toBe(table.length);
    expect(
      served.filter((r) => !table.includes(r)),
      'served but not in test/policy/routes.policy.ts: decide who may call it',
    ).toEqual([]);
    expect(
      table.filter((r) => !served.includes(r)),
      'in test/policy/routes.policy.ts but not served',
    ).toEqual([]);
  });

  it('the table has a column for every officer role and every API client scope', () => {
    expect([...OFFICER_COLUMNS].sort()).toEqual([...OFFICER_ROLES].sort());
    expect([...SCOPES].sort()).toEqual([...CLIENT_SCOPES].sort());
  });

  it('lets through exactly the callers the table names, and refuses the others', async () => {
    // One API client holding every scope, and a token per scope (each token carries only its own).
    const client = await registerClient(app, db, { scopes: [...SCOPES], agencyIds: [await rootAgencyId(db)] });
    const tokens = new Map<Scope, string>();
    for (const scope of SCOPES) tokens.set(scope, await tokenFor(app, client, scope));
    const callers: { name: Caller; headers: () => Promise<Record<string, string>> }[] = [
      ...PERSONS.map((name) => ({
        name,
        // A fresh session per call: logout and password change end sessions.
        headers: async () => (name === 'anonymous' ? {} : (await sessionFor(db, PERSON_USER[name])).headers),
      })),
      ...SCOPES.map((scope) => ({
        name: `client:${scope}` as const,
        headers: async () => ({ authorization: `Bearer ${tokens.get(scope)}` }),
      })),
    ];
    const rules = new Map(ROUTE_POLICY.map(([route, who]) => [route, expand(who)]));
    const mismatches: string[] = [];
    let checked = 0;
    for (const route of app.routeTable) {
      const allowed = rules.get(`${route.method} ${route.url}`);
      if (allowed === undefined) continue; // reported by the coverage test above
      for (const caller of callers) {
        const res = await call(route.method, route.url, { headers: await caller.headers() });
        const label = `${route.method} ${route.url} as ${caller.name} → ${res.statusCode} ${res.body.slice(0, 120)}`;
        checked++;
        if (res.statusCode >= 500) {
          mismatches.push(`server error: ${label}`);
          continue;
        }
        const refused = res.statusCode === 401 || res.statusCode === 403;
        if (allowed.has(caller.name)) {
          if (refused) mismatches.push(`refused, the table lets through: ${label}`);
          continue;
        }
        if (!refused) {
          mismatches.push(`let through, the table refuses: ${label}`);
          continue;
        }
        const expected =
          caller.name === 'anonymous'
            ? [401, 'unauthenticated']
            : caller.name.startsWith('client:')
              ? [403, 'insufficient_scope']
              : [403, 'forbidden'];
        expect([res.statusCode, res.json().code], label).toEqual(expected);
        // The GovStack facade answers its spec's systemError (application/json), with Vietnamese and English.
        if (route.url.startsWith('/govstack/')) {
          expect(res.headers['content-type'], label).toContain('application/json');
          expect(res.json(), label).toMatchObject({ code: expect.any(String), localizedMessage: expect.any(String) });
        } else expect(res.headers['content-type'], label).toContain('application/problem+json');
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(ROUTE_POLICY.length * callers.length);
    // About 1 600 requests (every route × 14 callers), each with a fresh session.
  }, 300_000);
});

/**
 * Records, not just routes: every route that takes a dossier or an attachment id (found in the route
 * table) × every demo caller, on a real dossier of the citizen handled by the service center and the
 * Department of Agriculture and Environment. Insiders read it; an outsider's answer is exactly the
 * answer for an id that does not exist (no existence oracle), and nothing changes.
 */
describe('dossier records × callers (own / other agency, own / other applicant)', () => {
  const INSIDERS = [DEMO.citizen, DEMO.receptionist, 'chuyenvien.snnmt', 'lanhdao.snnmt', DEMO.provincialLeader];
  const OUTSIDERS = [
    DEMO.organization,
    DEMO.deptOfficer,
    DEMO.deptLeader,
    DEMO.communeOfficer,
    DEMO.communeReceptionist,
    DEMO.communeLeader,
    DEMO.communeAdmin,
  ];
  const sess: Record<string, Client> = {};
  let dossierId = '';
  let code = '';
  let secret = '';
  let fileId = '';

  async function as(who: string, method: string, url: string, payload?: string) {
    const c = sess[who]!;
    return app.inject({
      method: method as 'GET',
      url,
      headers: { ...c.headers, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      ...(payload === undefined ? {} : { payload }),
    });
  }

  function recordRoutes() {
    return app.routeTable.filter((r) => /^\/api\/v1\/(dossiers|attachments)\/:id(\/|$)/.test(r.url));
  }

  function urlFor(route: { url: string }, id: string) {
    return route.url
      .replace(':id', id)
      .replace(/:form\b/, '01')
      .replace(/:[A-Za-z]+/g, () => randomUUID());
  }

  beforeAll(async () => {
    for (const u of [...INSIDERS, ...OUTSIDERS]) sess[u] = await sessionFor(db, u);
    const p = await db
      .selectFrom('procedure_versions')
      .select('procedure_id')
      .where('name', 'like', 'Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất%')
      .where('status', '=', 'published')
      .executeTakeFirstOrThrow();
    const commune = await db
      .selectFrom('agencies')
      .select('id')
      .where('admin_unit_code', '=', '20242')
      .executeTakeFirstOrThrow();
    const s = await as(
      DEMO.citizen,
      'POST',
      '/api/v1/dossiers',
      JSON.stringify({
        procedureId: p.procedure_id,
        formData: await formFor(db, p.procedure_id),
        applicant: { residenceCommuneId: commune.id, phone: '0905777888', address: '99 Bạch Đằng, Hải Châu' },
        draftId: await draftWithMandatoryFiles(app, db, sess[DEMO.citizen]!, p.procedure_id),
      }),
    );
    expect(s.statusCode, s.body).toBe(201);
    ({ id: dossierId, code, lookupSecret: secret } = s.json());
    let version = s.json().version as number;
    for (const [who, type] of [
      [DEMO.receptionist, 'receive'],
      [DEMO.receptionist, 'forward'],
      ['chuyenvien.snnmt', 'claim'],
    ] as const) {
      const checklist = type === 'receive' ? { checklist: await mandatoryChecklist(db, dossierId) } : {};
      const r = await as(
        who,
        'POST',
        `/api/v1/dossiers/${dossierId}/actions`,
        JSON.stringify({ type, version, ...checklist }),
      );
      expect(r.statusCode, r.body).toBe(200);
      version = r.json().version;
    }
    const form = new FormData();
    form.append('slot', 'result');
    form.append('kind', 'result');
    form.append('file', new Blob([Buffer.from('%PDF-1.4\n%%EOF\n')], { type: 'application/pdf' }), 'kq.pdf');
    const req = new Request('http://x/', { method: 'POST', body: form });
    const up = await app.inject({
      method: 'POST',
      url: `/api/v1/dossiers/${dossierId}/attachments`,
      headers: { ...sess['chuyenvien.snnmt']!.headers, 'content-type': req.headers.get('content-type')! },
      payload: Buffer.from(await req.arrayBuffer()),
    });
    expect(up.statusCode, up.body).toBe(201);
    fileId = up.json().id;
  });

  const idFor = (url: string) => (url.startsWith('/api/v1/attachments') ? fileId : dossierId);

  it('covers every record route of the route table', () => {
    const urls = recordRoutes().map((r) => `${r.method} ${r.url}`);
    expect(urls).toEqual(
      expect.arrayContaining([
        'GET /api/v1/dossiers/:id',
        'GET /api/v1/dossiers/:id/history',
        'POST /api/v1/dossiers/:id/actions',
        'GET /api/v1/dossiers/:id/attachments',
        'GET /api/v1/attachments/:id/content',
      ]),
    );
  });

  it('lets insiders read every record route', async () => {
    for (const route of recordRoutes().filter((r) => r.method === 'GET')) {
      for (const who of INSIDERS) {
        const c = sess[who]!;
        const actor = who === DEMO.citizen ? { kind: 'applicant' as const, userId: c.userId } : null;
        if (actor === null && Array.isArray(route.access) && !route.access.some((r) => r !== 'applicant')) continue;
        if (actor !== null && Array.isArray(route.access) && !route.access.includes('applicant')) continue;
        const r = await as(who, 'GET', urlFor(route, idFor(route.url)));
        const label = `${route.method} ${route.url} as ${who} → ${r.statusCode} ${r.body.slice(0, 160)}`;
        if (route.url.endsWith('/documents/:form')) expect([200, 403], label).toContain(r.statusCode);
        else expect(r.statusCode, label).toBe(200);
      }
    }
  });

  it('answers outsiders exactly as for an id that does not exist, and changes nothing', async () => {
    const before = await db
      .selectFrom('dossiers')
      .select(['version', 'updated_at'])
      .where('id', '=', dossierId)
      .executeTakeFirstOrThrow();
    const files = await db.selectFrom('attachments').select('id').where('dossier_id', '=', dossierId).execute();
    let checked = 0;
    for (const route of recordRoutes()) {
      for (const who of OUTSIDERS) {
        const payload =
          route.method === 'GET'
            ? undefined
            : route.url.endsWith('/actions')
              ? JSON.stringify({ type: 'approve', version: before.version })
              : '{}';
        const real = await as(who, route.method, urlFor(route, idFor(route.url)), payload);
        const ghost = await as(who, route.method, urlFor(route, randomUUID()), payload);
        const label = `${route.method} ${route.url} as ${who}: real ${real.statusCode} ${real.body.slice(0, 120)} vs ghost ${ghost.statusCode}`;
        expect(real.statusCode, label).toBeGreaterThanOrEqual(400);
        expect(real.statusCode, label).toBe(ghost.statusCode);
        expect(real.json().code, label).toBe(ghost.json().code);
        checked++;
      }
    }
    expect(checked).toBe(recordRoutes().length * OUTSIDERS.length);
    const after = await db
      .selectFrom('dossiers')
      .select(['version', 'updated_at'])
      .where('id', '=', dossierId)
      .executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    expect(await db.selectFrom('attachments').select('id').where('dossier_id', '=', dossierId).execute()).toEqual(
      files,
    );
  });

  it('finds nothing when outsiders search by code; the public lookup carries no personal data', async () => {
    for (const who of OUTSIDERS) {
      const r = await as(who, 'GET', `/api/v1/dossiers?queue=all&q=${encodeURIComponent(code)}`);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().items.map((d: { id: string }) => d.id)).not.toContain(dossierId);
    }
    const found = await as(DEMO.citizen, 'GET', `/api/v1/dossiers?queue=all&q=${encodeURIComponent(code)}`);
    expect(found.json().items.map((d: { id: string }) => d.id)).toContain(dossierId);
    // Accents optional, any case (the folded text beside the row, migration 0019).
    const { applicant_name } = await db
      .selectFrom('dossiers')
      .select('applicant_name')
      .where('id', '=', dossierId)
      .executeTakeFirstOrThrow();
    const plain = applicant_name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/gi, 'd')
      .toUpperCase();
    const byName = await as(DEMO.citizen, 'GET', `/api/v1/dossiers?queue=all&q=${encodeURIComponent(plain)}`);
    expect(byName.json().items.map((d: { id: string }) => d.id)).toContain(dossierId);
    const look = await app.inject({ url: `/api/v1/lookup?code=${encodeURIComponent(code)}&secret=${secret}` });
    expect(look.statusCode, look.body).toBe(200);
    const keys: string[] = [];
    const walk = (v: unknown) => {
      if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          keys.push(k.toLowerCase());
          walk(x);
        }
    };
    walk(look.json());
    for (const k of keys) expect(k).not.toMatch(/applicant|phone|email|idnumber|address|formdata|name$|assignee|note/);
    expect(look.body).not.toMatch(/Nguyễn Thị Ánh|0905777888|Bạch Đằng|048090001234|anh\.nguyen/);
    // Without the secret (or with a guessed one) the code alone reveals nothing.
    for (const q of [`code=${encodeURIComponent(code)}`, `code=${encodeURIComponent(code)}&secret=AAAAAAAA`]) {
      const r = await app.inject({ url: `/api/v1/lookup?${q}` });
      expect(r.statusCode).toBeGreaterThanOrEqual(400);
      expect(r.body).not.toContain(dossierId);
    }
  });

  it('a consulted commune becomes an insider; other agencies stay outside', async () => {
    const d = await db.selectFrom('dossiers').select('version').where('id', '=', dossierId).executeTakeFirstOrThrow();
    const r = await as(
      'chuyenvien.snnmt',
      'POST',
      `/api/v1/dossiers/${dossierId}/actions`,
      JSON.stringify({ type: 'consult', version: d.version, targets: [{ consultationId: 'xac_minh_xa' }] }),
    );
    expect(r.statusCode, r.body).toBe(200);
    expect((await as(DEMO.communeOfficer, 'GET', `/api/v1/dossiers/${dossierId}`)).statusCode).toBe(200);
    expect((await as(DEMO.deptOfficer, 'GET', `/api/v1/dossiers/${dossierId}`)).statusCode).toBe(404);
    expect((await as(DEMO.organization, 'GET', `/api/v1/dossiers/${dossierId}`)).statusCode).toBe(404);
  });
});

describe('CSRF on every state-changing route', () => {
  it('refuses a signed-in caller without the CSRF header or with a wrong one, on every non-public unsafe route', async () => {
    const users: Record<string, string> = { ...ROLE_USER, applicant: DEMO.citizen };
    let checked = 0;
    for (const route of app.routeTable) {
      if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method) || route.access === 'public') continue;
      // A demo account that passes the route's rule (routes only API clients may call have none).
      const role =
        route.access === 'authenticated' ? 'applicant' : (route.access as string[]).find((r) => users[r] !== undefined);
      if (role === undefined) continue;
      for (const token of [null, randomUUID()]) {
        const c = await sessionFor(db, users[role]!);
        const res = await app.inject({
          method: route.method as 'POST',
          url: fill(route.url),
          headers: {
            cookie: c.cookie,
            'content-type': 'application/json',
            'idempotency-key': randomUUID(),
            ...(token ? { 'x-csrf-token': token } : {}),
          },
          payload: '{}',
        });
        const label = `${route.method} ${route.url} as ${role} (csrf ${token ? 'wrong' : 'missing'})`;
        expect(res.statusCode, label).toBe(403);
        expect(res.json().code, label).toBe('csrf_failed');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});

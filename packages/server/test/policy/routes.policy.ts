/**
 * Who may call each route of the server, written out by hand — the policy, not a copy of the
 * routes' `access` declarations. `authz-matrix.test.ts` calls every route as every caller below
 * and compares the answer (refused: 401 / 403; let through: anything else) with this table; a
 * route the server serves that is missing here, or a row here the server does not serve, fails
 * the test, so a new route cannot ship without a decision in this file.
 *
 * Callers (one demo account each, seeded in the demo province):
 *   anonymous          no session, no token
 *   citizen            a citizen (048090001234)
 *   organization       a business (0401234567)
 *   receptionist       the one-stop unit of the Public Administration Service Center (tiepnhan.ttphc)
 *   officer            a specialist of a department's division (chuyenvien.stp)
 *   leader             a department's leader (lanhdao.stp)
 *   admin              the province's system administrator (admin, at the root agency)
 *   provincial_leader  the province People's Committee's leader (lanhdao.thanhpho)
 *   client:<scope>     a registered API client whose bearer token holds only that scope
 * Shorthands: `anyone` = every caller above, clients included; `signed-in` = every person with a
 * session (citizen … provincial_leader), never an API client.
 *
 * This pins the gate in front of each route. Finer rules live behind it and have their own tests:
 * records are scoped to the caller's agency subtree or to their owner (the "dossier records"
 * cases of authz-matrix), and province-wide operations refuse a ward's administrator although she
 * passes every `admin` row (calendar.test, audit.test, jobs.test, agencies-import.test,
 * catalog-admin.test, integration-clients.test).
 */

export const PERSONS = [
  'anonymous',
  'citizen',
  'organization',
  'receptionist',
  'officer',
  'leader',
  'admin',
  'provincial_leader',
] as const;
export type Person = (typeof PERSONS)[number];

/** The officer roles the table has a column for (the test checks core has no other). */
export const OFFICER_COLUMNS = ['receptionist', 'officer', 'leader', 'admin', 'provincial_leader'] as const;

/** The API client scopes the table has a column for (the test checks core has no other). */
export const SCOPES = [
  'dossiers:read',
  'dossiers:write',
  'events:subscribe',
  'catalog:read',
  'govstack:read',
  'govstack:write',
] as const;
export type Scope = (typeof SCOPES)[number];

export type Caller = Person | `client:${Scope}`;
export type Who = 'anyone' | 'signed-in' | Caller;

/** One row: `METHOD path` as the server registers it, and who may call it. */
export type RouteRule = readonly [route: string, who: readonly Who[]];

// biome-ignore format: a table, aligned by hand so that it reads as one
export const ROUTE_POLICY: readonly RouteRule[] = [
  // ── System (modules/system, @fastify/swagger-ui): probes and the API description, for anyone
  ['GET /healthz',                                         ['anyone']],
  ['GET /readyz',                                          ['anyone']],
  ['GET /openapi.json',                                    ['anyone']],
  ['GET /docs',                                            ['anyone']],
  ['GET /docs/json',                                       ['anyone']],
  ['GET /docs/yaml',                                       ['anyone']],
  ['GET /docs/static/index.html',                          ['anyone']],
  ['GET /docs/static/swagger-initializer.js',              ['anyone']],
  ['GET /docs/static/*',                                   ['anyone']],
  // The web app (index.html for client-side routes; unknown API paths answer a JSON 404).
  ['GET /*',                                               ['anyone']],

  // ── Accounts (modules/accounts): signing in, registering and recovering are for people
  // without a session; the rest of one's own account needs one. Officer accounts: leaders read
  // their staff, only the administrator creates or changes them.
  ['POST /api/v1/auth/login',                              ['anyone']],
  ['POST /api/v1/auth/register',                           ['anyone']],
  ['POST /api/v1/auth/register/verify',                    ['anyone']],
  ['POST /api/v1/auth/password/forgot',                    ['anyone']],
  ['POST /api/v1/auth/password/reset',                     ['anyone']],
  // Single sign-on (modules/identity): the provider list and both legs of the OIDC redirect are
  // for people who are not signed in yet.
  ['GET /api/v1/auth/oidc/providers',                      ['anyone']],
  ['GET /api/v1/auth/oidc/:provider/start',                ['anyone']],
  ['GET /api/v1/auth/oidc/:provider/callback',             ['anyone']],
  // The person's own personal-data access log (Decree 13/2023): applicants only.
  ['GET /api/v1/me/personal-data-access',                  ['citizen', 'organization']],
  ['POST /api/v1/auth/logout',                             ['signed-in']],
  ['GET /api/v1/auth/me',                                  ['signed-in']],
  ['POST /api/v1/auth/password',                           ['signed-in']],
  ['GET /api/v1/users',                                    ['leader', 'admin', 'provincial_leader']],
  ['GET /api/v1/users/:id',                                ['leader', 'admin', 'provincial_leader']],
  ['POST /api/v1/users',                                   ['admin']],
  ['PATCH /api/v1/users/:id',                              ['admin']],

  // ── Agencies (modules/agencies): the tree is public; editing, import and export are the administrator's.
  ['GET /api/v1/agencies',                                 ['anyone']],
  ['GET /api/v1/agencies/:id',                             ['anyone']],
  ['POST /api/v1/agencies',                                ['admin']],
  ['PATCH /api/v1/agencies/:id',                           ['admin']],
  ['GET /api/v1/agencies/export',                          ['admin']],
  ['POST /api/v1/agencies/import',                         ['admin']],

  // ── Procedure catalog (modules/catalog): published procedures, fields and life events are
  // public (Decree 118/2025: the catalog is published to everyone); drafting, publishing, the
  // editor and the Excel round trip are the administrator's.
  ['GET /api/v1/procedures',                               ['anyone']],
  ['GET /api/v1/procedures/:id',                           ['anyone']],
  ['GET /api/v1/life-events',                              ['anyone']],
  ['GET /api/v1/fields',                                   ['anyone']],
  ['POST /api/v1/procedures',                              ['admin']],
  ['PUT /api/v1/procedures/:id/draft',                     ['admin']],
  ['POST /api/v1/procedures/:id/publish',                  ['admin']],
  ['GET /api/v1/procedures/:id/versions',                  ['admin']],
  ['GET /api/v1/catalog/export',                           ['admin']],
  ['POST /api/v1/catalog/import',                          ['admin']],
  ['GET /api/v1/admin/procedures',                         ['admin']],
  ['GET /api/v1/admin/procedures/:id',                     ['admin']],
  ['POST /api/v1/admin/procedures/check',                  ['admin']],

  // ── Audit log (modules/audit): the administrator's.
  ['GET /api/v1/audit',                                    ['admin']],
  ['GET /api/v1/audit/verify',                             ['admin']],

  // ── Working calendar (modules/calendar): holidays, due dates and hours are public (citizens
  // see when their result is due); the yearly schedules and the hours are the administrator's.
  ['GET /api/v1/calendar/holidays',                        ['anyone']],
  ['GET /api/v1/calendar/due',                             ['anyone']],
  ['GET /api/v1/calendar/working-hours',                   ['anyone']],
  ['GET /api/v1/calendar/schedules/:year',                 ['admin']],
  ['PUT /api/v1/calendar/schedules/:year',                 ['admin']],
  ['DELETE /api/v1/calendar/schedules/:year',              ['admin']],
  ['POST /api/v1/calendar/schedules/import',               ['admin']],
  ['PUT /api/v1/calendar/working-hours',                   ['admin']],

  // ── Background jobs and notifications (modules/jobs): the administrator's.
  ['GET /api/v1/admin/jobs',                               ['admin']],
  ['POST /api/v1/admin/jobs/:id/retry',                    ['admin']],
  ['GET /api/v1/admin/notifications',                      ['admin']],

  // ── Dossiers (modules/dossiers): the applicant submits online, the receptionist at the counter
  // (and only she looks applicants up there). Reading is for any signed-in person and API clients
  // with dossiers:read — each sees only the records in their scope (owner / agency subtree).
  // Commands: the applicant and the officers who handle dossiers (receptionist, officer, leader);
  // never the administrator nor the provincial leader, who oversee.
  ['POST /api/v1/dossiers',                                ['citizen', 'organization']],
  ['POST /api/v1/counter/dossiers',                        ['receptionist']],
  ['GET /api/v1/counter/applicants',                       ['receptionist']],
  // Decided (issue 15): `signed-in` — each dossier is filtered by visibility in the service; the
  // province's system administrator sees the province's dossiers (support and audit). Every read of
  // personal data by an officer is to be logged and shown to the person (issue 17, Decree 13/2023).
  ['GET /api/v1/dossiers',                                 ['signed-in', 'client:dossiers:read']],
  ['GET /api/v1/dossiers/:id',                             ['signed-in', 'client:dossiers:read']],
  ['GET /api/v1/dossiers/:id/history',                     ['signed-in', 'client:dossiers:read']],
  ['GET /api/v1/dossiers/queues/counts',                   ['receptionist', 'officer', 'leader', 'admin', 'provincial_leader']],
  ['POST /api/v1/dossiers/:id/actions',                    ['citizen', 'organization', 'receptionist', 'officer', 'leader']],
  // The notices (forms 01–05) for the applicant, the control slip (06) for officers: decided per form in the service.
  ['GET /api/v1/dossiers/:id/documents/:form',             ['signed-in']],
  // The receiving unit's tracking book (form 07): its receptionists, leaders over it, province leaders, its administrator.
  ['GET /api/v1/reports/tracking-book',                    ['receptionist', 'leader', 'provincial_leader', 'admin']],
  // The public lookup by code and the receipt's secret: the one dossier route without a session.
  ['GET /api/v1/lookup',                                   ['anyone']],

  // ── Attachments (modules/attachments): uploaded by the applicant or the officers who handle
  // the dossier; read by whoever may read the dossier (decided per record in the service).
  ['GET /api/v1/attachments/limits',                       ['anyone']],
  ['POST /api/v1/dossiers/:id/attachments',                ['citizen', 'organization', 'receptionist', 'officer', 'leader']],
  // A draft is its applicant's alone.
  ['POST /api/v1/drafts/:id/attachments',                  ['citizen', 'organization']],
  ['GET /api/v1/dossiers/:id/attachments',                 ['signed-in']],
  ['GET /api/v1/attachments/:id/content',                  ['signed-in']],

  // ── Drafts (modules/webapi, modules/dossiers): an applicant's own unfinished application.
  ['GET /api/v1/drafts',                                   ['citizen', 'organization']],
  ['POST /api/v1/drafts',                                  ['citizen', 'organization']],
  ['GET /api/v1/drafts/:id',                               ['citizen', 'organization']],
  ['PUT /api/v1/drafts/:id',                               ['citizen', 'organization']],
  ['DELETE /api/v1/drafts/:id',                            ['citizen', 'organization']],
  ['POST /api/v1/drafts/:id/prefill',                      ['citizen', 'organization']],

  // ── Indicators and reports (modules/indicators): leaders (their subtree), the provincial
  // leader and the administrator (the province). Never receptionists, officers or applicants.
  ['GET /api/v1/indicators',                               ['leader', 'admin', 'provincial_leader']],
  ['GET /api/v1/indicators/breakdown',                     ['leader', 'admin', 'provincial_leader']],
  ['GET /api/v1/indicators/series',                        ['leader', 'admin', 'provincial_leader']],
  ['GET /api/v1/indicators/dossiers',                      ['leader', 'admin', 'provincial_leader']],
  ['GET /api/v1/reports/settlement',                       ['leader', 'admin', 'provincial_leader']],

  // ── Integration (modules/integration): OAuth endpoints are public (the client authenticates
  // in the body or with Basic auth); registering clients and watching exchanges is the
  // administrator's; webhooks and the national portal's inbox are for API clients only — no
  // session, not even the administrator's, opens them.
  ['POST /oauth/token',                                    ['anyone']],
  ['POST /oauth/introspect',                               ['anyone']],
  ['POST /api/v1/integration/clients',                     ['admin']],
  ['GET /api/v1/integration/clients',                      ['admin']],
  ['DELETE /api/v1/integration/clients/:id',               ['admin']],
  ['GET /api/v1/integration/exchange-log',                 ['admin']],
  ['GET /api/v1/integration/exchange-log/verify',          ['admin']],
  ['GET /api/v1/integration/webhook-deliveries',           ['admin']],
  ['POST /api/v1/integration/webhook-deliveries/:id/replay', ['admin']],
  ['GET /api/v1/integration/national-portal/pushes',       ['admin']],
  ['POST /api/v1/integration/webhooks',                    ['client:events:subscribe']],
  ['GET /api/v1/integration/webhooks',                     ['client:events:subscribe']],
  ['DELETE /api/v1/integration/webhooks/:id',              ['client:events:subscribe']],
  ['GET /api/v1/integration/webhooks/:id/deliveries',      ['client:events:subscribe']],
  ['POST /api/v1/integration/national-portal/dossiers',    ['client:dossiers:write']],

  // ── GovStack facade (modules/govstack, docs/govstack.md): API clients only, read or write scope.
  ['GET /govstack/services',                               ['client:govstack:read']],
  ['GET /govstack/services/:serviceId',                    ['client:govstack:read']],
  ['GET /govstack/services/:serviceId/eForms',             ['client:govstack:read']],
  ['GET /govstack/eForms/:eFormId',                        ['client:govstack:read']],
  ['GET /govstack/applications',                           ['client:govstack:read']],
  ['GET /govstack/applications/:fileId',                   ['client:govstack:read']],
  ['GET /govstack/tasks',                                  ['client:govstack:read']],
  ['GET /govstack/tasks/:taskId',                          ['client:govstack:read']],
  ['GET /govstack/data/statistics',                        ['client:govstack:read']],
  ['GET /govstack/data/statistics/1.0',                    ['client:govstack:read']],
  ['POST /govstack/services/:serviceId/applications',      ['client:govstack:write']],
  ['PUT /govstack/applications/:fileId',                   ['client:govstack:write']],
  ['POST /govstack/tasks/:taskId/complete',                ['client:govstack:write']],
  ['POST /govstack/documents',                             ['client:govstack:write']],
  // (No route grants `catalog:read`: the catalog is public anyway.)
];

const SIGNED_IN: readonly Person[] = [
  'citizen',
  'organization',
  'receptionist',
  'officer',
  'leader',
  'admin',
  'provincial_leader',
];

/** The callers a row lets through, shorthands expanded. */
export function expand(who: readonly Who[]): Set<Caller> {
  const out = new Set<Caller>();
  for (const w of who) {
    if (w === 'anyone') {
      for (const p of PERSONS) out.add(p);
      for (const s of SCOPES) out.add(`client:${s}`);
    } else if (w === 'signed-in') for (const p of SIGNED_IN) out.add(p);
    else out.add(w);
  }
  return out;
}

import {
  type Command,
  type CommandType,
  createWorkCalendar,
  type DecideContext,
  type DossierActor,
  type DossierState,
  decide,
  evolve,
  type WorkflowDefinition,
} from '@motcua/core';
import { describe, expect, test } from 'vitest';
import { startTestApp } from './helpers.ts';

/**
 * Issue 13: policies pinned by literal tables written by hand — from reading the routes and the
 * law — never by the production rule used as its own oracle. (a) which /api/v1 routes are public
 * and which need a signed-in caller, asserted by calling each without a session; (b) for each
 * dossier situation, which commands a receptionist, an officer, a leader, the consulted agency's
 * officer and the applicant may issue, asserted against the core's `decide`.
 */

// ---------------------------------------------------------------------------------------------
// (a) Routes: who may call them

/**
 * Every /api/v1 route and who may call it. `public`: anyone, no session; `signed-in`: any signed-in
 * user; `clients`: only a registered API client with a bearer token (no session admits it);
 * otherwise the roles, as letters: C applicant (citizen/organization), R receptionist, O officer,
 * L leader, A administrator, P provincial leader.
 */
type Who = 'public' | 'signed-in' | 'clients' | string;
const API_ROUTES: [string, string, Who][] = [
  // Signing in and registering are for people without a session; everything else about the account needs one.
  ['POST', '/api/v1/auth/login', 'public'],
  ['POST', '/api/v1/auth/logout', 'signed-in'],
  // Single sign-on: the list of providers and the two legs of the redirect, before any session exists.
  ['GET', '/api/v1/auth/oidc/providers', 'public'],
  ['GET', '/api/v1/auth/oidc/:provider/start', 'public'],
  ['GET', '/api/v1/auth/oidc/:provider/callback', 'public'],
  ['GET', '/api/v1/me/personal-data-access', 'C'],
  ['GET', '/api/v1/auth/me', 'signed-in'],
  ['POST', '/api/v1/auth/register', 'public'],
  // The one-time code that verifies a registration, and the forgotten password: by definition without a session.
  ['POST', '/api/v1/auth/register/verify', 'public'],
  ['POST', '/api/v1/auth/password/forgot', 'public'],
  ['POST', '/api/v1/auth/password/reset', 'public'],
  ['POST', '/api/v1/auth/password', 'signed-in'],
  ['GET', '/api/v1/users', 'LAP'],
  ['POST', '/api/v1/users', 'A'],
  ['GET', '/api/v1/users/:id', 'LAP'],
  ['PATCH', '/api/v1/users/:id', 'A'],
  // The public catalog: agencies, procedures, fields, life events, the working calendar.
  ['GET', '/api/v1/agencies', 'public'],
  ['GET', '/api/v1/agencies/export', 'A'],
  ['POST', '/api/v1/agencies/import', 'A'],
  ['GET', '/api/v1/agencies/:id', 'public'],
  ['POST', '/api/v1/agencies', 'A'],
  ['PATCH', '/api/v1/agencies/:id', 'A'],
  ['GET', '/api/v1/procedures', 'public'],
  ['GET', '/api/v1/procedures/:id', 'public'],
  ['GET', '/api/v1/life-events', 'public'],
  ['GET', '/api/v1/fields', 'public'],
  ['POST', '/api/v1/procedures', 'A'],
  ['PUT', '/api/v1/procedures/:id/draft', 'A'],
  ['POST', '/api/v1/procedures/:id/publish', 'A'],
  ['GET', '/api/v1/procedures/:id/versions', 'A'],
  ['GET', '/api/v1/catalog/export', 'A'],
  ['POST', '/api/v1/catalog/import', 'A'],
  ['GET', '/api/v1/admin/procedures', 'A'],
  ['POST', '/api/v1/admin/procedures/check', 'A'],
  ['GET', '/api/v1/admin/procedures/:id', 'A'],
  ['GET', '/api/v1/audit', 'A'],
  ['GET', '/api/v1/audit/verify', 'A'],
  ['GET', '/api/v1/calendar/holidays', 'public'],
  ['GET', '/api/v1/calendar/due', 'public'],
  ['GET', '/api/v1/calendar/working-hours', 'public'],
  ['GET', '/api/v1/calendar/schedules/:year', 'A'],
  ['PUT', '/api/v1/calendar/schedules/:year', 'A'],
  ['DELETE', '/api/v1/calendar/schedules/:year', 'A'],
  ['POST', '/api/v1/calendar/schedules/import', 'A'],
  ['PUT', '/api/v1/calendar/working-hours', 'A'],
  ['GET', '/api/v1/admin/jobs', 'A'],
  ['POST', '/api/v1/admin/jobs/:id/retry', 'A'],
  ['GET', '/api/v1/admin/notifications', 'A'],
  // Dossiers: the applicant submits online, the receptionist at the counter; reading is scoped per record.
  ['POST', '/api/v1/dossiers', 'C'],
  ['POST', '/api/v1/counter/dossiers', 'R'],
  ['GET', '/api/v1/counter/applicants', 'R'],
  ['GET', '/api/v1/dossiers', 'signed-in'],
  ['GET', '/api/v1/dossiers/queues/counts', 'ROLAP'],
  ['GET', '/api/v1/dossiers/:id', 'signed-in'],
  ['GET', '/api/v1/dossiers/:id/history', 'signed-in'],
  ['POST', '/api/v1/dossiers/:id/actions', 'CROL'],
  // Signed-in: the applicant gets her notices (01–05); form 06, the control slip, is 404 for her.
  ['GET', '/api/v1/dossiers/:id/documents/:form', 'signed-in'],
  ['GET', '/api/v1/reports/tracking-book', 'RLAP'],
  // The public lookup by code and secret (or phone): the one dossier route without a session.
  ['GET', '/api/v1/lookup', 'public'],
  ['POST', '/api/v1/dossiers/:id/attachments', 'CROL'],
  // (Officers pass the route but never own a draft: the service answers 404 for them.)
  ['POST', '/api/v1/drafts/:id/attachments', 'C'],
  ['GET', '/api/v1/attachments/limits', 'public'],
  ['GET', '/api/v1/dossiers/:id/attachments', 'signed-in'],
  ['GET', '/api/v1/attachments/:id/content', 'signed-in'],
  ['GET', '/api/v1/drafts', 'C'],
  ['POST', '/api/v1/drafts', 'C'],
  ['GET', '/api/v1/drafts/:id', 'C'],
  ['PUT', '/api/v1/drafts/:id', 'C'],
  // Discarding: only the draft's owner (anyone else's, or an unknown one, is a 404 in the service).
  ['DELETE', '/api/v1/drafts/:id', 'C'],
  ['POST', '/api/v1/drafts/:id/prefill', 'C'],
  // Indicators and reports: leaders and the administrator.
  ['GET', '/api/v1/indicators', 'LAP'],
  ['GET', '/api/v1/indicators/breakdown', 'LAP'],
  ['GET', '/api/v1/indicators/series', 'LAP'],
  ['GET', '/api/v1/indicators/dossiers', 'LAP'],
  ['GET', '/api/v1/reports/settlement', 'LAP'],
  // Integration: administered by the administrator; used by other systems with their own tokens.
  ['POST', '/api/v1/integration/clients', 'A'],
  ['GET', '/api/v1/integration/clients', 'A'],
  ['DELETE', '/api/v1/integration/clients/:id', 'A'],
  ['GET', '/api/v1/integration/exchange-log', 'A'],
  ['GET', '/api/v1/integration/exchange-log/verify', 'A'],
  ['GET', '/api/v1/integration/webhook-deliveries', 'A'],
  ['POST', '/api/v1/integration/webhook-deliveries/:id/replay', 'A'],
  ['GET', '/api/v1/integration/national-portal/pushes', 'A'],
  ['POST', '/api/v1/integration/webhooks', 'clients'],
  ['GET', '/api/v1/integration/webhooks', 'clients'],
  ['DELETE', '/api/v1/integration/webhooks/:id', 'clients'],
  ['GET', '/api/v1/integration/webhooks/:id/deliveries', 'clients'],
  ['POST', '/api/v1/integration/national-portal/dossiers', 'clients'],
];

const LETTER: Record<string, string> = {
  applicant: 'C',
  receptionist: 'R',
  officer: 'O',
  leader: 'L',
  admin: 'A',
  provincial_leader: 'P',
};

/** A route's declared access in the table's notation. */
function notation(access: unknown): Who {
  if (access === 'public') return 'public';
  if (access === 'authenticated') return 'signed-in';
  const roles = access as string[];
  if (roles.length === 0) return 'clients';
  return [...roles]
    .map((r) => LETTER[r] ?? `?${r}`)
    .sort((a, b) => 'CROLAP'.indexOf(a) - 'CROLAP'.indexOf(b))
    .join('');
}

describe('(a) which /api/v1 routes are public and which need sign-in', async () => {
  const { app } = await startTestApp();
  const served = app.routeTable.filter((r) => r.url.startsWith('/api/v1/'));
  const fill = (url: string) =>
    url
      .replace(':year', '2026')
      .replace(':form', '01')
      .replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');

  test('the table lists exactly the routes the server serves, with their access', () => {
    const key = (m: string, u: string) => `${m} ${u}`;
    expect(served.map((r) => key(r.method, r.url)).sort()).toEqual(API_ROUTES.map(([m, u]) => key(m, u)).sort());
    for (const [method, url, who] of API_ROUTES) {
      const r = served.find((x) => x.method === method && x.url === url)!;
      expect(notation(r.access), `${method} ${url}`).toBe(who);
    }
  });

  test.each(API_ROUTES)('%s %s without a session: %s', async (method, url, who) => {
    const res = await app.inject({
      method: method as 'GET',
      url: fill(url),
      headers: { 'content-type': 'application/json' },
      ...(method === 'GET' || method === 'DELETE' ? {} : { payload: '{}' }),
    });
    const label = `${method} ${url} → ${res.statusCode} ${res.body.slice(0, 200)}`;
    if (who === 'public') {
      // Public: the route answers on its merits (200, 400 for the empty body, 404 for the made-up id…).
      expect([401, 403], label).not.toContain(res.statusCode);
      expect(res.statusCode, label).toBeLessThan(500);
    } else {
      expect(res.statusCode, label).toBe(401);
      expect(res.headers['content-type'], label).toContain('application/problem+json');
      expect(res.json().code, label).toBe('unauthenticated');
    }
  });
});

// ---------------------------------------------------------------------------------------------
// (b) Dossier commands: who may issue which, in each situation

/**
 * The dossier of the tables: a division (DIV) appraises, consulting the applicant's ward (WARD);
 * the department's leader (DEPT, above DIV) approves and confirms the result; the one-stop unit
 * (ONESTOP) receives and returns. 10 working days.
 */
const WORKFLOW: WorkflowDefinition = {
  schemaVersion: 1,
  steps: [
    {
      id: 'thu_ly',
      name_vi: 'Thụ lý, thẩm định',
      agency: { kind: 'fixed', agencyCode: 'DIV' },
      role: 'officer',
      allotment: { days: 7 },
      actions: ['forward', 'consult', 'request_supplement', 'refuse', 'send_back'],
      consultations: [
        { id: 'xa', name_vi: 'Xác minh tại UBND xã', agency: { kind: 'applicant_commune' }, allotment: { days: 2 } },
      ],
    },
    {
      id: 'phe_duyet',
      name_vi: 'Lãnh đạo phê duyệt',
      agency: { kind: 'fixed', agencyCode: 'DEPT' },
      role: 'leader',
      allotment: { days: 2 },
      actions: ['approve', 'sign', 'send_back', 'refuse'],
      final: true,
    },
  ],
};

const ACTORS = {
  receptionist: { userId: 'r1', roles: ['receptionist'], agencyCode: 'ONESTOP' },
  officer: { userId: 'o1', roles: ['officer'], agencyCode: 'DIV' },
  leader: { userId: 'l1', roles: ['leader'], agencyCode: 'DEPT', ledAgencyCodes: ['DIV'] },
  consulted: { userId: 'w1', roles: ['officer'], agencyCode: 'WARD' },
  applicant: { userId: 'c1', roles: ['applicant'], agencyCode: null },
} satisfies Record<string, DossierActor>;
type Role = keyof typeof ACTORS;
const ROLES = Object.keys(ACTORS) as Role[];

const calendar = createWorkCalendar();
/** Mon 02/03/2026 08:00 in Hà Nội (UTC+7). */
const T0 = Date.UTC(2026, 2, 2, 1, 0);
const MINUTE = 60_000;
const DAY = 86_400_000;
const RESULT = { attachmentId: 'kq-1', sha256: 'a'.repeat(64) };

/** Every command but `submit`, with the smallest valid payload. */
const COMMANDS: CommandType[] = [
  'receive',
  'request_supplement',
  'supplement_provided',
  'refuse',
  'claim',
  'assign',
  'forward',
  'send_back',
  'consult',
  'consultation_result',
  'approve',
  'sign',
  'rollback',
  'request_fee',
  'fee_paid',
  'extend',
  'withdraw',
  'stop',
  'finish',
  'return_result',
  'rate',
  'close_incomplete',
];

function payload(type: CommandType, s: DossierState | null): Record<string, unknown> {
  switch (type) {
    case 'request_supplement':
      return { items: ['Bản sao sổ hộ khẩu'] };
    case 'refuse':
      return { reasons: ['Không thuộc thẩm quyền'] };
    case 'assign':
      return { main: 'o1' };
    case 'send_back':
      return { toStep: 'thu_ly' };
    case 'consult':
      return { targets: [{ consultationId: 'xa' }] };
    case 'consultation_result':
      return { consultationId: 'xa', outcome: 'agreed' };
    case 'request_fee':
      return { stage: 'full', amount: 50_000 };
    case 'extend':
      return { newDue: (s?.due ?? T0) + 5 * DAY, reason: 'Cần xác minh thêm' };
    case 'stop':
      return { reason: 'Công dân đề nghị dừng' };
    case 'return_result':
      return { method: 'counter' };
    case 'rate':
      return { scores: { time_vs_limit: 2 } };
    default:
      return {};
  }
}

const CONTEXT: DecideContext = { workflow: WORKFLOW, legalLimit: { days: 10 }, calendar, resultFile: RESULT };

type Step = [Role, CommandType, Record<string, unknown>?];

/** Build a situation by real commands, each by the person whose job it is. */
function situation(steps: Step[]): { state: DossierState; now: number } {
  let state: DossierState | null = null;
  let now = T0;
  const submit = {
    type: 'submit',
    actor: ACTORS.applicant,
    now,
    dossierId: 'D1',
    applicantId: 'c1',
    channel: 'online',
    receivingAgencyCode: 'ONESTOP',
    applicantCommuneCode: 'WARD',
  } as Command;
  for (const [role, type, extra] of [['applicant', 'submit'] as Step, ...steps]) {
    const command =
      type === 'submit' ? submit : ({ type, actor: ACTORS[role], now, ...payload(type, state), ...extra } as Command);
    const d = decide(state, command, CONTEXT);
    if (!d.ok) throw new Error(`setup: ${role} ${type} refused: ${d.error.code}`);
    state = d.events.reduce<DossierState | null>(evolve, state);
    now += MINUTE;
  }
  return { state: state!, now };
}

const toThuLy: Step[] = [
  ['receptionist', 'receive'],
  ['receptionist', 'forward'],
];
const claimed: Step[] = [...toThuLy, ['officer', 'claim']];
const atPheDuyet: Step[] = [...claimed, ['officer', 'forward']];
const finished: Step[] = [...atPheDuyet, ['leader', 'approve'], ['leader', 'sign'], ['leader', 'finish']];

/**
 * The expected table, by hand. Each row: a situation and, for each person, the commands they may
 * issue there (every other command must be refused). Why, in short:
 * - reception is the one-stop unit's (Decree 118/2025 art. 17–18): receive, ask for a supplement
 *   once, refuse, transfer; the receptionist may also ask for fees, apologise and extend once
 *   (art. 19(6)) and stop on the applicant's request (art. 21), and returns the result (art. 22);
 * - a step is worked by its main handler (the officer who claimed it) or its agency's leader;
 *   a leader may assign; nobody claims a step of another role or agency;
 * - only the consulted agency answers a consultation — not the officer who asked, nor her leader;
 * - approval needs the result document; the confirmation needs the approval; finishing needs both;
 * - only the last actor may roll back their own forward or finish;
 * - the applicant withdraws before the result, pays, supplements, and rates once after the return.
 */
const TABLE: { name: string; steps: Step[]; at?: number; may: Record<Role, CommandType[]> }[] = [
  {
    name: 'submitted (online, waiting at the one-stop unit)',
    steps: [],
    may: {
      receptionist: ['receive', 'request_supplement', 'refuse'],
      officer: [],
      leader: [],
      consulted: [],
      applicant: ['withdraw'],
    },
  },
  {
    name: 'received (receipt issued, not yet transferred)',
    steps: [['receptionist', 'receive']],
    may: {
      receptionist: ['forward', 'request_fee', 'stop'],
      officer: [],
      leader: [],
      consulted: [],
      applicant: ['withdraw'],
    },
  },
  {
    name: 'processing at the division, unclaimed',
    steps: toThuLy,
    may: {
      // The transfer was the receptionist's, and is still the last action: she may take it back.
      receptionist: ['rollback', 'request_fee', 'extend', 'stop'],
      officer: ['claim'],
      leader: ['request_supplement', 'refuse', 'assign', 'forward', 'consult', 'extend', 'stop'],
      consulted: [],
      applicant: ['withdraw'],
    },
  },
  {
    name: 'processing at the division, claimed by the officer',
    steps: claimed,
    may: {
      receptionist: ['request_fee', 'extend', 'stop'],
      officer: ['request_supplement', 'refuse', 'forward', 'consult', 'request_fee'],
      leader: ['request_supplement', 'refuse', 'assign', 'forward', 'consult', 'extend', 'stop'],
      consulted: [],
      applicant: ['withdraw'],
    },
  },
  {
    name: 'processing at the division, the ward consulted',
    steps: [...claimed, ['officer', 'consult']],
    may: {
      receptionist: ['request_fee', 'extend', 'stop'],
      officer: ['request_supplement', 'request_fee'],
      leader: ['request_supplement', 'assign', 'extend', 'stop'],
      consulted: ['consultation_result'],
      applicant: ['withdraw'],
    },
  },
  {
    name: "processing at the leader's step, result file attached",
    steps: atPheDuyet,
    may: {
      receptionist: ['request_fee', 'extend', 'stop'],
      officer: ['rollback'],
      leader: ['refuse', 'claim', 'assign', 'send_back', 'approve', 'extend', 'stop'],
      consulted: [],
      applicant: ['withdraw'],
    },
  },
  {
    name: "processing at the leader's step, approved",
    steps: [...atPheDuyet, ['leader', 'approve']],
    may: {
      receptionist: ['request_fee', 'extend', 'stop'],
      officer: [],
      leader: ['refuse', 'claim', 'assign', 'send_back', 'sign', 'extend', 'stop'],
      consulted: [],
      applicant: ['withdraw'],
    },
  },
  {
    name: "processing at the leader's step, approved and confirmed",
    steps: [...atPheDuyet, ['leader', 'approve'], ['leader', 'sign']],
    may: {
      receptionist: ['request_fee', 'extend', 'stop'],
      officer: [],
      leader: ['refuse', 'claim', 'assign', 'send_back', 'extend', 'stop', 'finish'],
      consulted: [],
      applicant: ['withdraw'],
    },
  },
  {
    name: 'supplement requested during processing',
    steps: [...claimed, ['officer', 'request_supplement']],
    may: {
      receptionist: ['supplement_provided', 'stop'],
      officer: [],
      leader: ['stop'],
      consulted: [],
      applicant: ['supplement_provided', 'withdraw'],
    },
  },
  {
    name: 'supplement requested, 16 days without it (art. 19(5))',
    steps: [...claimed, ['officer', 'request_supplement']],
    at: 16 * DAY,
    may: {
      receptionist: ['supplement_provided', 'stop', 'close_incomplete'],
      officer: [],
      leader: ['stop'],
      consulted: [],
      applicant: ['supplement_provided', 'withdraw'],
    },
  },
  {
    name: 'fee requested',
    steps: [...claimed, ['officer', 'request_fee']],
    may: {
      receptionist: ['fee_paid', 'stop'],
      officer: [],
      leader: ['stop'],
      consulted: [],
      applicant: ['fee_paid', 'withdraw'],
    },
  },
  {
    name: 'withdrawal requested by the applicant',
    steps: [...claimed, ['applicant', 'withdraw']],
    may: { receptionist: ['stop'], officer: [], leader: ['stop'], consulted: [], applicant: [] },
  },
  {
    name: 'result ready',
    steps: finished,
    may: {
      receptionist: ['request_fee', 'return_result'],
      officer: [],
      leader: ['rollback'],
      consulted: [],
      applicant: [],
    },
  },
  {
    name: 'returned',
    steps: [...finished, ['receptionist', 'return_result']],
    may: { receptionist: [], officer: [], leader: [], consulted: [], applicant: ['rate'] },
  },
  {
    name: 'returned and rated',
    steps: [...finished, ['receptionist', 'return_result'], ['applicant', 'rate']],
    may: { receptionist: [], officer: [], leader: [], consulted: [], applicant: [] },
  },
  {
    name: 'refused at reception',
    steps: [['receptionist', 'refuse']],
    may: { receptionist: [], officer: [], leader: [], consulted: [], applicant: [] },
  },
  {
    name: 'stopped',
    steps: [...claimed, ['applicant', 'withdraw'], ['receptionist', 'stop']],
    may: { receptionist: [], officer: [], leader: [], consulted: [], applicant: [] },
  },
  {
    name: 'closed (withdrawn before receipt)',
    steps: [['applicant', 'withdraw']],
    may: { receptionist: [], officer: [], leader: [], consulted: [], applicant: [] },
  },
];

describe('(b) which dossier commands each person may issue, by situation (core decide)', () => {
  test.each(TABLE)('$name', ({ steps, at, may }) => {
    const { state, now } = situation(steps);
    const when = now + (at ?? 0);
    const actual = Object.fromEntries(
      ROLES.map((role) => [
        role,
        COMMANDS.filter((type) => {
          const command = { type, actor: ACTORS[role], now: when, ...payload(type, state) } as Command;
          return decide(state, command, CONTEXT).ok;
        }),
      ]),
    );
    const sorted = (m: Record<Role, CommandType[]>) => Object.fromEntries(ROLES.map((r) => [r, [...m[r]].sort()]));
    expect(sorted(actual as Record<Role, CommandType[]>)).toEqual(sorted(may));
  });

  test('without a result file nobody approves or confirms at the final step', () => {
    const { state, now } = situation(atPheDuyet);
    const bare: DecideContext = { ...CONTEXT, resultFile: null };
    for (const type of ['approve', 'sign'] as const) {
      const d = decide(state, { type, actor: ACTORS.leader, now } as Command, bare);
      expect(d.ok).toBe(false);
      if (!d.ok) expect(d.error.code).toBe('result_file_missing');
    }
  });
});

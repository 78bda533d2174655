/**
 * Seed generator: N dossiers with realistic histories, for the queue and command benchmarks.
 *
 *   node bench/seed-dossiers.ts --db postgres://postgres@127.0.0.1:5432/motcua_bench --count 1000000
 *
 * On a migrated and demo-seeded database (both done here when missing) it adds generated officers
 * (officers and a leader per commune and per department division, receptionists per one-stop
 * unit) and applicant accounts, then N dossiers submitted over the last ~12 months. Every history
 * is produced by the pure state machine of packages/core (decide + evolve, with the province's
 * WorkCalendar), in submission order, and bulk-loaded with multi-row INSERT … SELECT FROM
 * jsonb_to_recordset in batches into dossiers, dossier_events, dossier_agencies and
 * dossier_consultations; codes follow the default pattern with per-day counters, and
 * dossier_code_counters is set accordingly at the end. A dossier row's state columns are the
 * server's own `projection` (dossier.store.ts) after each command, as submission and commands
 * write them; times are whole milliseconds, as the server's clock gives them.
 *
 * Not written for the bulk seed: audit_log and outbox rows (queues and lookups do not read them),
 * idempotency keys. The loader's sessions skip foreign-key triggers (session_replication_role =
 * replica; the data is consistent by construction and checked at the end unless --no-verify) and
 * commit asynchronously; on an empty dossiers table the indexes maintained row by row (secondary
 * indexes, and primary-key/unique constraints no foreign key depends on) are dropped during the load
 * and rebuilt from their exact definitions afterwards (a crash in between is repaired on the next
 * run from the saved definitions, table bench_seed_dropped).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type Command,
  DEFAULT_DOSSIER_CODE_PATTERN,
  type DecideContext,
  type DossierActor,
  type DossierEvent,
  type DossierState,
  decide,
  evolve,
  generateLookupSecret,
  LOCAL_OFFSET_MS,
  localDateOf,
  parsePattern,
  replay,
  type TimeLimit,
  type WorkCalendar,
  type WorkflowStep,
} from '@motcua/core';
import pg from 'pg';
import { createDb, migrateToLatest } from '../packages/server/src/db/database.ts';
import { calendarFor, type LegalLimit } from '../packages/server/src/modules/dossiers/dossier.decide.ts';
import { type Applicant, projection } from '../packages/server/src/modules/dossiers/dossier.store.ts';
import { seedDemo } from '../packages/server/src/seed/seed.ts';
import { canonicalJson } from '../packages/server/src/shared/hash-chain.ts';
import {
  between,
  ensureDatabase,
  fmt,
  log,
  numOpt,
  opt,
  parseArgs,
  pick,
  prng,
  type Rng,
  weighted,
} from './lib/common.ts';
import { address, companyName, personName, phone } from './lib/names.ts';
import {
  type AgencyInfo,
  type ApplicantInfo,
  loadWorld,
  type OfficerInfo,
  type ProcedureInfo,
  receptionUnitOf,
  type World,
} from './lib/world.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const SYSTEM_NAME = 'Hệ thống / System';

// ------------------------------------------------------------------------------------------
// People: generated officers and applicant accounts (idempotent)

type NewOfficer = { username: string; full_name: string; email: string; agency_id: string; role: string };

async function ensureBenchPeople(c: pg.Client, world: World, applicants: number, rng: Rng): Promise<void> {
  const officers: NewOfficer[] = [];
  const add = (a: AgencyInfo, role: string, tag: string, n: number) => {
    for (let i = 1; i <= n; i++) {
      const username = `bench.${tag}.${a.code.toLowerCase()}.${i}`;
      officers.push({
        username,
        full_name: personName(rng),
        email: `${username}@bench.motcua.vn`,
        agency_id: a.id,
        role,
      });
    }
  };
  for (const a of world.agencies) {
    const parent = a.parentId ? world.byId.get(a.parentId) : undefined;
    if (a.level === 'commune' || a.level === 'province') {
      add(a, 'officer', 'cv', 5);
      add(a, 'leader', 'ld', 1);
    } else if (a.level === 'department') {
      add(a, 'leader', 'ld', 1);
    } else if (a.level === 'unit' && a.receivesDossiers) {
      add(a, 'receptionist', 'tn', parent?.level === 'center' ? 6 : 2);
    } else if (a.level === 'unit' && parent?.level === 'department') {
      add(a, 'officer', 'cv', 5);
      add(a, 'leader', 'ld', 1);
    }
  }
  const hash = await c.query<{ h: string }>(`SELECT password_hash AS h FROM users WHERE username = 'admin'`);
  const passwordHash = hash.rows[0]?.h ?? 'x';
  await c.query(
    `WITH src AS (SELECT * FROM json_to_recordset($1::json)
                    AS t(username text, full_name text, email text, agency_id uuid, role text)),
          ins AS (INSERT INTO users (kind, username, full_name, email, agency_id, password_hash)
                  SELECT 'officer', username, full_name, email, agency_id, $2 FROM src
                  ON CONFLICT (lower(username)) DO NOTHING RETURNING id, username)
     INSERT INTO user_roles (user_id, role) SELECT ins.id, src.role FROM ins JOIN src USING (username)`,
    [JSON.stringify(officers), passwordHash],
  );
  // Applicant accounts: citizens (personal id 04819xxxxxxx) and some organizations (tax code 04019xxxxx).
  const orgs = Math.round(applicants * 0.05);
  const people: Record<string, unknown>[] = [];
  for (let i = 0; i < applicants; i++) {
    const org = i < orgs;
    const idNumber = org ? `04019${String(i).padStart(5, '0')}` : `04819${String(i).padStart(7, '0')}`;
    people.push({
      username: idNumber,
      full_name: org ? companyName(rng) : personName(rng),
      phone: phone(rng),
      email: `u${idNumber}@example.vn`,
      applicant_type: org ? 'organization' : 'citizen',
      personal_id: org ? null : idNumber,
      tax_code: org ? idNumber : null,
    });
  }
  for (let i = 0; i < people.length; i += 20_000) {
    await c.query(
      `INSERT INTO users (kind, username, full_name, phone, email, applicant_type, personal_id, tax_code, password_hash)
       SELECT 'applicant', username, full_name, phone, email, applicant_type, personal_id, tax_code, $2
       FROM json_to_recordset($1::json) AS t(username text, full_name text, phone text, email text,
         applicant_type text, personal_id text, tax_code text)
       ON CONFLICT (lower(username)) DO NOTHING`,
      [JSON.stringify(people.slice(i, i + 20_000)), passwordHash],
    );
  }
}

// ------------------------------------------------------------------------------------------
// Simulation of one dossier with the pure state machine

type Who = { kind: 'officer'; o: OfficerInfo } | { kind: 'applicant'; a: ApplicantInfo } | { kind: 'system' };

type EventRow = {
  d: string;
  v: number;
  ty: string;
  at: number;
  u: string | null;
  n: string | null;
  ag: string | null;
  st: string | null;
  sa: string;
  no: string | null;
  ev: DossierEvent;
};

type ConsultationRow = {
  d: string;
  cid: string;
  st: string;
  ag: string;
  op: number;
  due: number | null;
  cl: number | null;
  oc: string | null;
};

/** Stops the simulation when the next action would happen after the horizon ("now"). */
class Horizon extends Error {}

type Env = {
  world: World;
  /** Agency id by code: what the engine resolves the agencies of a command's events with. */
  agencyIds: Map<string, string>;
  calendar: WorkCalendar;
  now: number;
  rng: Rng;
};

type Submission = {
  id: string;
  proc: ProcedureInfo;
  channel: 'online' | 'counter' | 'postal';
  at: number;
  authority: AgencyInfo;
  receiving: AgencyInfo;
  residence: AgencyInfo | null;
  applicant: Applicant;
  account: ApplicantInfo | null;
};

class Sim {
  state: DossierState | null = null;
  readonly events: EventRow[] = [];
  readonly consultations: ConsultationRow[] = [];
  readonly touched = new Set<string>();
  /**
   * The dossier row's state columns as the product writes them: the server's `projection` after
   * every command (submission included), later commands overwriting earlier ones — some columns
   * (`step_entered_at`, `finished_at`) are only written by the command that moves them.
   */
  columns: Partial<ReturnType<typeof projection>> = {};
  t: number;
  readonly ctx: DecideContext;
  readonly env: Env;
  readonly sub: Submission;

  constructor(env: Env, sub: Submission) {
    this.env = env;
    this.sub = sub;
    this.t = sub.at;
    this.ctx = {
      workflow: sub.proc.workflow,
      legalLimit: workingLimit(sub.proc.limit),
      calendar: env.calendar,
      formData: {},
      // Approval and confirmation need a result file (issue 13); the generated history names one
      // (no attachment row is written for it: the seed is for load, not for reading files).
      resultFile: { attachmentId: `${sub.id}-result`, sha256: '0'.repeat(64) },
    };
    this.touched.add(sub.receiving.id);
    this.touched.add(sub.authority.id);
  }

  /** Issue a command at `at` (must not be earlier than the last event). */
  act(who: Who, at: number, body: Record<string, unknown> & { type: string }): void {
    // Whole milliseconds, as the server's clock gives them (and the rows store).
    at = Math.floor(at);
    if (at > this.env.now) throw new Horizon();
    if (at < this.t) at = this.t;
    this.t = at;
    const actor: DossierActor =
      who.kind === 'officer'
        ? { userId: who.o.id, roles: who.o.roles, agencyCode: who.o.agency.code }
        : who.kind === 'applicant'
          ? { userId: who.a.id, roles: ['applicant'], agencyCode: null }
          : { userId: 'system', roles: ['system'], agencyCode: null };
    const command = { ...body, actor, now: at } as unknown as Command;
    const decision = decide(this.state, command, this.ctx);
    if (!decision.ok) {
      throw new Error(
        `generator bug: ${body.type} refused (${decision.error.code} ${decision.error.message_en}) at ${this.state?.status}`,
      );
    }
    const before = this.state?.status ?? null;
    for (const event of decision.events) this.record(who, event);
    // As dossier.submit.ts / dossier.execute.ts: one projection per command, with its last event.
    const last = decision.events[decision.events.length - 1]!;
    Object.assign(this.columns, projection(this.s, this.sub.proc.workflow, this.env.agencyIds, last, before));
  }

  record(who: Who, event: DossierEvent): void {
    const prev = this.state;
    const state = evolve(prev, event);
    this.state = state;
    const w = this.env.world;
    this.events.push({
      d: this.sub.id,
      v: event.version,
      ty: event.type,
      at: event.at,
      u: who.kind === 'system' ? null : event.actorId,
      n: who.kind === 'officer' ? who.o.fullName : who.kind === 'applicant' ? who.a.fullName : SYSTEM_NAME,
      ag: who.kind === 'officer' ? who.o.agency.id : null,
      st: prev?.currentStep ?? state.currentStep,
      sa: state.status,
      no: event.note ?? null,
      ev: event,
    });
    if (prev !== null && state.stepAgencyCode !== null) {
      const a = w.byCode.get(state.stepAgencyCode);
      if (a) this.touched.add(a.id);
    }
    if (event.type === 'consultation_opened') {
      for (const c of event.consultations) {
        const a = w.byCode.get(c.agencyCode);
        if (!a) continue;
        this.touched.add(a.id);
        this.consultations.push({
          d: this.sub.id,
          cid: c.consultationId,
          st: state.currentStep ?? '',
          ag: a.id,
          op: event.at,
          due: c.due,
          cl: null,
          oc: null,
        });
      }
    }
    if (event.type === 'consultation_closed') {
      const open = this.consultations.find((c) => c.cid === event.consultationId && c.cl === null);
      if (open) {
        open.cl = event.at;
        open.oc = event.outcome;
      }
    }
  }

  get s(): DossierState {
    return this.state!;
  }
}

function workingLimit(l: LegalLimit): TimeLimit | null {
  return l !== null && !('calendarDays' in l) ? l : null;
}

// ------------------------------------------------------------------------------------------
// The story of a dossier: what happens, when, and who does it

/** Work duration of a step as a fraction of its allotment: mostly on time, some late, a few stuck. */
function workFraction(rng: Rng, lateP: number, stuckP: number): number {
  const x = rng();
  if (x < stuckP) return between(rng, 4, 40);
  if (x < stuckP + lateP) return between(rng, 1.0, 2.2);
  return 0.08 + 0.8 * rng() ** 1.4;
}

function officerPick(rng: Rng, list: OfficerInfo[]): OfficerInfo {
  // Work is uneven: the first officers of a unit get more of it.
  const i = Math.floor(list.length * rng() ** 1.6);
  return list[Math.min(i, list.length - 1)]!;
}

function simulate(env: Env, sub: Submission): Sim {
  const sim = new Sim(env, sub);
  try {
    story(env, sim);
  } catch (e) {
    if (!(e instanceof Horizon)) throw e;
  }
  return sim;
}

function story(env: Env, sim: Sim): void {
  const { world, calendar, rng } = env;
  const sub = sim.sub;
  const wf = sub.proc.workflow;
  const counterClerks = world.officers(sub.receiving.id, 'receptionist');
  const clerk = (): Who => ({ kind: 'officer', o: pick(rng, counterClerks) });
  const owner: Who | null = sub.account ? { kind: 'applicant', a: sub.account } : null;
  const later = (workingMs: number) => calendar.addWorkingMs(sim.t, Math.max(60_000, workingMs)).getTime();
  const limit = sub.proc.limit;
  const calDue = (from: number) =>
    limit !== null && 'calendarDays' in limit
      ? calendar.clockStart(from).getTime() + limit.calendarDays * DAY
      : undefined;
  const receiveBody = (at: number) => {
    const due = calDue(at);
    return due === undefined ? { type: 'receive' } : { type: 'receive', due };
  };

  // Submission (and, at the counter or by post, receipt on the spot).
  const desk: Who = sub.channel === 'online' ? owner! : clerk();
  sim.act(desk, sub.at, {
    type: 'submit',
    dossierId: sub.id,
    applicantId: sub.account?.id ?? `walk-in:${sub.id}`,
    channel: sub.channel,
    receivingAgencyCode: sub.receiving.code,
    receivingAuthorityCode: sub.authority.code,
    applicantCommuneCode: sub.residence?.code ?? null,
  });
  if (sub.channel !== 'online') {
    sim.act(desk, sub.at, receiveBody(sub.at));
  } else {
    // Online: the one-stop unit checks it within the day (usually).
    let t = calendar.addWorkingMs(sub.at, between(rng, 0.1, 1) * between(rng, 0.5, 8) * HOUR).getTime();
    const x = rng();
    if (x < 0.02) {
      sim.act(clerk(), t, { type: 'refuse', reasons: ['Hồ sơ không thuộc thẩm quyền giải quyết'] });
      return;
    }
    if (x < 0.024) {
      sim.act(owner!, sub.at + between(rng, 0.1, 20) * HOUR, { type: 'withdraw', reason: 'Nộp nhầm thủ tục' });
      return;
    }
    if (x < 0.064) {
      sim.act(clerk(), t, { type: 'request_supplement', items: ['Bản sao giấy tờ tùy thân có chứng thực'] });
      const requested = sim.t;
      if (rng() < 0.85) {
        sim.act(owner!, requested + between(rng, 0.3, 7) * DAY, { type: 'supplement_provided' });
        t = later(between(rng, 0.2, 6) * HOUR);
      } else {
        sim.act({ kind: 'system' }, requested + 15 * DAY + between(rng, 1, 20) * HOUR, { type: 'close_incomplete' });
        return;
      }
    }
    sim.act(clerk(), t, receiveBody(t));
  }

  // Transfer to the first step.
  let stepIndex = 0;
  let assignee: OfficerInfo | null = null;
  {
    const step = wf.steps[0]!;
    const code = stepAgencyCode(sim, step);
    const pool = world.officers(world.byCode.get(code)!.id, step.role as 'officer');
    const pre = rng() < 0.15 && pool.length > 0 ? officerPick(rng, pool) : null;
    sim.act(clerk(), later(between(rng, 0.1, 4) * HOUR), {
      type: 'forward',
      ...(pre ? { assignee: pre.id } : {}),
    });
    assignee = pre;
  }

  let sentBack = false;
  for (;;) {
    const step = wf.steps[stepIndex]!;
    const agency = world.byCode.get(sim.s.stepAgencyCode!)!;
    const allot = calendar.limitMs(step.allotment);
    const leaders = world.officers(agency.id, 'leader');
    const pool = world.officers(agency.id, step.role as 'officer');
    const leaderStep = step.role === 'leader';
    let main: OfficerInfo;
    if (assignee) {
      main = assignee;
    } else if (leaderStep) {
      main = officerPick(rng, leaders);
      if (rng() < 0.4) sim.act({ kind: 'officer', o: main }, later(between(rng, 0.02, 0.2) * allot), { type: 'claim' });
    } else if (rng() < 0.1 && leaders.length > 0 && pool.length > 1) {
      // The unit's leader assigns a main handler and a coordinator.
      main = officerPick(rng, pool);
      const other = pool.find((o) => o.id !== main.id)!;
      sim.act({ kind: 'officer', o: pick(rng, leaders) }, later(between(rng, 0.05, 0.3) * allot), {
        type: 'assign',
        main: main.id,
        coordinators: rng() < 0.6 ? [other.id] : [],
      });
    } else {
      main = officerPick(rng, pool);
      sim.act({ kind: 'officer', o: main }, later(between(rng, 0.02, 0.3) * allot), { type: 'claim' });
    }
    assignee = null;
    const me: Who = { kind: 'officer', o: main };
    const fraction = leaderStep ? workFraction(rng, 0.04, 0.002) : workFraction(rng, 0.08, 0.006);
    const workMs = fraction * allot;

    if (!leaderStep) {
      // Inter-agency consultation (the land procedure): the commune of residence answers.
      for (const c of step.consultations ?? []) {
        sim.act(me, later(0.1 * workMs), { type: 'consult', targets: [{ consultationId: c.id }] });
        const open = sim.s.consultations.find((o) => o.consultationId === c.id)!;
        const communeOfficers = world.officers(world.byCode.get(open.agencyCode)!.id, 'officer');
        const answerMs = calendar.limitMs(c.allotment) * workFraction(rng, 0.1, 0.01);
        sim.act({ kind: 'officer', o: officerPick(rng, communeOfficers) }, later(answerMs), {
          type: 'consultation_result',
          consultationId: c.id,
          outcome: rng() < 0.95 ? 'agreed' : 'answered',
        });
      }
      const x = rng();
      if (x < 0.03 && sim.s.supplementCount === 0 && step.actions.includes('request_supplement')) {
        sim.act(me, later(between(rng, 0.1, 0.5) * workMs), {
          type: 'request_supplement',
          items: ['Bổ sung bản vẽ, giấy tờ chứng minh'],
        });
        const requested = sim.t;
        if (rng() < 0.88) {
          const provider = owner ?? clerk();
          const at = requested + between(rng, 0.5, 12) * DAY;
          const due = calDue(at);
          sim.act(provider, at, { type: 'supplement_provided', ...(due === undefined ? {} : { due }) });
        } else {
          sim.act({ kind: 'system' }, requested + 15 * DAY + between(rng, 1, 20) * HOUR, { type: 'close_incomplete' });
          return;
        }
      } else if (x < 0.05 && step.actions.includes('refuse')) {
        sim.act(me, later(between(rng, 0.2, 0.9) * workMs), {
          type: 'refuse',
          reasons: ['Không đủ điều kiện theo quy định'],
        });
        returnResult();
        return;
      } else if (x < 0.053 && owner) {
        sim.act(owner, sim.t + between(rng, 0.2, 3) * DAY, { type: 'withdraw', reason: 'Không còn nhu cầu' });
        sim.act(clerk(), later(between(rng, 0.3, 2) * 7.5 * HOUR), { type: 'stop', reason: 'Công dân rút hồ sơ' });
        return;
      }
    }

    if (leaderStep) {
      // The head reads it; sometimes sends it back for another look.
      if (!sentBack && rng() < 0.02 && step.actions.includes('send_back')) {
        const back = wf.steps[0]!;
        const prevMain = sim.events.find((e) => e.ty === 'claimed' || e.ty === 'assigned');
        const backAgency = world.byCode.get(stepAgencyCode(sim, back))!;
        const backPool = world.officers(backAgency.id, back.role as 'officer');
        const to = backPool.find((o) => o.id === prevMain?.u) ?? officerPick(rng, backPool);
        sim.act(me, later(between(rng, 0.1, 0.6) * workMs), { type: 'send_back', toStep: back.id, assignee: to.id });
        sentBack = true;
        // The returned step is redone quickly and forwarded again.
        const redo = calendar.limitMs(back.allotment) * between(rng, 0.05, 0.3);
        sim.act({ kind: 'officer', o: to }, later(redo), { type: 'forward' });
        stepIndex = wf.steps.findIndex((s) => s.id === sim.s.currentStep);
        assignee = null;
        continue;
      }
      if (step.actions.includes('approve')) sim.act(me, later(workMs), { type: 'approve' });
      if (step.actions.includes('sign')) sim.act(me, later(between(rng, 5, 60) * 60_000), { type: 'sign' });
    }
    if (step.final) {
      sim.act(me, later(leaderStep ? between(rng, 1, 20) * 60_000 : workMs), { type: 'finish' });
      break;
    }
    sim.act(me, later(workMs), { type: 'forward' });
    stepIndex = wf.steps.findIndex((s) => s.id === sim.s.currentStep);
  }
  returnResult();

  function returnResult(): void {
    // The applicant collects the result (some take weeks).
    const wait = rng() < 0.03 ? between(rng, 10, 60) * 7.5 * HOUR : between(rng, 0.2, 20) * HOUR;
    const method = sub.channel === 'postal' ? 'post' : sub.channel === 'online' && rng() < 0.5 ? 'online' : 'counter';
    sim.act(clerk(), later(wait), { type: 'return_result', method });
    if (owner && rng() < 0.25) {
      sim.act(owner, sim.t + between(rng, 0.05, 5) * DAY, {
        type: 'rate',
        scores: { time_vs_limit: rng() < 0.9 ? 2 : 1, staff_attitude: rng() < 0.85 ? 2 : 1 },
      });
    }
  }
}

function stepAgencyCode(sim: Sim, step: WorkflowStep): string {
  const ref = step.agency;
  switch (ref.kind) {
    case 'fixed':
      return ref.agencyCode;
    case 'receiving':
      return sim.sub.receiving.code;
    case 'receiving_authority':
      return sim.sub.authority.code;
    case 'applicant_commune':
      return sim.sub.residence!.code;
  }
}

// ------------------------------------------------------------------------------------------
// Rows

/**
 * A dossier row as JSON: what submission writes besides the state columns, and the projection
 * (Sim.columns). The projection's `state` is JSON text already: it is spliced in as it is (parsing
 * it back, or loading it as a string to parse in SQL, would cost the load a third of its speed).
 */
function dossierRow(sim: Sim, code: string, secret: string): string {
  const sub = sim.sub;
  const { state, ...columns } = sim.columns;
  const row = JSON.stringify({
    id: sub.id,
    code,
    lookup_secret: secret,
    procedure_id: sub.proc.procedureId,
    procedure_version_id: sub.proc.versionId,
    legal_limit: sub.proc.limit,
    channel: sub.channel,
    applicant_user_id: sub.account?.id ?? null,
    applicant: sub.applicant,
    applicant_name: sub.applicant.name,
    applicant_id_number: sub.applicant.idNumber,
    applicant_phone: sub.applicant.phone,
    receiving_agency_id: sub.receiving.id,
    submitted_at: new Date(sub.at),
    ...columns,
  });
  return `${row.slice(0, -1)},"state":${state!}}`;
}

/**
 * The columns of a dossier row as dossierRow names them, with their types (jsonb_to_recordset).
 * A column the projection did not write (an absent key) is NULL.
 */
const DOSSIER_COLUMNS: [string, string][] = [
  ['id', 'uuid'],
  ['code', 'text'],
  ['lookup_secret', 'text'],
  ['procedure_id', 'uuid'],
  ['procedure_version_id', 'uuid'],
  ['legal_limit', 'jsonb'],
  ['channel', 'text'],
  ['applicant_user_id', 'uuid'],
  ['applicant', 'jsonb'],
  ['applicant_name', 'text'],
  ['applicant_id_number', 'text'],
  ['applicant_phone', 'text'],
  ['receiving_agency_id', 'uuid'],
  ['submitted_at', 'timestamptz'],
  ['status', 'text'],
  ['sub_status', 'text'],
  ['flags', 'text[]'],
  ['current_step', 'text'],
  ['step_agency_id', 'uuid'],
  ['step_role', 'text'],
  ['main_assignee_id', 'uuid'],
  ['coordinator_ids', 'uuid[]'],
  ['observer_ids', 'uuid[]'],
  ['step_entered_at', 'timestamptz'],
  ['step_due', 'timestamptz'],
  ['received_at', 'timestamptz'],
  ['clock_start', 'timestamptz'],
  ['due', 'timestamptz'],
  ['original_due', 'timestamptz'],
  ['paused_since', 'timestamptz'],
  ['result_at', 'timestamptz'],
  ['returned_at', 'timestamptz'],
  ['finished_at', 'timestamptz'],
  ['outcome', 'text'],
  ['state', 'jsonb'],
  ['version', 'int'],
  ['updated_at', 'timestamptz'],
];
const INSERT_DOSSIERS = `
INSERT INTO dossiers (${DOSSIER_COLUMNS.map(([c]) => c).join(', ')}, province_id, procedure_name, field_code, workflow,
  created_at, responsible_agency_id)
SELECT ${DOSSIER_COLUMNS.map(([c]) => `t.${c}`).join(', ')}, $2::uuid, v.name, v.field_code, v.wf, t.submitted_at,
  dossier_responsible_agency(v.wf, t.state, t.receiving_agency_id)
FROM jsonb_to_recordset($1::jsonb) AS t(${DOSSIER_COLUMNS.map(([c, type]) => `${c} ${type}`).join(', ')})
JOIN (SELECT id, name, field_code, content->'workflow' AS wf FROM procedure_versions OFFSET 0) v ON v.id = t.procedure_version_id`;

const TS = (c: string) => `CASE WHEN t.${c} IS NULL THEN NULL ELSE to_timestamp(t.${c} / 1000.0) END`;

const INSERT_EVENTS = `
INSERT INTO dossier_events (dossier_id, version, type, at, actor_user_id, actor_name, actor_agency_id, step_id,
  status_after, note, event)
SELECT t.d, t.v, t.ty, to_timestamp(t.at / 1000.0), t.u, t.n, t.ag, t.st, t.sa, t.no, t.ev
FROM jsonb_to_recordset($1::jsonb) AS t(d uuid, v int, ty text, at float8, u uuid, n text, ag uuid, st text, sa text,
  no text, ev jsonb)`;

const INSERT_AGENCIES = `
INSERT INTO dossier_agencies (dossier_id, agency_id)
SELECT t.d, t.a FROM json_to_recordset($1::json) AS t(d uuid, a uuid)`;

const INSERT_CONSULTATIONS = `
INSERT INTO dossier_consultations (dossier_id, consultation_id, step_id, agency_id, opened_at, due, closed_at, outcome)
SELECT t.d, t.cid, t.st, t.ag, to_timestamp(t.op / 1000.0), ${TS('due')}, ${TS('cl')}, t.oc
FROM json_to_recordset($1::json) AS t(d uuid, cid text, st text, ag uuid, op float8, due float8, cl float8, oc text)`;

type Batch = {
  /** JSON objects (dossierRow). */
  dossiers: string[];
  events: EventRow[];
  agencies: { d: string; a: string }[];
  consultations: ConsultationRow[];
};

const emptyBatch = (): Batch => ({ dossiers: [], events: [], agencies: [], consultations: [] });

// ------------------------------------------------------------------------------------------
// Loader: a few connections, one transaction per batch, batches in flight while the next is built

class Loader {
  readonly clients: pg.Client[] = [];
  readonly busy: (Promise<void> | null)[] = [];
  readonly url: string;
  readonly provinceId: string;
  readonly fkChecks: boolean;

  constructor(url: string, provinceId: string, fkChecks: boolean) {
    this.url = url;
    this.provinceId = provinceId;
    this.fkChecks = fkChecks;
  }

  async open(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const c = new pg.Client({ connectionString: this.url, application_name: 'motcua-bench-seed' });
      await c.connect();
      await c.query('SET synchronous_commit = off');
      if (!this.fkChecks) await c.query('SET session_replication_role = replica');
      this.clients.push(c);
      this.busy.push(null);
    }
  }

  async submit(batch: Batch): Promise<void> {
    let i = this.busy.indexOf(null);
    if (i < 0) {
      await Promise.race(this.busy.filter((p): p is Promise<void> => p !== null));
      i = this.busy.indexOf(null);
    }
    const c = this.clients[i]!;
    const p = this.write(c, batch).finally(() => {
      this.busy[i] = null;
    });
    this.busy[i] = p;
    // Surface errors early.
    p.catch(() => undefined);
  }

  async write(c: pg.Client, b: Batch): Promise<void> {
    const t0 = performance.now();
    await c.query('BEGIN');
    await c.query(INSERT_DOSSIERS, [`[${b.dossiers.join(',')}]`, this.provinceId]);
    const t1 = performance.now();
    if (!dossiersOnly) await c.query(INSERT_EVENTS, [JSON.stringify(b.events)]);
    const t2 = performance.now();
    if (!dossiersOnly) await c.query(INSERT_AGENCIES, [JSON.stringify(b.agencies)]);
    if (!dossiersOnly && b.consultations.length) await c.query(INSERT_CONSULTATIONS, [JSON.stringify(b.consultations)]);
    await c.query('COMMIT');
    const t3 = performance.now();
    if (process.env.BENCH_DEBUG) {
      log(`batch: dossiers ${fmt(t1 - t0, 0)} ms, events ${fmt(t2 - t1, 0)} ms, rest ${fmt(t3 - t2, 0)} ms`);
    }
  }

  async drain(): Promise<void> {
    await Promise.all(this.busy.filter((p): p is Promise<void> => p !== null));
  }

  async close(): Promise<void> {
    await this.drain();
    for (const c of this.clients) await c.end();
  }
}

// ------------------------------------------------------------------------------------------
// Secondary indexes: dropped for the load into empty tables, rebuilt from their definitions

const LOADED_TABLES = ['dossiers', 'dossier_events', 'dossier_agencies', 'dossier_consultations'];
/** `--dossiers-only`: the dossiers table alone (the indicator benchmark needs no history). */
let dossiersOnly = false;

async function restoreIndexes(c: pg.Client): Promise<void> {
  const saved = await c.query<{ name: string; tbl: string; kind: string; def: string }>(
    // constraints (primary keys, unique) first, then plain indexes
    `SELECT name, tbl, kind, def FROM bench_seed_dropped ORDER BY kind, name`,
  );
  if (saved.rowCount === 0) return;
  await c.query(`SET maintenance_work_mem = '1GB'`);
  await c.query('SET max_parallel_maintenance_workers = 2');
  for (const r of saved.rows) {
    const t = Date.now();
    if (r.kind === 'constraint') {
      const exists = await c.query('SELECT 1 FROM pg_constraint WHERE conname = $1 AND conrelid = $2::regclass', [
        r.name,
        r.tbl,
      ]);
      if (!exists.rowCount) await c.query(`ALTER TABLE "${r.tbl}" ADD CONSTRAINT "${r.name}" ${r.def}`);
    } else {
      await c.query(r.def.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS '));
    }
    await c.query('DELETE FROM bench_seed_dropped WHERE name = $1', [r.name]);
    log(`  ${r.kind} ${r.name} rebuilt in ${fmt((Date.now() - t) / 1000)} s`);
  }
}

/**
 * Indexes of the loaded tables maintained row by row during the load: plain indexes, and the
 * primary-key and unique constraints no foreign key depends on. Their definitions are saved first.
 */
async function dropIndexesForLoad(c: pg.Client): Promise<number> {
  const r = await c.query<{ name: string; tbl: string; kind: string; def: string }>(
    `SELECT i.relname AS name, t.relname AS tbl, 'index' AS kind, pg_get_indexdef(x.indexrelid) AS def
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class t ON t.oid = x.indrelid
      WHERE t.relname = ANY($1) AND t.relnamespace = 'public'::regnamespace
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
     UNION ALL
     SELECT k.conname, t.relname, 'constraint', pg_get_constraintdef(k.oid)
       FROM pg_constraint k
       JOIN pg_class t ON t.oid = k.conrelid
      WHERE t.relname = ANY($1) AND t.relnamespace = 'public'::regnamespace AND k.contype IN ('p', 'u')
        AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid)`,
    [LOADED_TABLES],
  );
  await c.query('BEGIN');
  for (const row of r.rows) {
    await c.query(
      'INSERT INTO bench_seed_dropped (name, tbl, kind, def) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [row.name, row.tbl, row.kind, row.def],
    );
    if (row.kind === 'constraint') await c.query(`ALTER TABLE "${row.tbl}" DROP CONSTRAINT "${row.name}"`);
    else await c.query(`DROP INDEX "${row.name}"`);
  }
  await c.query('COMMIT');
  return r.rowCount ?? 0;
}

// ------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const args = parseArgs();
  const url = opt(args, 'db', 'BENCH_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/motcua_bench');
  const count = numOpt(args, 'count', 'SEED_COUNT', 1_000_000);
  const batchSize = numOpt(args, 'batch', null, 5000);
  const months = numOpt(args, 'months', null, 12);
  const applicantCount = numOpt(args, 'applicants', null, Math.min(100_000, Math.max(2000, Math.round(count / 10))));
  const connections = numOpt(args, 'connections', null, 2);
  const seed = numOpt(args, 'seed', null, 20261121);
  const fkChecks = args.has('fk-checks');
  dossiersOnly = args.has('dossiers-only');
  const verify = !args.has('no-verify') && !dossiersOnly;
  const rebuild = args.get('rebuild-indexes') ?? 'auto';
  const now = args.has('now') ? Date.parse(args.get('now')!) : Date.now();
  const rng = prng(seed);
  const started = Date.now();

  if (args.has('recreate')) log(`recreating ${url}`);
  const created = await ensureDatabase(url, { recreate: args.has('recreate') });
  if (created) log(`created database ${url}`);
  const db = createDb(url, 4);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const applied = await migrateToLatest(db);
    if (applied.length) log(`migrations: ${applied.join(', ')}`);
    const seeded = await seedDemo(db);
    if (seeded.seeded) log(`demo seed: ${seeded.agencies} agencies, ${seeded.users} users`);
    await admin.query(
      `CREATE TABLE IF NOT EXISTS bench_seed_dropped (
         name text PRIMARY KEY, tbl text NOT NULL, kind text NOT NULL, def text NOT NULL)`,
    );
    await restoreIndexes(admin);

    let world = await loadWorld(db);
    const tPeople = Date.now();
    await ensureBenchPeople(admin, world, applicantCount, rng);
    world = await loadWorld(db);
    log(`officers: ${world.officerByUsername.size}; people ready in ${fmt((Date.now() - tPeople) / 1000)} s`);
    const accounts = await db
      .selectFrom('users')
      .select(['id', 'full_name', 'applicant_type', 'personal_id', 'tax_code', 'phone', 'email'])
      .where('kind', '=', 'applicant')
      .execute();
    const citizens: ApplicantInfo[] = [];
    const organizations: ApplicantInfo[] = [];
    for (const r of accounts) {
      const a: ApplicantInfo = {
        id: r.id,
        fullName: r.full_name,
        kind: r.applicant_type ?? 'citizen',
        idNumber: (r.personal_id ?? r.tax_code)!,
        phone: r.phone,
        email: r.email,
      };
      (a.kind === 'organization' ? organizations : citizens).push(a);
    }
    const calendar = await calendarFor(db, world.province.id);
    const env: Env = { world, agencyIds: new Map(world.agencies.map((a) => [a.code, a.id])), calendar, now, rng };

    // Where dossiers go: communes by a skewed popularity (Hải Châu, the demo ward, first).
    const communes = world.agencies.filter((a) => a.level === 'commune');
    for (let i = communes.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [communes[i], communes[j]] = [communes[j]!, communes[i]!];
    }
    const demoWard = communes.findIndex((c) => c.adminUnitCode === '20242');
    if (demoWard > 0) communes.unshift(...communes.splice(demoWard, 1));
    const communeRank = new Map(communes.map((c, i) => [c.id, i]));
    const pickCommune = weighted(communes, (c) => 1 / (communeRank.get(c.id)! + 1) ** 0.7);
    const FIELD_WEIGHT: Record<string, number> = {
      'CHUNG-THUC': 12,
      'HO-TICH': 4,
      'CAN-CUOC': 8,
      'DAT-DAI': 3,
      'THANH-LAP-VA-HOAT-DONG-CUA-HO-KINH-DOANH': 2,
      'HOAT-DONG-XAY-DUNG': 2,
    };
    const procWeight = (p: ProcedureInfo) =>
      (FIELD_WEIGHT[p.fieldCode] ?? 1) * (p.level === 'commune' ? 1 : 2.5) * (p.name.includes('liên thông') ? 0.3 : 1);
    const procedures = world.procedures;
    const pickAny = weighted(procedures, procWeight);
    const online = procedures.filter((p) => p.channels.includes('online'));
    const pickOnline = weighted(online, procWeight);
    log(
      `${procedures.length} procedures (${online.length} online), ${communes.length} communes, ` +
        `${citizens.length} citizen and ${organizations.length} organization accounts`,
    );

    // Codes: the default pattern, per receiving unit and day, continuing existing counters.
    const pattern = parsePattern(DEFAULT_DOSSIER_CODE_PATTERN);
    const counters = new Map<string, number>();
    for (const r of (
      await admin.query<{ scope_key: string; last_value: number }>(
        'SELECT scope_key, last_value FROM dossier_code_counters WHERE pattern = $1',
        [pattern.source],
      )
    ).rows) {
      counters.set(r.scope_key, r.last_value);
    }

    const existing = Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM dossiers')).rows[0]!.n);
    const rebuildIndexes = rebuild === 'auto' ? existing === 0 : rebuild === 'true';
    if (rebuildIndexes) {
      const n = await dropIndexesForLoad(admin);
      log(`dropped ${n} indexes and unreferenced unique constraints for the load (rebuilt at the end)`);
    }

    const loader = new Loader(url, world.province.id, fkChecks);
    await loader.open(connections);

    // Days: the last `months` months up to yesterday; working days carry the bulk, days off a trickle of online.
    const todayNo = Math.floor((now + LOCAL_OFFSET_MS) / DAY);
    const days: { no: number; start: number; working: boolean }[] = [];
    for (let no = todayNo - Math.round(months * 30.44); no < todayNo; no++) {
      const start = no * DAY - LOCAL_OFFSET_MS;
      days.push({ no, start, working: calendar.isWorkingDay(localDateOf(start)) });
    }
    // A gentle upward trend over the year (more dossiers, more of them online).
    const dayWeight = (d: { working: boolean }, i: number) => (d.working ? 1 : 0.05) * (0.8 + (0.4 * i) / days.length);
    const totalWeight = days.reduce((s, d, i) => s + dayWeight(d, i), 0);

    let produced = 0;
    let eventsProduced = 0;
    let acc = 0;
    let batch = emptyBatch();
    let lastLog = Date.now();
    const secrets = { buf: randomBytes(16 * 1024), at: 0 };
    const nextSecret = () => {
      if (secrets.at + 16 > secrets.buf.length) {
        secrets.buf = randomBytes(16 * 1024);
        secrets.at = 0;
      }
      const s = generateLookupSecret(secrets.buf.subarray(secrets.at, secrets.at + 16));
      secrets.at += 16;
      return s;
    };
    const statusCount = new Map<string, number>();
    const tGen = Date.now();

    for (let di = 0; di < days.length && produced < count; di++) {
      const day = days[di]!;
      acc += (dayWeight(day, di) / totalWeight) * count;
      const n = di === days.length - 1 ? count - produced : Math.min(count - produced, Math.round(acc) - produced);
      if (n <= 0) continue;
      const onlineShare = 0.3 + (0.25 * di) / days.length;
      const subs: Submission[] = [];
      for (let k = 0; k < n; k++) {
        const proc = day.working ? pickAny(rng) : pickOnline(rng);
        const canOnline = proc.channels.includes('online');
        const channel: Submission['channel'] = !day.working
          ? 'online'
          : canOnline && rng() < onlineShare
            ? 'online'
            : proc.channels.includes('postal') && rng() < 0.1
              ? 'postal'
              : 'counter';
        const at = Math.floor(
          channel === 'online'
            ? day.start + (6 + 17 * rng()) * HOUR
            : calendar.addWorkingMs(calendar.clockStart(day.start), rng() * (calendar.workingDayMs - 60_000)).getTime(),
        );
        const authority = proc.level === 'commune' ? pickCommune(rng) : proc.handlers[0]!;
        const receiving = receptionUnitOf(world, authority);
        const needsResidence = proc.workflow.steps.some(
          (s) =>
            s.agency.kind === 'applicant_commune' ||
            s.consultations?.some((c) => c.agency.kind === 'applicant_commune'),
        );
        const residence =
          proc.level === 'commune' && rng() < 0.85
            ? authority
            : needsResidence || rng() < 0.8
              ? pickCommune(rng)
              : null;
        const org =
          proc.applicantKinds.includes('organization') && (!proc.applicantKinds.includes('citizen') || rng() < 0.2);
        let account: ApplicantInfo | null = null;
        if (channel === 'online' || rng() < 0.25) account = pick(rng, org ? organizations : citizens);
        const place = residence ? residence.name.replace(/^UBND /, '') : 'TP Đà Nẵng';
        const applicant = account
          ? {
              kind: account.kind,
              name: account.fullName,
              idNumber: account.idNumber,
              phone: account.phone,
              email: account.email,
              address: address(rng, place),
              residenceCommuneId: residence?.id ?? null,
            }
          : {
              kind: (org ? 'organization' : 'citizen') as 'citizen' | 'organization',
              name: org ? companyName(rng) : personName(rng),
              idNumber: org
                ? `04029${String(Math.floor(rng() * 1e5)).padStart(5, '0')}`
                : `0482${String(Math.floor(rng() * 1e8)).padStart(8, '0')}`,
              phone: phone(rng),
              email: null,
              address: address(rng, place),
              residenceCommuneId: residence?.id ?? null,
            };
        subs.push({ id: randomUUID(), proc, channel, at, authority, receiving, residence, applicant, account });
      }
      subs.sort((a, b) => a.at - b.at);
      for (const sub of subs) {
        // As dossier.submit.ts numbers a dossier.
        const ctx = {
          agencyCode: sub.receiving.code,
          procedureCode: sub.proc.code ?? undefined,
          receivedAt: new Date(sub.at),
        };
        const key = pattern.scopeKey(ctx);
        const seq = (counters.get(key) ?? 0) + 1;
        counters.set(key, seq);
        const sim = simulate(env, sub);
        batch.dossiers.push(dossierRow(sim, pattern.format(ctx, seq), nextSecret()));
        for (const e of sim.events) batch.events.push(e);
        for (const a of sim.touched) batch.agencies.push({ d: sub.id, a });
        for (const c of sim.consultations) batch.consultations.push(c);
        statusCount.set(sim.s.status, (statusCount.get(sim.s.status) ?? 0) + 1);
        produced++;
        // Let the loader's sockets move while the next batch is generated (the batches in flight
        // are megabytes of JSON: written only when the event loop runs).
        if (produced % 250 === 0) await new Promise((resolve) => setImmediate(resolve));
        eventsProduced += sim.events.length;
        if (batch.dossiers.length >= batchSize) {
          await loader.submit(batch);
          batch = emptyBatch();
          if (Date.now() - lastLog > 5000) {
            lastLog = Date.now();
            const s = (Date.now() - tGen) / 1000;
            const rate = produced / s;
            log(
              `${produced.toLocaleString('en')} / ${count.toLocaleString('en')} dossiers, ` +
                `${eventsProduced.toLocaleString('en')} events — ${fmt(rate, 0)} dossiers/s, ` +
                `${fmt(eventsProduced / s, 0)} events/s, ETA ${fmt((count - produced) / rate, 0)} s`,
            );
          }
        }
      }
    }
    if (batch.dossiers.length) await loader.submit(batch);
    await loader.close();
    const loadSeconds = (Date.now() - tGen) / 1000;
    log(
      `loaded ${produced.toLocaleString('en')} dossiers and ${eventsProduced.toLocaleString('en')} events in ` +
        `${fmt(loadSeconds)} s (${fmt(produced / loadSeconds, 0)} dossiers/s, ${fmt(eventsProduced / loadSeconds, 0)} events/s)`,
    );

    await admin.query(
      `INSERT INTO dossier_code_counters (pattern, scope_key, last_value)
       SELECT $1, t.k, t.v FROM json_to_recordset($2::json) AS t(k text, v int)
       ON CONFLICT (pattern, scope_key) DO UPDATE
         SET last_value = GREATEST(dossier_code_counters.last_value, EXCLUDED.last_value)`,
      [pattern.source, JSON.stringify([...counters].map(([k, v]) => ({ k, v })))],
    );
    log(`dossier_code_counters: ${counters.size} (unit, day) counters set`);

    if (rebuildIndexes) {
      const t = Date.now();
      await restoreIndexes(admin);
      log(`indexes and constraints rebuilt in ${fmt((Date.now() - t) / 1000)} s`);
    }
    if (verify && !fkChecks) {
      const t = Date.now();
      const bad = await admin.query<{ what: string; n: string }>(`
        SELECT 'events without dossier' AS what, count(*) AS n FROM dossier_events e
          WHERE NOT EXISTS (SELECT 1 FROM dossiers d WHERE d.id = e.dossier_id)
        UNION ALL SELECT 'event actors unknown', count(*) FROM dossier_events e
          WHERE e.actor_user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = e.actor_user_id)
        UNION ALL SELECT 'scope rows without dossier', count(*) FROM dossier_agencies x
          WHERE NOT EXISTS (SELECT 1 FROM dossiers d WHERE d.id = x.dossier_id)
        UNION ALL SELECT 'assignees unknown', count(*) FROM dossiers d
          WHERE d.main_assignee_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = d.main_assignee_id)
        UNION ALL SELECT 'applicants unknown', count(*) FROM dossiers d
          WHERE d.applicant_user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = d.applicant_user_id)
        UNION ALL SELECT 'step agencies unknown', count(*) FROM dossiers d
          WHERE d.step_agency_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM agencies a WHERE a.id = d.step_agency_id)`);
      const broken = bad.rows.filter((r) => r.n !== '0');
      if (broken.length) throw new Error(`referential check failed: ${JSON.stringify(broken)}`);
      log(`referential check (foreign keys skipped during the load): ok in ${fmt((Date.now() - t) / 1000)} s`);
    }
    if (verify) {
      // The stored state is what replaying the stored history gives (a sample).
      const sample = await admin.query<{ state: DossierState; events: DossierEvent[] }>(`
        SELECT d.state, (SELECT json_agg(e.event ORDER BY e.version) FROM dossier_events e WHERE e.dossier_id = d.id) AS events
          FROM dossiers d TABLESAMPLE SYSTEM (1) LIMIT 500`);
      for (const r of sample.rows) {
        if (canonicalJson(replay(r.events)) !== canonicalJson(r.state)) {
          throw new Error(`replay mismatch for dossier ${r.state.dossierId}`);
        }
      }
      log(`replay check: ${sample.rowCount} sampled dossiers, state = replay(history)`);
    }
    {
      // The loader's sessions skip triggers: recompute the indicator aggregates (migration 0007).
      const t = Date.now();
      await admin.query('SELECT rebuild_dossier_stats()');
      log(`indicator aggregates rebuilt in ${fmt((Date.now() - t) / 1000)} s`);
    }
    {
      const t = Date.now();
      // Autovacuum may be off (it is on the benchmark machine): vacuum too, for the visibility map.
      for (const table of [
        ...LOADED_TABLES,
        'users',
        'user_roles',
        'dossier_code_counters',
        'dossier_stats_day',
        'dossier_stats_month',
        'agencies',
        'procedures',
        'procedure_versions',
        'procedure_version_agencies',
      ]) {
        await admin.query(`VACUUM (ANALYZE) ${table}`);
      }
      log(`VACUUM (ANALYZE) in ${fmt((Date.now() - t) / 1000)} s`);
    }

    const mix = [...statusCount].sort((a, b) => b[1] - a[1]);
    log(`status mix: ${mix.map(([s, n]) => `${s} ${fmt((100 * n) / produced, 1)}%`).join(', ')}`);
    const sizes = await admin.query<{ t: string; rows: string; size: string }>(
      `SELECT c.relname AS t, c.reltuples::bigint AS rows, pg_size_pretty(pg_total_relation_size(c.oid)) AS size
         FROM pg_class c WHERE c.relname = ANY($1) AND c.relnamespace = 'public'::regnamespace ORDER BY 1`,
      [LOADED_TABLES],
    );
    for (const r of sizes.rows) log(`  ${r.t}: ${Number(r.rows).toLocaleString('en')} rows, ${r.size}`);
    log(`seed done in ${fmt((Date.now() - started) / 1000)} s`);
  } finally {
    await admin.end();
    await db.destroy();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

import { randomUUID } from 'node:crypto';
import { ALLOWED_COMMANDS, type DossierStatus } from '@motcua/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { draftWithMandatoryFiles } from '../apply-helpers.ts';
import { type Client, DEMO, sessionFor, startTestApp, type TestApp } from '../helpers.ts';
import { mandatoryChecklistOfProcedure } from '../reception-helpers.ts';
import { checkInvariants } from './harness.ts';
import { landProcedure } from './scenarios.ts';

/**
 * Concurrency on one dossier: whatever mix of commands arrives at once for one version, at most
 * one is applied; the others get 409 — and the outcome agrees with the pure state machine
 * (core ALLOWED_COMMANDS and `replay`). The claim race of six is in dossier-flow.test.ts.
 */
let app: TestApp;
let db: Awaited<ReturnType<typeof startTestApp>>['db'];
const s: Record<string, Client> = {};
let body: Record<string, unknown>;

beforeAll(async () => {
  ({ app, db } = await startTestApp());
  for (const u of [DEMO.citizen, DEMO.receptionist, 'chuyenvien.snnmt', 'lanhdao.snnmt', DEMO.communeOfficer])
    s[u] = await sessionFor(db, u);
  const { procedureId, communeId, formData } = await landProcedure(db);
  body = { procedureId, formData, applicant: { residenceCommuneId: communeId } };
  // Receiving needs the mandatory components checked (Decree 118/2025 art. 17(3)).
  POOL[0]!.cmd.checklist = await mandatoryChecklistOfProcedure(db, procedureId);
});

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely
type Json = Record<string, any>;

async function post(who: string, url: string, payload: Json) {
  return app.inject({
    method: 'POST',
    url: `/api/v1${url}`,
    headers: { ...s[who]!.headers, 'idempotency-key': randomUUID() },
    payload,
  });
}

async function submit(): Promise<{ id: string; version: number }> {
  const draftId = await draftWithMandatoryFiles(app, db, s[DEMO.citizen]!, body.procedureId as string);
  const r = await post(DEMO.citizen, '/dossiers', { ...body, draftId });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

async function stored(id: string) {
  return db.selectFrom('dossiers').select(['status', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
}

/** Commands an actor may plausibly send, with valid payloads (who acts is part of the command). */
const POOL: { who: string; cmd: Json }[] = [
  { who: DEMO.receptionist, cmd: { type: 'receive' } },
  { who: DEMO.receptionist, cmd: { type: 'forward' } },
  { who: DEMO.receptionist, cmd: { type: 'request_supplement', items: ['Bản sao CCCD'] } },
  { who: DEMO.receptionist, cmd: { type: 'refuse', reasons: ['Không thuộc thẩm quyền'] } },
  { who: DEMO.receptionist, cmd: { type: 'stop', reason: 'Công dân đề nghị dừng' } },
  { who: DEMO.receptionist, cmd: { type: 'return_result', method: 'counter' } },
  { who: DEMO.receptionist, cmd: { type: 'request_fee', stage: 'full', amount: 50000 } },
  { who: DEMO.receptionist, cmd: { type: 'fee_paid' } },
  { who: DEMO.citizen, cmd: { type: 'withdraw', reason: 'Không cần nữa' } },
  { who: DEMO.citizen, cmd: { type: 'supplement_provided' } },
  { who: DEMO.citizen, cmd: { type: 'rate', scores: { time_vs_limit: 2 } } },
  { who: 'chuyenvien.snnmt', cmd: { type: 'claim' } },
  { who: 'chuyenvien.snnmt', cmd: { type: 'consult', targets: [{ consultationId: 'xac_minh_xa' }] } },
  { who: DEMO.communeOfficer, cmd: { type: 'consultation_result', consultationId: 'xac_minh_xa', outcome: 'agreed' } },
  { who: 'chuyenvien.snnmt', cmd: { type: 'forward' } },
  { who: 'lanhdao.snnmt', cmd: { type: 'approve' } },
  { who: 'lanhdao.snnmt', cmd: { type: 'sign' } },
  { who: 'lanhdao.snnmt', cmd: { type: 'finish' } },
  { who: 'chuyenvien.snnmt', cmd: { type: 'rollback' } },
];

describe('one dossier, many clients', () => {
  it('different commands at the same version: exactly one 200, the rest 409 version_conflict', async () => {
    const { id, version } = await submit();
    const rv = (await post(DEMO.receptionist, `/dossiers/${id}/actions`, { ...POOL[0]!.cmd, version })).json().version;
    const racers = [
      post(DEMO.receptionist, `/dossiers/${id}/actions`, { type: 'forward', version: rv }),
      post(DEMO.receptionist, `/dossiers/${id}/actions`, { type: 'forward', version: rv }),
      post(DEMO.receptionist, `/dossiers/${id}/actions`, { type: 'stop', reason: 'Dừng', version: rv }),
      post(DEMO.receptionist, `/dossiers/${id}/actions`, {
        type: 'request_fee',
        stage: 'full',
        amount: 1000,
        version: rv,
      }),
      post(DEMO.citizen, `/dossiers/${id}/actions`, { type: 'withdraw', version: rv }),
      post(DEMO.citizen, `/dossiers/${id}/actions`, { type: 'withdraw', version: rv }),
    ];
    const res = await Promise.all(racers);
    const codes = res.map((r) => r.statusCode);
    expect(
      codes.filter((c) => c === 200),
      codes.join(),
    ).toHaveLength(1);
    for (const r of res.filter((x) => x.statusCode !== 200)) {
      expect(r.statusCode, r.body).toBe(409);
      expect(r.json().code).toBe('version_conflict');
      expect(r.json().currentVersion).toBe(rv + 1);
    }
    expect((await stored(id)).version).toBe(rv + 1);
    expect(await checkInvariants(db)).toEqual([]);
  });

  it('property: random rounds of concurrent commands agree with the pure state machine', async () => {
    const round = fc.uniqueArray(fc.integer({ min: 0, max: POOL.length - 1 }), { minLength: 1, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(fc.array(round, { minLength: 3, maxLength: 10 }), async (rounds) => {
        const { id } = await submit();
        for (const picks of rounds) {
          const before = await stored(id);
          const res = await Promise.all(
            picks.map((i) =>
              post(POOL[i]!.who, `/dossiers/${id}/actions`, { ...POOL[i]!.cmd, version: before.version }),
            ),
          );
          const after = await stored(id);
          const won = res.map((r, k) => ({ r, c: POOL[picks[k]!]!.cmd })).filter((x) => x.r.statusCode === 200);
          // At most one command per version; the version moves by exactly the number applied.
          expect(won.length).toBeLessThanOrEqual(1);
          expect(after.version).toBe(before.version + won.length);
          const allowed = ALLOWED_COMMANDS[before.status as DossierStatus];
          for (const [k, r] of res.entries()) {
            const type = POOL[picks[k]!]!.cmd.type as string;
            expect(r.statusCode, r.body).toBeLessThan(500);
            // The status table of the pure machine decides: a command it does not allow never succeeds.
            if (!allowed.includes(type as never)) {
              expect(r.statusCode, `${type} in ${before.status}: ${r.body}`).not.toBe(200);
              // …and answers that it is not possible now (or, to whom the dossier is not visible yet, 404).
              if (won.length === 0)
                expect(['action_not_allowed', 'dossier_not_found', 'forbidden'], r.body).toContain(r.json().code);
            } else if (r.statusCode !== 200 && won.length === 1) {
              expect([409, 422, 403, 404, 400], r.body).toContain(r.statusCode);
            }
          }
          if (won.length === 1) {
            const h = await db
              .selectFrom('dossier_events')
              .select(['version'])
              .where('dossier_id', '=', id)
              .orderBy('version', 'desc')
              .executeTakeFirstOrThrow();
            expect(h.version).toBe(after.version);
          }
        }
        expect(await checkInvariants(db)).toEqual([]);
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});

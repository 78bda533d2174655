import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.ts';
import type { Db } from '../src/db/database.ts';
import { type Jobs, startJobs } from '../src/jobs.ts';
import { checkTargetUrl, isPrivateAddress } from '../src/modules/integration/outbound.ts';
import { retryDelayMs } from '../src/modules/integration/retry.ts';
import { type Client, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';
import {
  act,
  agencyIdByName,
  type Json,
  people,
  type RegisteredClient,
  registerClient,
  rootAgencyId,
  submitLandDossier,
  tokenFor,
  waitFor,
} from './integration-helpers.ts';
import { mandatoryChecklist } from './reception-helpers.ts';
import { uploadResultFile } from './result-file.ts';

/**
 * The done-when test of the events part: a registered client gets a token, subscribes a real HTTP
 * receiver on 127.0.0.1, the dossier is driven through the API, and every event arrives signed
 * (Standard Webhooks) exactly once — although the receiver fails the first attempts.
 */

type Received = { id: string; timestamp: string; signature: string; body: string; event: Json };

/** A webhook receiver that verifies signatures and deduplicates by webhook-id, as the docs tell receivers to. */
async function startReceiver(secret: () => string) {
  const state = {
    failNext: 0,
    posts: 0,
    failed: 0,
    badSignatures: 0,
    accepted: [] as Received[],
    seen: new Set<string>(),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.posts++;
      const body = Buffer.concat(chunks).toString('utf8');
      const id = String(req.headers['webhook-id']);
      const timestamp = String(req.headers['webhook-timestamp']);
      const signature = String(req.headers['webhook-signature']);
      const key = Buffer.from(secret().replace(/^whsec_/, ''), 'base64');
      const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
      const sent = signature.split(' ').map((s) => Buffer.from(s.replace(/^v1,/, ''), 'base64'));
      if (!sent.some((s) => s.length === expected.length && timingSafeEqual(s, expected))) {
        state.badSignatures++;
        res.writeHead(401).end();
        return;
      }
      if (state.failNext > 0) {
        state.failNext--;
        state.failed++;
        res.writeHead(503).end('busy');
        return;
      }
      if (!state.seen.has(id)) {
        state.seen.add(id);
        state.accepted.push({ id, timestamp, signature, body, event: JSON.parse(body) });
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/hooks/motcua`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

let app: TestApp;
let db: Db;
let config: Config;
let jobs: Jobs;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let client: RegisteredClient;
let token: string;
let secret = '';
let subscriptionId = '';
let s: Record<string, Client>;

beforeAll(async () => {
  let url: string;
  ({ app, db, url, config } = await startTestApp({
    webhookAllowPrivate: true,
    deliveryRetryBaseMs: 100,
    deliveryMaxAttempts: 4,
    nationalPortalUrl: 'off',
    publicUrl: 'https://dichvucong.danang.example.vn',
  }));
  receiver = await startReceiver(() => secret);
  jobs = await startJobs({
    db,
    connectionString: url,
    config,
    concurrency: 4,
    pollInterval: 50,
    relayIntervalMs: 50,
    cron: false,
    mailer: { send: async () => undefined, close: async () => undefined },
    log: () => undefined,
  });
  client = await registerClient(app, db, {
    name: 'Hệ thống một cửa liên thông của Sở',
    scopes: ['dossiers:read', 'events:subscribe'],
    agencyIds: [await rootAgencyId(db)],
  });
  token = await tokenFor(app, client);
  s = await people(db);
  for (const u of ['lanhdao.snnmt']) s[u] = await sessionFor(db, u);
});

afterAll(async () => {
  await jobs?.stop();
  await receiver?.close();
});

const bearer = () => ({ authorization: `Bearer ${token}` });

describe('webhook subscriptions', () => {
  it('a client subscribes a receiver and gets the signing secret once', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/integration/webhooks',
      headers: bearer(),
      payload: { url: receiver.url },
    });
    expect(r.statusCode, r.body).toBe(201);
    ({ id: subscriptionId, secret } = r.json());
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const list = await app.inject({ method: 'GET', url: '/api/v1/integration/webhooks', headers: bearer() });
    expect(list.json().items).toEqual([expect.objectContaining({ id: subscriptionId, url: receiver.url })]);
    expect(list.body).not.toContain(secret);
  });

  it('refuses filters outside the client’s scope and, unless allowed, private addresses', async () => {
    const narrow = await registerClient(app, db, {
      scopes: ['events:subscribe'],
      agencyIds: [await agencyIdByName(db, 'UBND Phường Hải Châu')],
    });
    const t = await tokenFor(app, narrow);
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/integration/webhooks',
      headers: { authorization: `Bearer ${t}` },
      payload: { url: receiver.url, agencyIds: [await rootAgencyId(db)] },
    });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    // The SSRF guard (production default: private targets refused).
    await expect(checkTargetUrl('http://127.0.0.1:9/x', false)).rejects.toThrow(/private/);
    await expect(checkTargetUrl('http://[::1]/x', false)).rejects.toThrow(/private/);
    await expect(checkTargetUrl('http://10.1.2.3/x', false)).rejects.toThrow(/private/);
    await expect(checkTargetUrl('file:///etc/passwd', true)).rejects.toThrow(/http/);
    await expect(checkTargetUrl('http://user:pw@example.vn/', true)).rejects.toThrow(/credentials/);
    expect(isPrivateAddress('::ffff:192.168.1.1')).toBe(true);
    expect(isPrivateAddress('203.162.4.190')).toBe(false);
    // An events-only client cannot read dossiers, and a reader cannot subscribe.
    const reader = await registerClient(app, db, { scopes: ['dossiers:read'], agencyIds: [await rootAgencyId(db)] });
    const rt = await tokenFor(app, reader);
    const refused = await app.inject({
      method: 'POST',
      url: '/api/v1/integration/webhooks',
      headers: { authorization: `Bearer ${rt}` },
      payload: { url: receiver.url },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('insufficient_scope');
  });
});

describe('signed events from a dossier’s journey', () => {
  let dossier: { id: string; code: string };

  it('arrive once each, in CloudEvents 1.0, although the receiver fails the first attempts', async () => {
    receiver.failNext = 3;
    dossier = await submitLandDossier(app, db, s[DEMO.citizen]!);
    const checklist = await mandatoryChecklist(db, dossier.id);
    await act(app, s[DEMO.receptionist]!, dossier.id, { type: 'receive', checklist });
    await act(app, s[DEMO.receptionist]!, dossier.id, { type: 'forward' });
    await act(app, s['chuyenvien.snnmt']!, dossier.id, { type: 'claim' });
    const expected = ['submitted', 'received', 'forwarded', 'claimed'];
    await waitFor('every event to be delivered', async () => {
      const rows = await db
        .selectFrom('webhook_deliveries')
        .select('status')
        .where('dossier_id', '=', dossier.id)
        .execute();
      return rows.length === expected.length && rows.every((r) => r.status === 'delivered');
    });
    const mine = receiver.accepted.filter((a) => a.event.subject === dossier.code);
    expect(mine.map((a) => a.event.type).sort()).toEqual(expected.map((e) => `vn.motcua.dossier.${e}`).sort());
    expect(new Set(mine.map((a) => a.id)).size).toBe(expected.length);
    expect(receiver.failed).toBe(3);
    expect(receiver.badSignatures).toBe(0);
    // Every POST was either a failure we answered or a first acceptance: nothing came twice after success.
    expect(receiver.posts).toBe(receiver.failed + receiver.accepted.length);

    const received = mine.find((a) => a.event.type === 'vn.motcua.dossier.received')!;
    expect(received.event).toMatchObject({
      specversion: '1.0',
      id: `${dossier.id}.2`,
      source: 'https://dichvucong.danang.example.vn/api/v1/dossiers',
      subject: dossier.code,
      datacontenttype: 'application/json',
      data: {
        dossierId: dossier.id,
        code: dossier.code,
        status: 'received',
        previousStatus: 'submitted',
        statusChanged: true,
        nationalStatusCode: 2,
      },
    });
    expect(Date.parse(received.event.time)).not.toBeNaN();
    expect(Object.keys(received.event).slice(0, 3)).toEqual(['specversion', 'id', 'source']);
    const forwarded = mine.find((a) => a.event.type === 'vn.motcua.dossier.forwarded')!;
    expect(forwarded.event.data.step).toMatchObject({ id: 'tham_dinh' });
    expect(forwarded.event.data.nationalStatusCode).toBe(4);
    // No personal data of the applicant travels in events: clients read the dossier with dossiers:read.
    expect(JSON.stringify(mine.map((m) => m.event))).not.toContain('0905123456');
    expect(Math.abs(Number(received.timestamp) - Date.now() / 1000)).toBeLessThan(300);

    const failedOnes = await db
      .selectFrom('webhook_deliveries')
      .select(['attempts', 'last_status_code'])
      .where('dossier_id', '=', dossier.id)
      .where('attempts', '>', 1)
      .execute();
    expect(failedOnes.reduce((n, r) => n + r.attempts - 1, 0)).toBe(3);
    expect(failedOnes.every((r) => r.last_status_code === 204)).toBe(true);
  });

  it('the same outbox event relayed again creates no second delivery', async () => {
    const before = await db.selectFrom('webhook_deliveries').select('id').execute();
    // Re-publish every outbox row of the dossier (as a relay that lost its marks would).
    await db.updateTable('outbox').set({ published_at: null }).where('aggregate_id', '=', dossier.id).execute();
    await waitFor('the outbox to be republished', async () => {
      const left = await db
        .selectFrom('outbox')
        .select('id')
        .where('aggregate_id', '=', dossier.id)
        .where('published_at', 'is', null)
        .execute();
      return left.length === 0;
    });
    await waitFor('fan-out jobs to finish', async () => {
      const r = await db
        .selectFrom('graphile_worker.jobs' as never)
        .select('id' as never)
        .where('task_identifier' as never, '=', 'webhook_fanout' as never)
        .execute();
      return r.length === 0;
    });
    const after = await db.selectFrom('webhook_deliveries').select('id').execute();
    expect(after.length).toBe(before.length);
    expect(receiver.accepted.filter((a) => a.event.subject === dossier.code)).toHaveLength(4);
  });

  it('subscriptions filter by event type; a failing receiver is given up after the last attempt; admins see and replay', async () => {
    const filtered = await app.inject({
      method: 'POST',
      url: '/api/v1/integration/webhooks',
      headers: bearer(),
      payload: { url: receiver.url, eventTypes: ['vn.motcua.dossier.approved'] },
    });
    expect(filtered.statusCode).toBe(201);
    // The first subscription is deleted: only the filtered one remains.
    const del = await app.inject({
      method: 'DELETE',
      url: `/api/v1/integration/webhooks/${subscriptionId}`,
      headers: bearer(),
    });
    expect(del.statusCode).toBe(204);
    secret = filtered.json().secret;
    receiver.failNext = 100;
    await act(app, s['chuyenvien.snnmt']!, dossier.id, {
      type: 'consult',
      targets: [{ consultationId: 'xac_minh_xa' }],
    });
    const hc = await sessionFor(db, DEMO.communeOfficer);
    await act(app, hc, dossier.id, { type: 'consultation_result', consultationId: 'xac_minh_xa', outcome: 'agreed' });
    await act(app, s['chuyenvien.snnmt']!, dossier.id, { type: 'forward' });
    expect((await uploadResultFile(app, s['lanhdao.snnmt']!.headers, dossier.id)).statusCode).toBe(201);
    await act(app, s['lanhdao.snnmt']!, dossier.id, { type: 'approve' });
    const failed = await waitFor('the approval delivery to fail for good', async () =>
      db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('subscription_id', '=', filtered.json().id)
        .where('status', '=', 'failed')
        .executeTakeFirst(),
    );
    expect(failed.event_type).toBe('vn.motcua.dossier.approved');
    expect(failed.attempts).toBe(4);
    expect(failed.last_status_code).toBe(503);
    expect(failed.last_error).toContain('503');
    const only = await db
      .selectFrom('webhook_deliveries')
      .select('event_type')
      .where('subscription_id', '=', filtered.json().id)
      .execute();
    expect(only.map((o) => o.event_type)).toEqual(['vn.motcua.dossier.approved']);

    const admin = await sessionFor(db, DEMO.admin);
    const list = await app.inject({
      method: 'GET',
      url: `/api/v1/integration/webhook-deliveries?status=failed&clientId=${client.clientId}`,
      headers: admin.headers,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([
      expect.objectContaining({
        id: failed.id,
        status: 'failed',
        attempts: 4,
        lastError: expect.stringContaining('503'),
      }),
    ]);
    const deliveriesOfClient = await app.inject({
      method: 'GET',
      url: `/api/v1/integration/webhooks/${filtered.json().id}/deliveries`,
      headers: bearer(),
    });
    expect(deliveriesOfClient.json().items.map((d: { id: string }) => d.id)).toEqual([failed.id]);

    receiver.failNext = 0;
    const replay = await app.inject({
      method: 'POST',
      url: `/api/v1/integration/webhook-deliveries/${failed.id}/replay`,
      headers: admin.headers,
    });
    expect(replay.statusCode, replay.body).toBe(202);
    // The receiver has it before we record the answer: wait for our record.
    const done = await waitFor('the replayed delivery to be recorded', async () =>
      db
        .selectFrom('webhook_deliveries')
        .select(['status', 'attempts'])
        .where('id', '=', failed.id)
        .where('status', '=', 'delivered')
        .executeTakeFirst(),
    );
    expect(
      receiver.accepted.filter(
        (a) => a.event.type === 'vn.motcua.dossier.approved' && a.event.subject === dossier.code,
      ),
    ).toHaveLength(1);
    expect(done).toEqual({ status: 'delivered', attempts: 5 });
  });
});

describe('retry schedule', () => {
  it('doubles from the base with ±20 % jitter, capped at 6 hours; the default covers about a day', () => {
    expect(retryDelayMs(1, 30_000, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(2, 30_000, () => 0.5)).toBe(60_000);
    expect(retryDelayMs(3, 30_000, () => 0)).toBe(96_000);
    expect(retryDelayMs(3, 30_000, () => 1)).toBe(144_000);
    expect(retryDelayMs(30, 30_000, () => 0.5)).toBe(6 * 3_600_000);
    let total = 0;
    for (let n = 1; n < 14; n++) total += retryDelayMs(n, 30_000, () => 0.5);
    expect(total / 3_600_000).toBeGreaterThan(20);
    expect(total / 3_600_000).toBeLessThan(30);
  });
});

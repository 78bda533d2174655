import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createDb, type Db } from '../src/db/database.ts';
import { buildApp } from '../src/http/app.ts';
import { openReadDb } from '../src/runtime.ts';
import { Problem } from '../src/shared/problem.ts';
import { ReadRouter, replicaLag } from '../src/shared/read-replica.ts';
import { draftWithMandatoryFiles } from './apply-helpers.ts';
import { formFor } from './eform-helpers.ts';
import { type Client, DEMO, sessionFor, startTestApp, type TestApp } from './helpers.ts';
import { freePort } from './process-utils.ts';

/**
 * Reads from a streaming replica (issue 16; shared/read-replica.ts, docs/operations.md): the routing
 * decision with an injected lag probe and clock, then the app with MOTCUA_READ_DATABASE_URL pointing
 * at the test database itself (a primary answers lag 0) — the dashboard, the settlement report and
 * the public lookup answer exactly as without it, through the read pool — and at a port where
 * nothing listens (every read falls back to the primary).
 */

// Only identity matters to the router: two distinct stand-ins.
const PRIMARY = { name: 'primary' } as unknown as Db;
const REPLICA = { name: 'replica' } as unknown as Db;

function router(probe: () => Promise<number>, opts: { maxLag?: number } = {}) {
  let t = 1_000_000;
  const logs: { level: string; m: string }[] = [];
  const r = new ReadRouter({
    primary: PRIMARY,
    replica: REPLICA,
    maxLagSeconds: opts.maxLag ?? 30,
    probe,
    now: () => t,
    probeTimeoutMs: 50,
    log: {
      warn: (_o, m) => logs.push({ level: 'warn', m }),
      info: (_o, m) => logs.push({ level: 'info', m }),
    },
  });
  return { r, logs, advance: (ms: number) => (t += ms) };
}

describe('the routing decision', () => {
  it('uses the replica within the bound and the primary beyond it', async () => {
    let lag = 3;
    const { r } = router(async () => lag, { maxLag: 5 });
    expect(await r.pick()).toBe(REPLICA);
    expect(await r.status()).toEqual({ configured: true, lagSeconds: 3, using: 'replica' });
    const z = router(async () => 5, { maxLag: 5 });
    expect(await z.r.pick()).toBe(REPLICA); // the bound itself is within
    lag = 5.01;
    const over = router(async () => lag, { maxLag: 5 });
    expect(await over.r.pick()).toBe(PRIMARY);
    expect(await over.r.status()).toEqual({ configured: true, lagSeconds: 5.01, using: 'primary' });
    // Unknown lag (no transaction replayed yet) counts as too far behind.
    const unknown = router(async () => Number.POSITIVE_INFINITY);
    expect(await unknown.r.pick()).toBe(PRIMARY);
    expect((await unknown.r.status()).lagSeconds).toBeNull();
  });

  it('probes at most once every 2 s, once for concurrent requests, and follows the lag', async () => {
    let probes = 0;
    let lag = 1;
    const { r, advance, logs } = router(async () => {
      probes++;
      await new Promise((res) => setTimeout(res, 5));
      return lag;
    });
    const picked = await Promise.all([r.pick(), r.pick(), r.pick()]);
    expect(picked).toEqual([REPLICA, REPLICA, REPLICA]);
    expect(probes).toBe(1);
    lag = 60;
    advance(1_999);
    expect(await r.pick()).toBe(REPLICA); // cached
    expect(probes).toBe(1);
    advance(1);
    expect(await r.pick()).toBe(PRIMARY);
    expect(probes).toBe(2);
    advance(2_000);
    await r.pick();
    advance(2_000);
    await r.pick();
    // Fallen back once, logged once.
    expect(logs.filter((l) => l.level === 'warn')).toHaveLength(1);
    lag = 0;
    advance(2_000);
    expect(await r.pick()).toBe(REPLICA);
    expect(logs.map((l) => l.level)).toEqual(['info', 'warn', 'info']);
  });

  it('reads from the primary when the replica is down or does not answer in time', async () => {
    const down = router(async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:1');
    });
    expect(await down.r.pick()).toBe(PRIMARY);
    expect(await down.r.status()).toEqual({ configured: true, lagSeconds: null, using: 'primary' });
    expect(down.logs).toHaveLength(1);
    const hung = router(() => new Promise<number>(() => {}));
    expect(await hung.r.pick()).toBe(PRIMARY);
    expect((await hung.r.status()).using).toBe('primary');
  });

  it('retries a read that fails on the replica on the primary; our own answers pass through', async () => {
    const { r, logs } = router(async () => 0);
    const seen: Db[] = [];
    const answer = await r.run(async (db) => {
      seen.push(db);
      if (db === REPLICA) throw new Error('canceling statement due to conflict with recovery');
      return 'from primary';
    });
    expect(answer).toBe('from primary');
    expect(seen).toEqual([REPLICA, PRIMARY]);
    expect(logs.some((l) => l.level === 'warn')).toBe(true);
    // Until the next probe the replica stays unused.
    expect(await r.pick()).toBe(PRIMARY);
    const ok = router(async () => 0);
    const calls: Db[] = [];
    await expect(
      ok.r.run(async (db) => {
        calls.push(db);
        throw new Problem('not_found');
      }),
    ).rejects.toBeInstanceOf(Problem);
    expect(calls).toEqual([REPLICA]);
  });

  it('without a replica (unset, or the primary itself) never probes', async () => {
    let probes = 0;
    const probe = async () => {
      probes++;
      return 0;
    };
    for (const replica of [undefined, PRIMARY]) {
      const r = new ReadRouter({ primary: PRIMARY, replica, maxLagSeconds: 30, probe });
      expect(r.configured).toBe(false);
      expect(await r.pick()).toBe(PRIMARY);
      expect(await r.run(async (db) => db)).toBe(PRIMARY);
      expect(await r.status()).toEqual({ configured: false, lagSeconds: null, using: 'primary' });
    }
    expect(probes).toBe(0);
  });
});

describe('the app with MOTCUA_READ_DATABASE_URL', () => {
  let plain: TestApp;
  let routed: TestApp;
  let deadRoute: TestApp;
  let db: Db;
  let replicaQueries = 0;
  const s: Record<string, Client> = {};
  let code = '';
  let secret = '';

  beforeAll(async () => {
    const started = await startTestApp();
    plain = started.app;
    db = started.db;
    const config = loadConfig({ MOTCUA_READ_DATABASE_URL: started.url });
    expect(config.readDatabaseUrl).toBe(started.url);
    expect(config.readMaxLagSeconds).toBe(30);
    expect(loadConfig({}).readDatabaseUrl).toBeUndefined();
    const read = openReadDb({ ...started.config, readDatabaseUrl: started.url }, db);
    // Count what goes through the read pool, to see that it is the one used.
    const counted = read.readDb.withPlugin({
      transformQuery: (a) => {
        replicaQueries++;
        return a.node;
      },
      transformResult: async (a) => a.result,
    });
    routed = await buildApp({ db, readDb: counted, config: { ...started.config, ...config }, state: started.state });
    await routed.ready();
    const deadUrl = new URL(started.url);
    deadUrl.port = String(await freePort());
    const dead = createDb(deadUrl.toString(), 2, 1_000);
    deadRoute = await buildApp({
      db,
      readDb: dead,
      config: { ...started.config, readDatabaseUrl: deadUrl.toString() },
      state: started.state,
      logger: false,
    });
    await deadRoute.ready();
    afterAll(async () => {
      await routed.close();
      await deadRoute.close();
      await read.close();
      await dead.destroy();
    });
    for (const u of [DEMO.citizen, DEMO.provincialLeader]) s[u] = await sessionFor(db, u);
    ({ code, secret } = await submitDossier());
  });

  async function submitDossier() {
    const p = await db
      .selectFrom('procedure_versions')
      .select(['procedure_id'])
      .where('name', 'like', 'Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất%')
      .where('status', '=', 'published')
      .executeTakeFirstOrThrow();
    const commune = await db
      .selectFrom('agencies')
      .select(['id'])
      .where('admin_unit_code', '=', '20242')
      .executeTakeFirstOrThrow();
    const r = await plain.inject({
      method: 'POST',
      url: '/api/v1/dossiers',
      headers: { ...s[DEMO.citizen]!.headers, 'idempotency-key': randomUUID() },
      payload: {
        procedureId: p.procedure_id,
        formData: await formFor(db, p.procedure_id),
        applicant: { phone: '0905123456', residenceCommuneId: commune.id, address: '12 Lê Duẩn, Hải Châu' },
        draftId: await draftWithMandatoryFiles(plain, db, s[DEMO.citizen]!, p.procedure_id),
      },
    });
    expect(r.statusCode, r.body).toBe(201);
    return { code: r.json().code as string, secret: r.json().lookupSecret as string };
  }

  const READS = [
    '/api/v1/indicators?period=year',
    '/api/v1/indicators/breakdown?period=year&by=agency',
    '/api/v1/indicators/series?period=month&granularity=day',
    '/api/v1/indicators/dossiers?period=year&metric=received',
    '/api/v1/reports/settlement?period=year&format=json',
  ];

  it('/readyz shows the replica (a primary answers lag 0); without one it shows nothing', async () => {
    const r = await routed.inject({ url: '/readyz' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ status: 'ready', readReplica: { configured: true, lagSeconds: 0, using: 'replica' } });
    expect((await plain.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
    expect(await replicaLag(db)).toBe(0);
  });

  it('the public lookup and the dashboard answer the same, read through the replica pool', async () => {
    const lookup = `/api/v1/lookup?code=${encodeURIComponent(code)}&secret=${secret}`;
    const before = replicaQueries;
    const a = await plain.inject({ url: lookup });
    const b = await routed.inject({ url: lookup });
    expect(a.statusCode, a.body).toBe(200);
    expect(b.statusCode, b.body).toBe(200);
    expect(b.json()).toEqual(a.json());
    expect(replicaQueries).toBeGreaterThan(before);
    // A wrong secret: the same 404 either way.
    const wrong = `/api/v1/lookup?code=${encodeURIComponent(code)}&secret=WRONG0000`;
    const w = await routed.inject({ url: wrong });
    expect(w.statusCode).toBe(404);
    expect(w.json().code).toBe((await plain.inject({ url: wrong })).json().code);

    const headers = s[DEMO.provincialLeader]!.headers;
    for (const url of READS) {
      const x = await plain.inject({ url, headers });
      const n = replicaQueries;
      const y = await routed.inject({ url, headers });
      expect(x.statusCode, `${url}: ${x.body}`).toBe(200);
      expect(y.statusCode, `${url}: ${y.body}`).toBe(200);
      expect(y.json(), url).toEqual(x.json());
      expect(replicaQueries, url).toBeGreaterThan(n);
    }
  });

  it('with the replica down every read falls back to the primary, and /readyz says so', async () => {
    const lookup = `/api/v1/lookup?code=${encodeURIComponent(code)}&secret=${secret}`;
    const a = await plain.inject({ url: lookup });
    const b = await deadRoute.inject({ url: lookup });
    expect(b.statusCode, b.body).toBe(200);
    expect(b.json()).toEqual(a.json());
    const headers = s[DEMO.provincialLeader]!.headers;
    const x = await plain.inject({ url: READS[0]!, headers });
    const y = await deadRoute.inject({ url: READS[0]!, headers });
    expect(y.statusCode, y.body).toBe(200);
    expect(y.json()).toEqual(x.json());
    const ready = await deadRoute.inject({ url: '/readyz' });
    expect(ready.statusCode, ready.body).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ready',
      readReplica: { configured: true, lagSeconds: null, using: 'primary' },
    });
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, ROOT_DIR } from '../src/config.ts';
import { buildApp } from '../src/http/app.ts';
import { WORKER_HEADER } from '../src/serve.cluster.ts';
import { createTestDatabase } from './helpers.ts';
import { freePort, pidAlive } from './process-utils.ts';

const CLI = path.join(ROOT_DIR, 'packages/server/bin/motcua.mjs');
const LOGIN_LIMIT = 6;

type Answer = { status: number; worker: string | undefined };

/** One request on a connection of its own: the cluster hands out connections, not requests. */
function request(port: number, method: string, url: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: url,
        agent: false,
        headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
        timeout: 10_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, worker: res.headers[WORKER_HEADER] as string }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v !== undefined) return v;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Worker id → pid, from the banner and the "ready" lines of re-forked workers. */
function workerPids(out: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const [, id, pid] of out.matchAll(/API worker (\d+): pid (\d+)/g)) m.set(id!, Number(pid));
  return m;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

const login = (i: number) => ({ username: `nobody-${i}-${randomUUID().slice(0, 8)}`, password: 'wrong-password' });

describe('motcua serve --workers 2', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('two API processes answer on one port, share the login rate limit, survive a dead worker and stop on SIGTERM', async () => {
    const { url, db } = await createTestDatabase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-workers-'));
    const port = await freePort();

    // The login limit of ONE process, for comparison (another address, so its counters are apart).
    const single = await buildApp({
      db,
      config: { ...loadConfig({}), loginRateLimitPerMinute: LOGIN_LIMIT },
      state: { ready: true, migrating: false },
      logger: false,
    });
    const singleCodes: number[] = [];
    for (let i = 0; i < LOGIN_LIMIT + 3; i++) {
      const r = await single.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: '10.99.0.1',
        payload: login(i),
      });
      singleCodes.push(r.statusCode);
    }
    await single.close();
    expect(singleCodes).toEqual([...Array(LOGIN_LIMIT).fill(401), 429, 429, 429]);

    const proc = spawn(process.execPath, [CLI, 'serve', '--workers', '2'], {
      cwd: ROOT_DIR,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? os.tmpdir(),
        DATABASE_URL: url,
        MOTCUA_DATA_DIR: dir,
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        MOTCUA_LOGIN_RATE_LIMIT: String(LOGIN_LIMIT),
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let out = '';
    proc.stdout!.on('data', (b) => {
      out += String(b);
    });
    proc.stderr!.on('data', (b) => {
      out += String(b);
    });
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    try {
      await until(
        '/readyz',
        async () => {
          if (proc.exitCode !== null) throw new Error(`serve exited (${proc.exitCode}):\n${out}`);
          const r = await request(port, 'GET', '/readyz').catch(() => undefined);
          return r?.status === 200 ? true : undefined;
        },
        90_000,
      );
      await until('the banner', () => (out.includes('demo logins') ? true : undefined), 10_000);
      expect(out).toContain('API workers: 2 processes');
      expect(out).toContain('jobs: running in the primary process');
      const pids = workerPids(out);
      expect(pids.size).toBe(2);

      // ~40 requests on fresh connections: both workers answer, two distinct pids, not the primary.
      const answers = await Promise.all(Array.from({ length: 40 }, () => request(port, 'GET', '/api/v1/agencies')));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      const ids = new Set(answers.map((a) => a.worker));
      expect([...ids].sort()).toEqual([...pids.keys()].sort());
      const answering = new Set([...ids].map((id) => pids.get(id!)));
      expect(answering.size).toBe(2);
      expect(answering.has(proc.pid)).toBe(false);

      // The login limit counts across the workers (PostgreSQL counters): it triggers at the same
      // attempt as in one process, although both workers took attempts before it did.
      const logins: Answer[] = [];
      for (let i = 0; i < LOGIN_LIMIT + 3; i++)
        logins.push(await request(port, 'POST', '/api/v1/auth/login', login(i)));
      expect(logins.map((a) => a.status)).toEqual(singleCodes);
      expect(new Set(logins.slice(0, LOGIN_LIMIT).map((a) => a.worker)).size).toBe(2);

      // Kill one worker: the others go on answering, and a new one is forked.
      const [victimId, victimPid] = [...pids.entries()][0]!;
      process.kill(victimPid, 'SIGKILL');
      await until(
        'the dead worker noticed',
        () => (out.includes(`pid ${victimPid}) stopped`) ? true : undefined),
        10_000,
      );
      const during = await Promise.all(Array.from({ length: 10 }, () => request(port, 'GET', '/readyz')));
      expect(during.map((a) => a.status)).toEqual(Array(10).fill(200));
      const replaced = await until(
        'a new worker',
        () => {
          const now = workerPids(out);
          return now.size === 3 ? now : undefined;
        },
        60_000,
      );
      const newId = [...replaced.keys()].find((id) => !pids.has(id))!;
      expect(pidAlive(victimPid)).toBe(false);
      const after = await until(
        'the new worker answering',
        async () => {
          const rs = await Promise.all(Array.from({ length: 20 }, () => request(port, 'GET', '/readyz')));
          expect(rs.every((r) => r.status === 200)).toBe(true);
          return rs.some((r) => r.worker === newId) ? rs : undefined;
        },
        20_000,
      );
      expect(after.some((r) => r.worker === victimId)).toBe(false);

      // SIGTERM to the primary: every worker closes, then the primary exits 0 and the port is free.
      proc.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(30_000).then(() => 'hung' as const)]);
      expect(code, out).toBe(0);
      expect(out).toContain('SIGTERM: stopping');
      for (const pid of replaced.values()) expect(pidAlive(pid)).toBe(false);
      expect(await portFree(port)).toBe(true);
      expect(out).not.toMatch(/Unhandled 'error' event|throw er;/);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

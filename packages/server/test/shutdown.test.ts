import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../src/config.ts';
import { freePort } from './process-utils.ts';

const CLI = path.join(ROOT_DIR, 'packages/server/bin/motcua.mjs');

async function waitReady(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await fetch(url)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`not ready: ${url}`);
}

/**
 * Ctrl+C in a terminal sends SIGINT to the whole foreground process group: the server AND the
 * embedded PostgreSQL it started. The database then ends its connections while the server is
 * still closing; an idle pooled client's 'error' used to crash the process with an unhandled
 * 'error' event (exit 1 and a stack trace). The server must stop cleanly and exit 0.
 */
describe('shutdown', () => {
  it('SIGINT to the process group (Ctrl+C) of `motcua serve` on the embedded database exits 0 without an error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-shutdown-'));
    const port = await freePort();
    const pgPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MOTCUA_DATA_DIR: dir,
      PORT: String(port),
      MOTCUA_EMBEDDED_PG_PORT: String(pgPort),
    };
    delete env.DATABASE_URL; // the embedded database is the point: it shares the process group
    // detached: the child leads its own process group, as a shell's foreground job does.
    const child = spawn(process.execPath, [CLI, 'serve'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => {
      out += String(c);
    });
    child.stderr.on('data', (c) => {
      out += String(c);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitReady(`http://127.0.0.1:${port}/readyz`, 90_000);
      // Some traffic, so the pools hold connections when the database goes away.
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/agencies`)).status).toBe(200);
      process.kill(-child.pid!, 'SIGINT');
      const code = await exited;
      expect(out).toContain('SIGINT: stopping');
      expect(out).not.toMatch(/Unhandled 'error' event|throw er;/);
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

/**
 * The baseline of the command benchmark: pgbench's TPC-B-like transaction on the same server,
 * in a database of its own (no motcua schema), in the same run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { summarize } from './common.ts';

export type PgbenchResult = { clients: number; tps: number; p50: number; p95: number; p99: number; failed: number };

function connArgs(url: string): { args: string[]; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const args = ['-h', u.hostname, '-p', u.port || '5432'];
  if (u.username) args.push('-U', decodeURIComponent(u.username));
  const env = { ...process.env };
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  return { args, env };
}

function run(bin: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      out += d;
    });
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${bin} ${args.join(' ')}: exit ${code}\n${out}`)),
    );
  });
}

export async function pgbenchInit(bin: string, url: string, scale: number): Promise<void> {
  const { args, env } = connArgs(url);
  const db = decodeURIComponent(new URL(url).pathname.slice(1));
  await run(bin, ['-i', '-q', '-s', String(scale), ...args, db], env);
}

/** `pgbench -c N -j J -T D -b tpcb-like` with a per-transaction log, for latency percentiles too. */
export async function pgbenchRun(
  bin: string,
  url: string,
  clients: number,
  threads: number,
  seconds: number,
): Promise<PgbenchResult> {
  const { args, env } = connArgs(url);
  const db = decodeURIComponent(new URL(url).pathname.slice(1));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-pgbench-'));
  try {
    const out = await run(
      bin,
      [
        '-c',
        String(clients),
        '-j',
        String(threads),
        '-T',
        String(seconds),
        '-b',
        'tpcb-like',
        '-l',
        '--log-prefix',
        path.join(dir, 'log'),
        ...args,
        db,
      ],
      env,
      dir,
    );
    const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(out);
    if (!m) throw new Error(`cannot read pgbench's tps:\n${out}`);
    const failed = Number(/number of failed transactions: (\d+)/.exec(out)?.[1] ?? 0);
    const latencies: number[] = [];
    for (const f of fs.readdirSync(dir)) {
      for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
        const parts = line.split(' ');
        if (parts.length >= 3) latencies.push(Number(parts[2]) / 1000);
      }
    }
    const s = summarize(latencies);
    return { clients, tps: Number(m[1]), p50: s.p50, p95: s.p95, p99: s.p99, failed };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Small helpers shared by the benchmarks: command-line options, a seeded PRNG, percentiles,
 * plain-text tables and database administration on the benchmark server.
 */
import pg from 'pg';

export const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** `--name value` / `--name=value` / `--flag` options; `env` names a fallback environment variable. */
export function parseArgs(argv: string[] = process.argv.slice(2)): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}'`);
    const eq = a.indexOf('=');
    if (eq > 0) {
      out.set(a.slice(2, eq), a.slice(eq + 1));
    } else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) {
      out.set(a.slice(2), argv[++i]!);
    } else {
      out.set(a.slice(2), 'true');
    }
  }
  return out;
}

export function opt(args: Map<string, string>, name: string, env: string | null, fallback: string): string {
  return args.get(name) ?? (env ? process.env[env] : undefined) ?? fallback;
}

export function numOpt(args: Map<string, string>, name: string, env: string | null, fallback: number): number {
  const raw = opt(args, name, env, String(fallback)).replace(/[_\s]/g, '');
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`--${name}: not a number: ${raw}`);
  return n;
}

export function listOpt(args: Map<string, string>, name: string, env: string | null, fallback: string): string[] {
  return opt(args, name, env, fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** mulberry32: small, fast, good enough for synthetic data; reproducible with a seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;

export function pick<T>(rng: Rng, list: readonly T[]): T {
  if (list.length === 0) throw new Error('pick from an empty list');
  return list[Math.floor(rng() * list.length)]!;
}

/** Cumulative-weight sampler. */
export function weighted<T>(items: readonly T[], weightOf: (t: T) => number): (rng: Rng) => T {
  const cum: number[] = [];
  let total = 0;
  for (const it of items) {
    total += weightOf(it);
    cum.push(total);
  }
  if (total <= 0) throw new Error('weights sum to zero');
  return (rng) => {
    const x = rng() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return items[lo]!;
  };
}

export function between(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** Percentile (nearest rank) of an ascending-sorted list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(samples: number[]): { n: number; p50: number; p95: number; p99: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((x, y) => x + y, 0) / (s.length || 1);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), mean };
}

export function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return '–';
  return n.toFixed(digits);
}

/** A Markdown table (pipes), so the output can be pasted into docs/performance.md as is. */
export function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(cells[0]!), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.slice(1).map(line)].join(
    '\n',
  );
}

export function log(...parts: unknown[]): void {
  const t = new Date().toISOString().slice(11, 19);
  console.log(`[${t}]`, ...parts);
}

/** The same server, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

function quoteIdent(name: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`refusing unusual database name '${name}'`);
  return `"${name}"`;
}

/** Create the database when missing (connecting to `postgres` on the same server). */
export async function ensureDatabase(url: string, opts: { recreate?: boolean } = {}): Promise<boolean> {
  const name = databaseOf(url);
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    if (opts.recreate) await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) return false;
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    return true;
  } finally {
    await admin.end();
  }
}

export async function serverVersion(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ v: string }>('SELECT version() AS v');
    return r.rows[0]!.v.replace(/ on .*$/, '');
  } finally {
    await c.end();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

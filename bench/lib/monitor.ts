/** What the machine and the server were doing during a measured window: CPU split and wait events. */
import fs from 'node:fs';
import os from 'node:os';
import pg from 'pg';

function cpuTimes(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export type WindowReport = {
  /** machine CPU busy, percent of all cores */
  machineCpu: number;
  /** this Node process, percent of one core */
  nodeCpu: number;
  /** wait events of the benchmark's backends, share of samples (percent), biggest first */
  waits: [string, number][];
};

export class Monitor {
  #client: pg.Client | null = null;
  #timer: NodeJS.Timeout | null = null;
  #waits = new Map<string, number>();
  #cpu0 = cpuTimes();
  #node0 = process.cpuUsage();
  #t0 = performance.now();
  readonly url: string;
  readonly applicationName: string;

  constructor(url: string, applicationName: string) {
    this.url = url;
    this.applicationName = applicationName;
  }

  async start(): Promise<void> {
    this.#client = new pg.Client({ connectionString: this.url, application_name: 'motcua-bench-monitor' });
    await this.#client.connect();
    this.#cpu0 = cpuTimes();
    this.#node0 = process.cpuUsage();
    this.#t0 = performance.now();
    const tick = async () => {
      try {
        const r = await this.#client!.query<{ w: string; n: string }>(
          `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS w, count(*) AS n
             FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database() AND state = 'active'
              AND pid <> pg_backend_pid() GROUP BY 1`,
          [this.applicationName],
        );
        for (const row of r.rows) this.#waits.set(row.w, (this.#waits.get(row.w) ?? 0) + Number(row.n));
      } catch {
        // the window is closing
      }
      if (this.#timer) this.#timer = setTimeout(tick, 50);
    };
    this.#timer = setTimeout(tick, 50);
  }

  async stop(): Promise<WindowReport> {
    const wall = performance.now() - this.#t0;
    const cpu = cpuTimes();
    const node = process.cpuUsage(this.#node0);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#client?.end();
    const all = [...this.#waits.values()].reduce((a, b) => a + b, 0) || 1;
    return {
      machineCpu: (100 * (cpu.busy - this.#cpu0.busy)) / Math.max(1, cpu.total - this.#cpu0.total),
      nodeCpu: (100 * (node.user + node.system)) / 1000 / wall,
      waits: [...this.#waits].map(([w, n]): [string, number] => [w, (100 * n) / all]).sort((a, b) => b[1] - a[1]),
    };
  }
}

export const CORES = os.cpus().length;

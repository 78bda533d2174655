import type { JobHelpers, LogLevel } from 'graphile-worker';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { Mailer } from '../notifications/mail.transport.ts';

export type JobLog = (level: LogLevel, message: string) => void;

/** What every task and scan gets. */
export type JobContext = { db: Db; config: Config; mailer: Mailer; log: JobLog };

/** A task: the payload graphile-worker stored, the context, and graphile-worker's helpers. */
export type JobTask = (payload: unknown, ctx: JobContext, helpers: JobHelpers) => Promise<void>;

/** A periodic scan; it must be idempotent (it runs every minute, in one worker at a time per tick). */
export type ScanHandler = (ctx: JobContext, now: Date) => Promise<unknown>;

/** Where a module registers its jobs (jobs.worker.ts implements it). */
export type JobRegistry = {
  /** A task graphile-worker runs by this identifier. */
  task(identifier: string, fn: JobTask): void;
  /** A periodic scan, run every minute after those registered before it. */
  scan(name: string, fn: ScanHandler): void;
  /** Also run `task` for every outbox message of `topic`. */
  route(topic: string, task: string): void;
};

/** A module's job registration (`register…Jobs` in its `*.jobs.ts`). */
export type ModuleJobs = (jobs: JobRegistry) => void;

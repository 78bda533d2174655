import { registerAccountJobs } from './modules/accounts/accounts.jobs.ts';
import { registerDossierJobs } from './modules/dossiers/dossier.jobs.ts';
import { registerIndicatorJobs } from './modules/indicators/indicators.jobs.ts';
import { registerIntegrationJobs } from './modules/integration/integration.jobs.ts';
import type { ModuleJobs } from './modules/jobs/jobs.types.ts';
import { type Jobs, type StartJobsOptions, startJobRunner } from './modules/jobs/jobs.worker.ts';
import { registerNotificationJobs } from './modules/notifications/notifications.jobs.ts';

export type { Jobs, StartJobsOptions };

/**
 * The composition root of the background work: every module's jobs, in the order their scans run
 * (the deadline scan first). `serve`, `motcua worker` and the tests start the worker through here.
 */
export const MODULE_JOBS: readonly ModuleJobs[] = [
  registerDossierJobs, // deadline reminders and escalations (first), supplement time-outs
  registerIndicatorJobs, // fold indicator deltas
  registerNotificationJobs, // applicant emails, reminders and escalations
  registerAccountJobs, // verification codes by email and SMS
  registerIntegrationJobs, // webhooks, national portal
];

export function startJobs(opts: StartJobsOptions): Promise<Jobs> {
  return startJobRunner(opts, MODULE_JOBS);
}

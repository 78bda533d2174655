import type { JobRegistry } from '../jobs/jobs.types.ts';
import { PUSH_TASK, pushToNationalPortal, queueNationalPortalPush, SYNC_TASK } from './nationalportal.service.ts';
import { DELIVER_TASK, deliverWebhook, FANOUT_TASK, fanOutDossierEvent } from './webhooks.service.ts';

/**
 * The integration module's jobs: every `dossier.event` outbox message is also fanned out to webhook
 * subscriptions and queued for the national portal; deliveries and pushes are jobs of their own.
 */
export function registerIntegrationJobs(jobs: JobRegistry): void {
  jobs.route('dossier.event', FANOUT_TASK);
  jobs.route('dossier.event', SYNC_TASK);
  jobs.task(FANOUT_TASK, fanOutDossierEvent);
  jobs.task(DELIVER_TASK, (payload, ctx) => deliverWebhook(payload, ctx));
  jobs.task(SYNC_TASK, queueNationalPortalPush);
  jobs.task(PUSH_TASK, pushToNationalPortal);
}

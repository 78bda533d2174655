import { registerTask } from '../jobs/jobs.worker.ts';
import { routeTopic } from '../jobs/outbox.relay.ts';
import { PUSH_TASK, pushToNationalPortal, queueNationalPortalPush, SYNC_TASK } from './nationalportal.service.ts';
import { DELIVER_TASK, deliverWebhook, FANOUT_TASK, fanOutDossierEvent } from './webhooks.service.ts';

/**
 * The integration module's jobs: every `dossier.event` outbox message is also fanned out to webhook
 * subscriptions and queued for the national portal; deliveries and pushes are jobs of their own.
 */
export function registerIntegrationJobs(): void {
  routeTopic('dossier.event', FANOUT_TASK);
  routeTopic('dossier.event', SYNC_TASK);
  registerTask(FANOUT_TASK, fanOutDossierEvent);
  registerTask(DELIVER_TASK, (payload, ctx) => deliverWebhook(payload, ctx));
  registerTask(SYNC_TASK, queueNationalPortalPush);
  registerTask(PUSH_TASK, pushToNationalPortal);
}

/**
 * Jobs of the notifications module, registered by the composition root (src/jobs.ts):
 * - `notify_applicant` — one job per `dossier.event` outbox message: emails the applicant when the
 *   event concerns them (notification.templates.ts), at most once (notifications.service.ts).
 * - `send_alert` — one job per `dossier.alert` message: the reminder or escalation emails.
 */
import { z } from 'zod';
import { userById } from '../accounts/accounts.queries.ts';
import { alertForDelivery } from '../dossiers/dossier.queries.ts';
import type { JobContext, JobRegistry } from '../jobs/jobs.types.ts';
import type { OutboxJobPayload } from '../outbox/outbox.relay.ts';
import { alertEmail, DossierEventMessage } from './notification.templates.ts';
import { applicantEmailFor } from './notifications.applicant.ts';
import { deliverOnce } from './notifications.service.ts';

const Email = z.email();

async function notifyApplicant(payload: unknown, ctx: JobContext): Promise<void> {
  const job = payload as OutboxJobPayload;
  const parsed = DossierEventMessage.safeParse(job.message);
  if (!parsed.success) {
    // A malformed message will not get better by retrying.
    ctx.log('warning', `notify_applicant: outbox ${job.outboxId} is not a dossier event message; skipped`);
    return;
  }
  const e = parsed.data;
  const email = await applicantEmailFor(ctx.db, e, ctx.config.publicUrl);
  if (!email) return;
  let to = e.applicantEmail ?? null;
  if (!to && e.applicantUserId) {
    to = (await userById(ctx.db, e.applicantUserId))?.email ?? null;
  }
  if (!to || !Email.safeParse(to).success) return;
  await deliverOnce(ctx.db, ctx.mailer, {
    dossierId: e.dossierId,
    eventVersion: e.version,
    kind: e.eventType,
    recipient: to,
    recipientUserId: e.applicantUserId ?? null,
    subject: email.subject,
    body: email.text,
  });
}

async function sendAlert(payload: unknown, ctx: JobContext): Promise<void> {
  const job = payload as OutboxJobPayload;
  const alertId = String(job.message.alertId ?? '');
  if (!/^\d+$/.test(alertId)) return;
  const a = await alertForDelivery(ctx.db, alertId);
  if (!a) return;
  const steps = (a.workflow as { steps?: { id: string; name_vi?: string }[] } | null)?.steps ?? [];
  const stepName = steps.find((s) => s.id === a.current_step)?.name_vi ?? a.current_step;
  const errors: unknown[] = [];
  for (const r of a.recipients) {
    const email = alertEmail(
      {
        kind: a.kind,
        code: a.code,
        procedureName: a.procedure_name,
        applicantName: a.applicant_name,
        stepName,
        deadline: a.deadline,
        raisedAt: a.created_at,
        assigneeName: a.assignee_name,
        recipientName: r.name,
        dossierId: a.dossier_id,
      },
      ctx.config.publicUrl,
    );
    try {
      await deliverOnce(ctx.db, ctx.mailer, {
        dossierId: a.dossier_id,
        alertId: a.id,
        kind: a.kind,
        recipient: r.email,
        recipientUserId: r.userId,
        subject: email.subject,
        body: email.text,
      });
    } catch (err) {
      // Try every recipient; the retry sends only to those not yet marked sent.
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} alert emails failed`);
}

export function registerNotificationJobs(jobs: JobRegistry): void {
  jobs.task('notify_applicant', notifyApplicant);
  jobs.task('send_alert', sendAlert);
}

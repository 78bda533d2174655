/**
 * Jobs of the accounts module: the verification emails and SMS (verification.ts queues them in the
 * request's transaction; the outbox relay turns them into these jobs). Registered by the composition root (src/jobs.ts).
 */
import { z } from 'zod';
import type { JobContext, JobRegistry } from '../jobs/jobs.types.ts';
import { openSmsGateway, type SmsGateway } from '../notifications/sms.gateway.ts';
import { deliverSms, SMS_TOPIC } from '../notifications/sms.service.ts';
import type { OutboxJobPayload } from '../outbox/outbox.relay.ts';
import { ACCOUNT_EMAIL_TOPIC } from './verification.ts';

const AccountEmail = z.object({ to: z.email(), subject: z.string().min(1), text: z.string().min(1) });

export async function sendAccountEmail(payload: unknown, ctx: JobContext): Promise<void> {
  const parsed = AccountEmail.safeParse((payload as OutboxJobPayload).message);
  if (!parsed.success) {
    ctx.log('warning', `send_account_email: outbox ${(payload as OutboxJobPayload).outboxId} malformed; skipped`);
    return;
  }
  await ctx.mailer.send({ ...parsed.data, headers: { 'X-Motcua-Kind': 'account' } });
}

let gateway: SmsGateway | undefined;

export async function sendSms(payload: unknown, ctx: JobContext): Promise<void> {
  const smsId = String((payload as OutboxJobPayload).message.smsId ?? '');
  if (!z.uuid().safeParse(smsId).success) return;
  gateway ??= openSmsGateway(ctx.config);
  await deliverSms(ctx.db, gateway, smsId);
}

export function registerAccountJobs(jobs: JobRegistry): void {
  jobs.task('send_account_email', sendAccountEmail);
  jobs.route(ACCOUNT_EMAIL_TOPIC, 'send_account_email');
  jobs.task('send_sms', sendSms);
  jobs.route(SMS_TOPIC, 'send_sms');
}

import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database.ts';
import { enqueue } from '../outbox/outbox.service.ts';
import type { SmsGateway } from './sms.gateway.ts';

/** Outbox topic of a queued SMS; the job `send_sms` delivers it (accounts.jobs.ts registers both). */
export const SMS_TOPIC = 'sms.queued';

/**
 * Queue an SMS in the caller's transaction: a row of the SMS store (status `queued`) and an outbox
 * message, so the SMS leaves only if the transaction commits.
 */
export async function queueSms(tx: Tx, sms: { kind: string; to: string; text: string }): Promise<string> {
  const { id } = await tx
    .insertInto('sms_messages')
    .values({ kind: sms.kind, recipient: sms.to, body: sms.text, provider_ref: null, last_error: null, sent_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  await enqueue(tx, { topic: SMS_TOPIC, aggregateType: 'sms', aggregateId: id, payload: { smsId: id } });
  return id;
}

/**
 * Send one queued SMS at most once: the row is locked while sending, a retry finds it `sent` and
 * does nothing; a failure is recorded and rethrown (the job retries with its backoff).
 */
export async function deliverSms(db: Db, gateway: SmsGateway, smsId: string): Promise<'sent' | 'already_sent'> {
  let failure: unknown;
  const r = await db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('sms_messages')
      .select(['id', 'recipient', 'body', 'status'])
      .where('id', '=', smsId)
      .forUpdate()
      .executeTakeFirst();
    if (!row || row.status === 'sent') return 'already_sent' as const;
    try {
      const { providerRef } = await gateway.send({ to: row.recipient, text: row.body });
      await tx
        .updateTable('sms_messages')
        .set({ status: 'sent', provider_ref: providerRef, sent_at: new Date(), attempts: sql`attempts + 1` })
        .where('id', '=', row.id)
        .execute();
      return 'sent' as const;
    } catch (err) {
      failure = err;
      await tx
        .updateTable('sms_messages')
        .set({
          status: 'failed',
          attempts: sql`attempts + 1`,
          last_error: String((err as Error).message ?? err).slice(0, 1000),
        })
        .where('id', '=', row.id)
        .execute();
      return 'failed' as const;
    }
  });
  if (r === 'failed') throw failure;
  return r;
}

/** Deliver every queued SMS (the e2e server runs no job worker; a repair after an outage). */
export async function deliverQueuedSms(db: Db, gateway: SmsGateway): Promise<number> {
  const rows = await db
    .selectFrom('sms_messages')
    .select('id')
    .where('status', '=', 'queued')
    .orderBy('created_at')
    .execute();
  for (const r of rows) await deliverSms(db, gateway, r.id);
  return rows.length;
}

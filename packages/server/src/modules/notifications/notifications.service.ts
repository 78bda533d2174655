import { sql } from 'kysely';
import type { Db, Executor } from '../../db/database.ts';
import type { Mailer } from './mail.transport.ts';

/** What a notification is about: a dossier event (by version) or a deadline alert. */
export type NotificationSubject =
  | { dossierId: string; eventVersion: number; alertId?: undefined }
  | { dossierId: string; alertId: string; eventVersion?: undefined };

export type OutgoingEmail = NotificationSubject & {
  kind: string;
  recipient: string;
  recipientUserId: string | null;
  subject: string;
  body: string;
};

export type DeliveryResult = 'sent' | 'already_sent';

/** The SMTP error, shortened for the table and the job's last_error. */
function describe(err: unknown): string {
  const e = err as { message?: string; responseCode?: number };
  return (e.message ?? String(err)).slice(0, 1000);
}

/**
 * Send one email at most once. The `notifications` row (unique per dossier event or alert, channel
 * and recipient) is locked while sending: a retried or concurrent job waits, then finds `sent` and
 * does nothing. A failed send is recorded (status `failed`, attempts, last_error) and rethrown, so
 * the job fails and graphile-worker retries it with its backoff. The one remaining window — the
 * SMTP server accepted, the process died before the commit — sends twice (at-least-once).
 */
export async function deliverOnce(db: Db, mailer: Mailer, email: OutgoingEmail): Promise<DeliveryResult> {
  let failure: unknown;
  const result = await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('notifications')
      .values({
        dossier_id: email.dossierId,
        event_version: email.eventVersion ?? null,
        alert_id: email.alertId ?? null,
        kind: email.kind,
        channel: 'email',
        recipient: email.recipient,
        recipient_user_id: email.recipientUserId,
        subject: email.subject,
        body: email.body,
        last_error: null,
        sent_at: null,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    let q = tx
      .selectFrom('notifications')
      .select(['id', 'status', 'subject', 'body'])
      .where('channel', '=', 'email')
      .where('recipient', '=', email.recipient);
    q =
      email.alertId !== undefined
        ? q.where('alert_id', '=', email.alertId)
        : q.where('dossier_id', '=', email.dossierId).where('event_version', '=', email.eventVersion);
    const row = await q.forUpdate().executeTakeFirstOrThrow();
    if (row.status === 'sent') return 'already_sent' as const;
    try {
      // The stored text, not a re-rendering: every attempt sends the same email.
      await mailer.send({
        to: email.recipient,
        subject: row.subject,
        text: row.body,
        headers: { 'X-Motcua-Notification': row.id },
      });
    } catch (err) {
      failure = err;
      await tx
        .updateTable('notifications')
        .set({ status: 'failed', attempts: sql`attempts + 1`, last_error: describe(err) })
        .where('id', '=', row.id)
        .execute();
      return 'failed' as const;
    }
    await tx
      .updateTable('notifications')
      .set({ status: 'sent', attempts: sql`attempts + 1`, last_error: null, sent_at: new Date() })
      .where('id', '=', row.id)
      .execute();
    return 'sent' as const;
  });
  if (result === 'failed') throw failure;
  return result;
}

export type NotificationView = {
  id: string;
  dossierId: string;
  eventVersion: number | null;
  alertId: string | null;
  kind: string;
  channel: string;
  recipient: string;
  subject: string;
  status: 'queued' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
};

export async function listNotifications(
  ex: Executor,
  filter: { status?: 'queued' | 'sent' | 'failed'; dossierId?: string; before?: string; limit: number },
): Promise<NotificationView[]> {
  let q = ex.selectFrom('notifications').selectAll();
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.dossierId) q = q.where('dossier_id', '=', filter.dossierId);
  if (filter.before) q = q.where(sql<boolean>`id < ${filter.before}::bigint`);
  const rows = await q.orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    dossierId: r.dossier_id,
    eventVersion: r.event_version,
    alertId: r.alert_id,
    kind: r.kind,
    channel: r.channel,
    recipient: r.recipient,
    subject: r.subject,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at.toISOString(),
    sentAt: r.sent_at?.toISOString() ?? null,
  }));
}

import { type Kysely, sql } from 'kysely';

/**
 * Jobs (modules/jobs): deadline alerts and sent notifications. The job queue itself lives in the
 * `graphile_worker` schema, which graphile-worker migrates on start; these are our own tables.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  // Nhắc việc / cảnh báo quá hạn: one row per alert, at most once per kind and step visit
  // (`step_entered_at` identifies the visit: a dossier sent back to a step is a new visit).
  await sql`
    CREATE TABLE dossier_alerts (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      dossier_id uuid NOT NULL REFERENCES dossiers(id),
      kind text NOT NULL CHECK (kind IN ('step_reminder','step_overdue','appointment_overdue')),
      step_entered_at timestamptz NOT NULL,
      -- the deadline the alert is about: the step's due for step_*, the appointment for appointment_overdue
      deadline timestamptz NOT NULL,
      -- who was alerted, fixed when the alert is raised: [{ userId, name, email }]
      recipients jsonb NOT NULL DEFAULT '[]',
      -- when the scan raised it (the scan's clock)
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (dossier_id, kind, step_entered_at)
    )`.execute(db);

  // Every message sent (or being sent) about a dossier. The unique keys make delivery idempotent:
  // a retried job finds its row and sends nothing once it says `sent`.
  await sql`
    CREATE TABLE notifications (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      dossier_id uuid NOT NULL REFERENCES dossiers(id),
      -- what the message is about: a dossier event (its version) or an alert
      event_version integer,
      alert_id bigint REFERENCES dossier_alerts(id),
      kind text NOT NULL,
      channel text NOT NULL CHECK (channel IN ('email')),
      recipient text NOT NULL,
      recipient_user_id uuid REFERENCES users(id),
      subject text NOT NULL,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sent','failed')),
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      CHECK ((event_version IS NULL) <> (alert_id IS NULL)),
      UNIQUE (dossier_id, event_version, channel, recipient),
      UNIQUE (alert_id, channel, recipient)
    )`.execute(db);
  await sql`CREATE INDEX notifications_dossier ON notifications (dossier_id, created_at)`.execute(db);
  await sql`CREATE INDEX notifications_unsent ON notifications (status, created_at DESC) WHERE status <> 'sent'`.execute(
    db,
  );
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}

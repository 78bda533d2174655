import { type Kysely, sql } from 'kysely';

/**
 * One-time codes that verify a registration or a password reset (accounts/verification.ts), and
 * the local SMS store: every SMS the system sends, kept with its status (notifications/sms.*.ts).
 * Codes are stored as argon2id hashes, expire after 10 minutes, allow 5 attempts and are used once.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE verification_codes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      purpose text NOT NULL CHECK (purpose IN ('registration', 'password_reset')),
      subject text NOT NULL,
      user_id uuid REFERENCES users (id) ON DELETE CASCADE,
      channel text CHECK (channel IN ('email', 'sms')),
      destination text,
      code_hash text NOT NULL,
      payload jsonb,
      attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      max_attempts integer NOT NULL DEFAULT 5 CHECK (max_attempts > 0),
      expires_at timestamptz NOT NULL,
      consumed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX verification_codes_subject_idx ON verification_codes (purpose, subject, created_at)`.execute(
    db,
  );
  await sql`
    CREATE TABLE sms_messages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL,
      recipient text NOT NULL,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      provider_ref text,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX sms_messages_recipient_idx ON sms_messages (recipient, created_at)`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE sms_messages`.execute(db);
  await sql`DROP TABLE verification_codes`.execute(db);
}

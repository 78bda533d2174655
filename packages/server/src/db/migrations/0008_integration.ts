import { type Kysely, sql } from 'kysely';

/**
 * Integration (modules/integration, docs/integration.md): API clients and their short-lived
 * bearer tokens (OAuth 2.0 client credentials), the exchange log (append-only, hash-chained),
 * webhook subscriptions and deliveries (CloudEvents, Standard Webhooks signatures), and the
 * national public-service portal synchronization (pushes out, dossiers in).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  // Hệ thống kết nối: another system that calls our API. The secret is kept only as a SHA-256
  // digest (it is 256 random bits, not a password: a fast hash is enough and verification is cheap).
  await sql`
    CREATE TABLE api_clients (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      description text,
      secret_hash text NOT NULL,
      scopes text[] NOT NULL,
      -- the agencies whose dossiers the client may see (each with its subtree)
      agency_ids uuid[] NOT NULL,
      -- null: every procedure of those agencies
      procedure_ids uuid[],
      active boolean NOT NULL DEFAULT true,
      created_by uuid REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    )`.execute(db);

  // Opaque bearer tokens, stored as SHA-256 digests: a leaked table does not leak live tokens.
  await sql`
    CREATE TABLE api_client_tokens (
      token_hash text PRIMARY KEY,
      client_id uuid NOT NULL REFERENCES api_clients(id),
      scopes text[] NOT NULL,
      issued_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX api_client_tokens_expiry ON api_client_tokens (expires_at)`.execute(db);

  // Nhật ký trao đổi: every call of a client (X-Road keeps such a message log). Append-only and
  // hash-chained like audit_log; GET /api/v1/integration/exchange-log/verify checks it.
  await sql`
    CREATE TABLE exchange_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL,
      client_id uuid NOT NULL,
      request_id text,
      method text NOT NULL,
      path text NOT NULL,
      purpose text,
      dossier_code text,
      status integer NOT NULL,
      request_hash text NOT NULL,
      response_hash text NOT NULL,
      prev_hash text NOT NULL,
      hash text NOT NULL UNIQUE
    )`.execute(db);
  await sql`CREATE INDEX exchange_log_client ON exchange_log (client_id, at)`.execute(db);
  await sql`CREATE INDEX exchange_log_dossier ON exchange_log (dossier_code) WHERE dossier_code IS NOT NULL`.execute(
    db,
  );
  await sql`
    CREATE FUNCTION exchange_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'exchange_log is append-only' USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER exchange_log_no_update BEFORE UPDATE OR DELETE ON exchange_log
    FOR EACH ROW EXECUTE FUNCTION exchange_log_append_only()`.execute(db);
  await sql`
    CREATE TRIGGER exchange_log_no_truncate BEFORE TRUNCATE ON exchange_log
    FOR EACH STATEMENT EXECUTE FUNCTION exchange_log_append_only()`.execute(db);

  // Webhook subscriptions. The signing secret is kept in clear: HMAC needs it to sign.
  await sql`
    CREATE TABLE webhook_subscriptions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      client_id uuid NOT NULL REFERENCES api_clients(id),
      url text NOT NULL,
      secret text NOT NULL,
      -- empty: every event type
      event_types text[] NOT NULL DEFAULT '{}',
      -- null: every agency / procedure the client is scoped to
      agency_ids uuid[],
      procedure_ids uuid[],
      created_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX webhook_subscriptions_active ON webhook_subscriptions (client_id) WHERE deleted_at IS NULL`.execute(
    db,
  );

  // One row per (subscription, event): the unique key means one delivery per event, ever.
  await sql`
    CREATE TABLE webhook_deliveries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      subscription_id uuid NOT NULL REFERENCES webhook_subscriptions(id),
      event_id text NOT NULL,
      event_type text NOT NULL,
      dossier_id uuid REFERENCES dossiers(id),
      event jsonb NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','failed')),
      attempts integer NOT NULL DEFAULT 0,
      last_status_code integer,
      last_error text,
      next_attempt_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz,
      UNIQUE (subscription_id, event_id)
    )`.execute(db);
  await sql`CREATE INDEX webhook_deliveries_list ON webhook_deliveries (subscription_id, created_at DESC)`.execute(db);

  // Đồng bộ Cổng Dịch vụ công quốc gia: one push per dossier event that changed the status.
  await sql`
    CREATE TABLE national_portal_pushes (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      dossier_id uuid NOT NULL REFERENCES dossiers(id),
      dossier_version integer NOT NULL,
      status_code integer,
      state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','sent','failed')),
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      payload jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      UNIQUE (dossier_id, dossier_version)
    )`.execute(db);
  await sql`CREATE INDEX national_portal_pushes_open ON national_portal_pushes (created_at) WHERE state <> 'sent'`.execute(
    db,
  );

  // Dossiers submitted on the national portal (its MaHoSo) and the dossier they became.
  await sql`
    CREATE TABLE national_portal_dossiers (
      portal_code text PRIMARY KEY,
      dossier_id uuid NOT NULL UNIQUE REFERENCES dossiers(id),
      client_id uuid NOT NULL REFERENCES api_clients(id),
      received_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}

import { type Kysely, sql } from 'kysely';

/**
 * One identity per person (issue 17, docs/identity.md):
 *
 * 1. `user_identities`: an account's link to an external OpenID Connect identity (the national
 *    VNeID/DVCQG SSO for applicants, the province's own IdP for officers), keyed by the provider
 *    and its stable subject (DVCQG `TechID`). The verified fields the identity asserted (name, date
 *    of birth, sex, address; a business's name and representative) are kept with the level of
 *    assurance (Decree 69/2024 art. 12: mức độ 1/2) and are what the user may not edit.
 * 2. `oidc_sign_ins`: authorization requests in flight (state, nonce, PKCE verifier), single use,
 *    bound to the browser that started them by a cookie hash; any API process may finish one.
 * 3. `sessions` record how they were opened: `password` or `oidc:<provider>`, the assurance level
 *    and the ID token (for RP-initiated logout).
 * 4. `dossier_drafts.verified` / `dossiers.verified_fields`: the e-form fields prefilled from a
 *    register or the identity (path → value on the draft, path → origin on the dossier): the
 *    applicant may not change them, and the officer sees where each came from.
 * 5. `personal_data_access`: every read of a person's record from a national register and every
 *    officer's read of a dossier's personal data (Decree 13/2023/NĐ-CP art. 9: the data subject
 *    may know who processed their data and why), shown to the person in "Hồ sơ của tôi".
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE user_identities (
      provider text NOT NULL,
      subject text NOT NULL,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      assurance_level smallint CHECK (assurance_level BETWEEN 1 AND 2),
      verified jsonb NOT NULL,
      linked_at timestamptz NOT NULL DEFAULT now(),
      last_sign_in_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (provider, subject)
    );
    CREATE UNIQUE INDEX user_identities_user ON user_identities (user_id, provider);

    CREATE TABLE oidc_sign_ins (
      state_hash text PRIMARY KEY,
      provider text NOT NULL,
      browser_hash text NOT NULL,
      nonce text NOT NULL,
      code_verifier text NOT NULL,
      return_to text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX oidc_sign_ins_expiry ON oidc_sign_ins (expires_at);

    ALTER TABLE dossier_drafts ADD COLUMN verified jsonb NOT NULL DEFAULT '{}';
    ALTER TABLE dossiers ADD COLUMN verified_fields jsonb;

    ALTER TABLE sessions
      ADD COLUMN auth_method text NOT NULL DEFAULT 'password',
      ADD COLUMN assurance_level smallint,
      ADD COLUMN id_token text;

    CREATE TABLE personal_data_access (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      subject_personal_id text,
      subject_tax_code text,
      subject_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
      accessor_id uuid REFERENCES users(id) ON DELETE SET NULL,
      accessor_kind text NOT NULL,
      accessor_name text,
      agency_id uuid REFERENCES agencies(id),
      source text NOT NULL CHECK (source IN ('population_register','business_registry','dossier')),
      purpose text NOT NULL,
      dossier_id uuid,
      outcome text NOT NULL,
      CHECK (subject_personal_id IS NOT NULL OR subject_tax_code IS NOT NULL OR subject_user_id IS NOT NULL)
    );
    CREATE INDEX personal_data_access_person ON personal_data_access (subject_personal_id, at DESC)
      WHERE subject_personal_id IS NOT NULL;
    CREATE INDEX personal_data_access_user ON personal_data_access (subject_user_id, at DESC)
      WHERE subject_user_id IS NOT NULL;
    CREATE INDEX personal_data_access_tax ON personal_data_access (subject_tax_code, at DESC)
      WHERE subject_tax_code IS NOT NULL;
  `.execute(db);
}

import type { ColumnType, Generated } from 'kysely';

/** Tables of migration 0020 (issue 17: identity, personal-data access); part of `Database` in schema.ts. */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** Migration 0020: an account's link to an external OIDC identity (modules/identity). */
export interface UserIdentityTable {
  provider: string;
  subject: string;
  user_id: string;
  assurance_level: number | null;
  verified: ColumnType<VerifiedIdentity, string, string>;
  linked_at: CreatedAt;
  last_sign_in_at: Timestamp;
}

/** What an identity provider asserted about the person (or the business and its representative). */
export type VerifiedIdentity = {
  accountType: 'citizen' | 'organization';
  fullName: string;
  personalId: string | null;
  oldIdCard: string | null;
  dateOfBirth: string | null;
  sex: 'male' | 'female' | null;
  address: string | null;
  phone: string | null;
  email: string | null;
  taxCode: string | null;
  businessName: string | null;
};

/** Migration 0020: an authorization request in flight. */
export interface OidcSignInTable {
  state_hash: string;
  provider: string;
  browser_hash: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  created_at: CreatedAt;
  expires_at: Date;
}

/** Migration 0020: who read a person's personal data, when and why (Decree 13/2023). */
export interface PersonalDataAccessTable {
  id: Generated<string>;
  at: CreatedAt;
  subject_personal_id: string | null;
  subject_tax_code: string | null;
  subject_user_id: string | null;
  accessor_id: string | null;
  accessor_kind: string;
  accessor_name: string | null;
  agency_id: string | null;
  source: 'population_register' | 'business_registry' | 'dossier';
  purpose: string;
  dossier_id: string | null;
  outcome: string;
}

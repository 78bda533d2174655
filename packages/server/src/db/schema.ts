import type { OfficerRole } from '@motcua/core';
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { OidcSignInTable, PersonalDataAccessTable, UserIdentityTable } from './schema.identity.ts';

export type { VerifiedIdentity } from './schema.identity.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type AgencyLevel = 'province' | 'department' | 'district' | 'commune' | 'unit' | 'center';

/** Cơ quan, đơn vị — one node of the province's agency tree. */
export interface AgencyTable {
  id: Generated<string>;
  parent_id: string | null;
  /** Mã định danh điện tử của cơ quan (QCVN 102:2016/BTTTT), e.g. 000.00.00.H17. */
  code: string;
  name: string;
  name_en: string | null;
  level: AgencyLevel;
  /** Mã đơn vị hành chính of a province or commune (statistics office), e.g. `48`, `20242`. */
  admin_unit_code: string | null;
  /** Materialized path of ids, `/<root>/<child>/…/<self>/`; the authorization scope. */
  path: string;
  address: string | null;
  phone: string | null;
  email: string | null;
  /** A one-stop unit (Bộ phận Một cửa) that receives dossiers for its parent agency. */
  receives_dossiers: Generated<boolean>;
  /** Deactivated agencies stay for history; they take no new officers, procedures or dossiers. */
  active: Generated<boolean>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type UserKind = 'officer' | 'applicant';
export type ApplicantType = 'citizen' | 'organization';

export interface UserTable {
  id: Generated<string>;
  kind: UserKind;
  username: string;
  full_name: string;
  email: string | null;
  phone: string | null;
  agency_id: string | null;
  applicant_type: ApplicantType | null;
  personal_id: string | null;
  tax_code: string | null;
  password_hash: string;
  failed_logins: Generated<number>;
  locked_until: Date | null;
  active: Generated<boolean>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface UserRoleTable {
  user_id: string;
  role: OfficerRole;
}

export interface SessionTable {
  /** SHA-256 of the cookie token: a leaked table does not leak live sessions. */
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: CreatedAt;
  expires_at: Date;
  last_seen_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
  /** Migration 0020: `password` or `oidc:<provider>`. */
  auth_method: Generated<string>;
  /** VNeID level of assurance (1, 2) of an OIDC sign-in; null for a password. */
  assurance_level: number | null;
  /** The identity provider's ID token, for RP-initiated logout. */
  id_token: string | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: Date;
  actor_id: string | null;
  actor_kind: string;
  agency_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  request_id: string | null;
  result: string;
  details: unknown;
  prev_hash: string;
  hash: string;
  /** Which of the audit chains the row links into (0…63, decision 0006). */
  chain: Generated<number>;
}

export interface OutboxTable {
  id: Generated<string>;
  topic: string;
  aggregate_type: string;
  aggregate_id: string;
  payload: unknown;
  created_at: CreatedAt;
  published_at: Date | null;
}

export interface CalendarScheduleTable {
  id: Generated<string>;
  /** Province mã đơn vị hành chính (agencies.admin_unit_code); null for a national schedule. */
  province: string | null;
  year: number;
  /** core AnnouncedSchedule.complete: the schedule lists every nghỉ bù of the year itself. */
  complete: boolean;
  national_day_extra: 'before' | 'after' | null;
  source: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface CalendarScheduleEntryTable {
  schedule_id: string;
  /** A PostgreSQL `date`: select it as to_char(date, 'YYYY-MM-DD') (pg turns a bare date into a local-midnight Date). */
  date: ColumnType<Date, string, string>;
  kind: 'day_off' | 'working_day';
  name_vi: string;
  name_en: string;
  source: string;
  confirmed: boolean;
}

export interface CalendarWorkingHoursTable {
  province: string;
  sessions: ColumnType<{ start: string; end: string }[], string, string>;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface CalendarRevisionTable {
  id: number;
  revision: string;
}

/** Migration 0019: a dossier's folded search text (code, applicant, procedure), written by a trigger. */
export interface DossierSearchTable {
  dossier_id: string;
  search_text: string;
}

/** Migration 0019: the revision of each per-process cache (shared/revisions.ts). */
export interface CacheRevisionTable {
  name: string;
  revision: ColumnType<string, string | undefined, string>;
}

/** Thủ tục hành chính: stable identity of a procedure in the province's catalog (module catalog). */
export interface ProcedureTable {
  id: Generated<string>;
  province_id: string;
  code: string | null;
  full_code: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** One version of a procedure's content: draft → published → archived; immutable once published. */
export interface ProcedureVersionTable {
  id: Generated<string>;
  procedure_id: string;
  version_no: number;
  status: 'draft' | 'published' | 'archived';
  name: string;
  field_code: string;
  field_name: string;
  level: 'province' | 'district' | 'commune';
  online_level: 'full' | 'partial' | 'none' | null;
  applicant_kinds: string[];
  content: unknown;
  source_verified: boolean;
  source_text: string | null;
  source_notes: string | null;
  search_text: Generated<string>;
  created_at: CreatedAt;
  created_by: string | null;
  published_at: Date | null;
  published_by: string | null;
  archived_at: Date | null;
}

export interface ProcedureVersionAgencyTable {
  version_id: string;
  agency_id: string;
}

export interface DossierCodeCounterTable {
  pattern: string;
  scope_key: string;
  last_value: number;
}

export interface DossierDraftTable {
  id: Generated<string>;
  applicant_user_id: string;
  procedure_version_id: string;
  /** Derived from the version by a trigger (0011); unique with the applicant: one draft per procedure. */
  procedure_id: Generated<string>;
  /** The handling unit the citizen chose (Decree 118/2025 art. 14(2)). */
  agency_id: string | null;
  form_data: ColumnType<unknown, string | undefined, string>;
  /** Contact details: phone, email, address, residenceCommuneId. */
  contact: ColumnType<unknown, string | undefined, string>;
  /** Migration 0020: e-form fields prefilled from a register or VNeID (path → { value, origin }); locked. */
  verified: ColumnType<Record<string, { value: string; origin: string }>, string | undefined, string>;
  note: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

type Json = ColumnType<unknown, string, string>;
type NullableTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** Hồ sơ: the projection of a dossier's history (state = evolve over dossier_events). */
export interface DossierTable {
  id: string;
  code: string;
  lookup_secret: string;
  province_id: string;
  procedure_id: string;
  procedure_version_id: string;
  procedure_name: string;
  field_code: string;
  workflow: Json;
  legal_limit: ColumnType<unknown, string | null, string | null>;
  channel: 'online' | 'counter' | 'postal';
  applicant_user_id: string | null;
  /** Migration 0020: e-form field path → where its verified value came from (vneid, population_register…); null: none. */
  verified_fields: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
  applicant: Json;
  applicant_name: string;
  applicant_id_number: string | null;
  applicant_phone: string | null;
  form_data: Json;
  receiving_agency_id: string;
  status: string;
  sub_status: string | null;
  flags: string[];
  current_step: string | null;
  step_agency_id: string | null;
  step_role: string | null;
  main_assignee_id: string | null;
  coordinator_ids: string[];
  observer_ids: string[];
  step_entered_at: NullableTime;
  step_due: NullableTime;
  submitted_at: Timestamp;
  received_at: NullableTime;
  clock_start: NullableTime;
  due: NullableTime;
  original_due: NullableTime;
  paused_since: NullableTime;
  result_at: NullableTime;
  returned_at: NullableTime;
  finished_at: NullableTime;
  outcome: 'granted' | 'refused' | null;
  parent_dossier_id: string | null;
  /** Agency the dossier counts for in indicators (set by trigger, migration 0007). */
  responsible_agency_id: Generated<string | null>;
  parent_consultation_id: string | null;
  state: Json;
  version: number;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface DossierAgencyTable {
  dossier_id: string;
  agency_id: string;
}

export interface DossierConsultationTable {
  id: Generated<string>;
  dossier_id: string;
  consultation_id: string;
  step_id: string;
  agency_id: string;
  opened_at: Timestamp;
  due: NullableTime;
  closed_at: NullableTime;
  outcome: string | null;
  child_dossier_id: string | null;
}

export interface DossierEventTable {
  id: Generated<string>;
  dossier_id: string;
  version: number;
  type: string;
  at: Timestamp;
  actor_user_id: string | null;
  actor_name: string | null;
  actor_agency_id: string | null;
  step_id: string | null;
  status_after: string;
  note: string | null;
  event: Json;
  attachment_ids: ColumnType<string[], string[] | undefined, never>;
}

export interface IdempotencyKeyTable {
  principal: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: Json;
  created_at: CreatedAt;
}

export type AttachmentKind = 'document' | 'supplement' | 'result' | 'other';

export interface AttachmentTable {
  id: Generated<string>;
  dossier_id: string | null;
  draft_id: string | null;
  kind: AttachmentKind;
  slot: string;
  version_no: number;
  file_name: string;
  media_type: string;
  size_bytes: ColumnType<string, number | string, never>;
  sha256: string;
  uploaded_by: string | null;
  uploaded_at: CreatedAt;
}

/** Nhắc việc / cảnh báo quá hạn: raised at most once per (dossier, kind, step visit) (module jobs). */
export interface DossierAlertTable {
  id: Generated<string>;
  dossier_id: string;
  kind: 'step_reminder' | 'step_overdue' | 'appointment_overdue';
  step_entered_at: ColumnType<Date, Date | string, never>;
  deadline: ColumnType<Date, Date | string, never>;
  recipients: ColumnType<{ userId: string; name: string; email: string }[], string | undefined, string>;
  created_at: CreatedAt;
}

/** One message about a dossier to one recipient; its unique keys make delivery idempotent. */
export interface NotificationTable {
  id: Generated<string>;
  dossier_id: string;
  event_version: number | null;
  alert_id: string | null;
  kind: string;
  channel: 'email';
  recipient: string;
  recipient_user_id: string | null;
  subject: string;
  body: string;
  status: Generated<'queued' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: CreatedAt;
  sent_at: Date | null;
}

/** A registered API client (module integration): OAuth 2.0 client credentials, scoped. */
export interface ApiClientTable {
  id: Generated<string>;
  name: string;
  description: string | null;
  secret_hash: string;
  scopes: string[];
  agency_ids: string[];
  procedure_ids: string[] | null;
  /** Information Mediator subsystems the client calls the GovStack facade as (migration 0017). */
  im_subsystems: Generated<string[]>;
  active: Generated<boolean>;
  created_by: string | null;
  created_at: CreatedAt;
  revoked_at: Date | null;
}

export interface ApiClientTokenTable {
  token_hash: string;
  client_id: string;
  scopes: string[];
  issued_at: CreatedAt;
  expires_at: Date;
}

/** Nhật ký trao đổi: one row per API client call; append-only, hash-chained. */
export interface ExchangeLogTable {
  id: Generated<string>;
  at: Date;
  client_id: string;
  request_id: string | null;
  method: string;
  path: string;
  purpose: string | null;
  dossier_code: string | null;
  status: number;
  request_hash: string;
  response_hash: string;
  prev_hash: string;
  hash: string;
}

export interface WebhookSubscriptionTable {
  id: Generated<string>;
  client_id: string;
  url: string;
  secret: string;
  event_types: string[];
  agency_ids: string[] | null;
  procedure_ids: string[] | null;
  created_at: CreatedAt;
  deleted_at: Date | null;
}

export interface WebhookDeliveryTable {
  id: Generated<string>;
  subscription_id: string;
  event_id: string;
  event_type: string;
  dossier_id: string | null;
  event: Json;
  status: Generated<'pending' | 'delivered' | 'failed'>;
  attempts: Generated<number>;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  created_at: CreatedAt;
  delivered_at: Date | null;
}

export interface NationalPortalPushTable {
  id: Generated<string>;
  dossier_id: string;
  dossier_version: number;
  status_code: number | null;
  state: Generated<'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  payload: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: CreatedAt;
  sent_at: Date | null;
}

export interface NationalPortalDossierTable {
  portal_code: string;
  dossier_id: string;
  client_id: string;
  received_at: CreatedAt;
}

/** Shared rate-limit counters (shared/rate-limits.ts). */
export interface RateLimitTable {
  key: string;
  window_start: Date;
  hits: number;
}

export interface Database {
  rate_limits: RateLimitTable;
  agencies: AgencyTable;
  users: UserTable;
  user_roles: UserRoleTable;
  sessions: SessionTable;
  user_identities: UserIdentityTable;
  oidc_sign_ins: OidcSignInTable;
  personal_data_access: PersonalDataAccessTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  procedures: ProcedureTable;
  procedure_versions: ProcedureVersionTable;
  procedure_version_agencies: ProcedureVersionAgencyTable;
  calendar_schedules: CalendarScheduleTable;
  calendar_schedule_entries: CalendarScheduleEntryTable;
  calendar_working_hours: CalendarWorkingHoursTable;
  calendar_revision: CalendarRevisionTable;
  cache_revisions: CacheRevisionTable;
  dossier_search: DossierSearchTable;
  dossier_code_counters: DossierCodeCounterTable;
  dossier_drafts: DossierDraftTable;
  dossiers: DossierTable;
  dossier_agencies: DossierAgencyTable;
  dossier_consultations: DossierConsultationTable;
  dossier_events: DossierEventTable;
  idempotency_keys: IdempotencyKeyTable;
  attachments: AttachmentTable;
  dossier_alerts: DossierAlertTable;
  notifications: NotificationTable;
  govstack_ids: GovstackIdTable;
  api_clients: ApiClientTable;
  api_client_tokens: ApiClientTokenTable;
  exchange_log: ExchangeLogTable;
  webhook_subscriptions: WebhookSubscriptionTable;
  webhook_deliveries: WebhookDeliveryTable;
  national_portal_pushes: NationalPortalPushTable;
  national_portal_dossiers: NationalPortalDossierTable;
  verification_codes: VerificationCodeTable;
  sms_messages: SmsMessageTable;
}

/** One-time codes of a registration or a password reset (migration 0012, accounts/verification.ts). */
export interface VerificationCodeTable {
  id: Generated<string>;
  purpose: 'registration' | 'password_reset';
  /** The username being registered or reset, as typed (normalized). */
  subject: string;
  user_id: string | null;
  channel: 'email' | 'sms' | null;
  destination: string | null;
  /** argon2id of the 6 digits. */
  code_hash: string;
  /** Registration: the account to create (its password already hashed); null when nothing may be created. */
  payload: ColumnType<unknown, string | null, string | null>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  expires_at: Date;
  consumed_at: Date | null;
  created_at: CreatedAt;
}

/** The local SMS store: every SMS sent, with its status (migration 0012, notifications/sms.service.ts). */
export interface SmsMessageTable {
  id: Generated<string>;
  kind: string;
  recipient: string;
  body: string;
  status: Generated<'queued' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  provider_ref: string | null;
  last_error: string | null;
  created_at: CreatedAt;
  sent_at: Date | null;
}

/** GovStack Registration BB facade: external GovStack id ↔ our id (module govstack). */
export interface GovstackIdTable {
  kind: 'service' | 'eform' | 'file' | 'main_task' | 'task' | 'role' | 'user' | 'applicant' | 'operator' | 'document';
  external_id: string;
  internal_id: string;
  meta: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: CreatedAt;
}

export type DossierRow = Selectable<DossierTable>;
export type DossierEventRow = Selectable<DossierEventTable>;
export type AttachmentRow = Selectable<AttachmentTable>;

export type Agency = Selectable<AgencyTable>;
export type NewAgency = Insertable<AgencyTable>;
export type User = Selectable<UserTable>;
export type AuditRow = Selectable<AuditLogTable>;

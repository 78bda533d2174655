/**
 * Which module owns which table (issue 15). The owner is the only code that names the table in a
 * query; every other module calls the owner's functions (or joins through a Kysely expression
 * the owner exports). `test/architecture.test.ts` reads every server source file and fails on a
 * query that names another module's table. docs/architecture.md explains the map.
 *
 * Keys are the folders under src/modules, plus `shared` (src/shared: infrastructure every
 * module uses). Migrations, the demo seed and the composition root (serve, cli, http/app.ts)
 * are not modules: they may name any table.
 */
export const TABLE_OWNERS = {
  agencies: ['agencies'],
  accounts: ['users', 'user_roles', 'sessions', 'verification_codes', 'user_identities'],
  identity: ['oidc_sign_ins', 'personal_data_access'],
  audit: ['audit_log'],
  outbox: ['outbox'],
  catalog: ['procedures', 'procedure_versions', 'procedure_version_agencies'],
  calendar: ['calendar_schedules', 'calendar_schedule_entries', 'calendar_working_hours', 'calendar_revision'],
  dossiers: [
    'dossiers',
    'dossier_events',
    'dossier_drafts',
    'dossier_agencies',
    'dossier_search',
    'dossier_consultations',
    'dossier_code_counters',
    'dossier_alerts',
    'idempotency_keys',
  ],
  attachments: ['attachments'],
  indicators: ['dossier_stat_deltas', 'dossier_stats_day', 'dossier_stats_month'],
  notifications: ['notifications', 'sms_messages'],
  govstack: ['govstack_ids'],
  integration: [
    'api_clients',
    'api_client_tokens',
    'exchange_log',
    'webhook_subscriptions',
    'webhook_deliveries',
    'national_portal_pushes',
    'national_portal_dossiers',
  ],
  shared: ['rate_limits', 'cache_revisions'],
  // Modules that own no table: they work through the others.
  backup: [],
  jobs: [],
  system: [],
  webapi: [],
  documents: [],
  registers: [],
} as const satisfies Record<string, readonly string[]>;

export type ModuleName = keyof typeof TABLE_OWNERS;

export function ownerOf(table: string): ModuleName | undefined {
  for (const [m, tables] of Object.entries(TABLE_OWNERS)) {
    if ((tables as readonly string[]).includes(table)) return m as ModuleName;
  }
  return undefined;
}

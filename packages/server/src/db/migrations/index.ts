import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_foundation.ts';
import * as m0002 from './0002_catalog.ts';
import * as m0003 from './0003_calendar.ts';
import * as m0004 from './0004_dossiers.ts';
import * as m0005 from './0005_jobs.ts';
import * as m0006 from './0006_queue_indexes.ts';
import * as m0007 from './0007_indicators.ts';
import * as m0008 from './0008_integration.ts';
import * as m0009 from './0009_govstack.ts';
import * as m0010 from './0010_agency_lifecycle.ts';
import * as m0011 from './0011_one_draft_per_procedure.ts';
import * as m0012 from './0012_account_verification.ts';
import * as m0016 from './0016_rate_limits.ts';
import * as m0017 from './0017_govstack_clients.ts';
import * as m0018 from './0018_audit_chains.ts';
import * as m0019 from './0019_command_path.ts';
import * as m0020 from './0020_identity.ts';
import * as m0021 from './0021_dossier_row_storage.ts';
import * as m0022 from './0022_catalog_revision.ts';

/** Migrations in order. Never edit one that has landed; add a new file. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_catalog': m0002,
  '0003_calendar': m0003,
  '0004_dossiers': m0004,
  '0005_jobs': m0005,
  '0006_queue_indexes': m0006,
  '0007_indicators': m0007,
  '0008_integration': m0008,
  '0009_govstack': m0009,
  '0010_agency_lifecycle': m0010,
  '0011_one_draft_per_procedure': m0011,
  '0012_account_verification': m0012,
  '0016_rate_limits': m0016,
  '0017_govstack_clients': m0017,
  '0018_audit_chains': m0018,
  '0019_command_path': m0019,
  '0020_identity': m0020,
  '0021_dossier_row_storage': m0021,
  '0022_catalog_revision': m0022,
};

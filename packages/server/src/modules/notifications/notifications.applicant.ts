/**
 * The applicant's notices (job `notify_applicant`, one per `dossier.event` outbox message): what
 * the template needs beyond the message — the lookup secret, the channel, whether the applicant
 * has an account, and the public parts of the event itself (supplement items, refusal reasons,
 * the officer's message to the applicant) — read from the dossier and its history row.
 */
import type { Db } from '../../db/database.ts';
import { dossierWithEvent } from '../dossiers/dossier.queries.ts';
import { type ApplicantFacts, applicantEmail, type DossierEventMessage, type Email } from './notification.templates.ts';

type EventJson = {
  items?: string[];
  reasons?: string[];
  reason?: string | null;
  message?: string | null;
  phase?: 'reception' | 'processing';
  method?: string;
};

/** The email for one dossier event, or null (no notice for this event, or the dossier is gone). */
export async function applicantEmailFor(db: Db, e: DossierEventMessage, publicUrl: string): Promise<Email | null> {
  const row = await dossierWithEvent(db, e.dossierId, e.version);
  // A linked child dossier (hồ sơ liên thông) is between agencies: its applicant hears from the parent.
  if (!row || row.parent_dossier_id) return null;
  const ev = (row.event ?? {}) as EventJson;
  const facts: ApplicantFacts = {
    lookupSecret: row.lookup_secret,
    channel: row.channel,
    hasAccount: row.applicant_user_id !== null,
    items: ev.items ?? null,
    reasons: ev.reasons ?? null,
    reason: ev.reason ?? null,
    message: ev.message ?? null,
    phase: ev.phase ?? null,
    method: ev.method ?? null,
  };
  return applicantEmail(e, publicUrl, facts);
}

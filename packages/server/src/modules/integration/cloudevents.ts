import { type DossierStatus, nationalStatusCode } from '@motcua/core';
import type { OutboxDossierPayload } from '../dossiers/dossier.store.ts';

/**
 * Dossier events as CloudEvents 1.0 (JSON format, structured mode). One CloudEvent per history
 * event of a dossier; its `id` is the dossier id and version, stable however often the outbox
 * message is relayed or the delivery retried — receivers deduplicate on it.
 */
export const EVENT_TYPE_PREFIX = 'vn.motcua.dossier.';

export type CloudEvent = {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: Record<string, unknown>;
};

export type DossierFacts = { procedureId: string; procedureCode: string | null };

export function dossierCloudEvent(m: OutboxDossierPayload, facts: DossierFacts, publicUrl: string): CloudEvent {
  return {
    specversion: '1.0',
    id: `${m.dossierId}.${m.version}`,
    source: `${publicUrl.replace(/\/$/, '')}/api/v1/dossiers`,
    type: `${EVENT_TYPE_PREFIX}${m.eventType}`,
    subject: m.code,
    time: m.at,
    datacontenttype: 'application/json',
    data: {
      dossierId: m.dossierId,
      code: m.code,
      event: m.eventType,
      version: m.version,
      status: m.status,
      previousStatus: m.previousStatus,
      statusChanged: m.status !== m.previousStatus,
      nationalStatusCode: nationalStatusCode(m.status as DossierStatus) ?? null,
      step: m.stepId === null ? null : { id: m.stepId, name: m.stepName, agencyId: m.stepAgencyId },
      receivingAgencyId: m.receivingAgencyId,
      procedureId: facts.procedureId,
      procedureCode: facts.procedureCode,
      procedureName: m.procedureName,
      due: m.due,
    },
  };
}

/** The JSON body of a delivery, keys in the specification's order (a jsonb round trip reorders them). */
export function serializeCloudEvent(e: CloudEvent): string {
  return JSON.stringify({
    specversion: e.specversion,
    id: e.id,
    source: e.source,
    type: e.type,
    subject: e.subject,
    time: e.time,
    datacontenttype: e.datacontenttype,
    data: e.data,
  });
}

import { type Actor, type CommandType, type DossierState, inSubtree, type ResultFileRef } from '@motcua/core';
import type { Executor } from '../../db/database.ts';
import type { DossierRow } from '../../db/schema.ts';
import { Problem } from '../../shared/problem.ts';
import { agenciesByCode } from '../agencies/agencies.queries.ts';
import { newestResultFile } from '../attachments/attachments.queries.ts';

/**
 * The result document of a dossier, as approval and confirmation see it: the newest file of kind
 * `result` (giấy chứng nhận, quyết định, văn bản trả lời…) that an officer or leader attached.
 * `approve` records which file (attachment id + SHA-256) it covered; `sign` — until real digital
 * signatures exist (issue 18) it only confirms the approved file — and `finish` refuse when the
 * file changed since (core machine.ts). Uploading a new version therefore needs a new approval.
 */
export async function currentResultFile(ex: Executor, dossierId: string): Promise<ResultFileRef | null> {
  const row = await newestResultFile(ex, dossierId);
  return row ? { attachmentId: row.id, sha256: row.sha256 } : null;
}

/** Commands whose decision depends on the result file. */
export const RESULT_COMMANDS: ReadonlySet<CommandType> = new Set(['approve', 'sign', 'finish']);

/** The result file an approval or a confirmation is about, kept on its history event. */
export function resultAttachmentIds(type: string, file: ResultFileRef | null, given: string[] = []): string[] {
  if ((type !== 'approve' && type !== 'sign') || file === null || given.includes(file.attachmentId)) return given;
  return [...given, file.attachmentId];
}

/**
 * Who may attach a result file (kind `result`): the people who make the result — the current
 * step's main handler, or a leader of the step's agency (or above it), while the dossier is
 * processed — and the receiving one-stop unit's receptionists once the result is ready (the scan
 * of what they hand back). A consulted agency, or anyone else who can see the dossier, may not:
 * the result document is what the leader approves.
 */
export async function assertMayAttachResult(ex: Executor, actor: Actor, row: DossierRow): Promise<void> {
  if (actor.kind !== 'officer') throw resultForbidden();
  const s = row.state as DossierState;
  if (s.status === 'processing') {
    if (s.assignees.main === actor.userId) return;
    if (actor.roles.includes('leader') && s.stepAgencyCode !== null) {
      const [step] = await agenciesByCode(ex, [s.stepAgencyCode]);
      if (step && inSubtree(actor.agencyPath, step.path)) return;
    }
  } else if ((s.status === 'result_ready' || s.status === 'returned') && actor.roles.includes('receptionist')) {
    if (actor.agencyId === row.receiving_agency_id) return;
  }
  throw resultForbidden();
}

function resultForbidden(): Problem {
  return new Problem('forbidden', {
    detail: {
      vi: 'Chỉ người xử lý bước hiện tại hoặc lãnh đạo đơn vị được đính kèm văn bản kết quả (bộ phận một cửa: khi đã có kết quả)',
      en: 'Only the current step’s handler or its unit’s leader may attach the result document (the one-stop unit: once the result is ready)',
    },
    extra: { reason: 'result_attachment_forbidden' },
  });
}

/**
 * Reception at the one-stop counter (tiếp nhận hồ sơ): the receptionist checks the dossier's
 * components against the procedure's list and records what was received, original or copy and
 * how many. Decree 118/2025/NĐ-CP art. 17(3): the time limit counts from the receipt of a
 * COMPLETE and valid dossier, so a dossier is received only when every mandatory component has
 * been checked; otherwise the receptionist asks for a supplement (form 02) instead. The checklist
 * is stored with the `received` event and printed on form 01 (Circular 03/2025/TT-VPCP annex I).
 */
import { type Command, type DecideContext, type DossierState, decide, type ReceivedDocument } from '@motcua/core';
import { z } from 'zod';
import type { Executor } from '../../db/database.ts';
import { Problem } from '../../shared/problem.ts';
import { versionContent } from '../catalog/catalog.queries.ts';

/** One checked component: its name in the procedure's list, originals and copies received. */
export const ChecklistItem = z.strictObject({
  name: z.string().trim().min(1).max(1000),
  original: z.int().min(0).max(100).default(0),
  copy: z.int().min(0).max(100).default(0),
});

export const Checklist = z.array(ChecklistItem).max(100);

type VersionDocument = { name: string; requirement?: 'mandatory' | 'conditional'; required?: boolean };

const norm = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();

/** The documents of a frozen procedure version. */
export async function versionDocuments(ex: Executor, versionId: string): Promise<VersionDocument[]> {
  const content = await versionContent(ex, versionId);
  return ((content as { documents?: VersionDocument[] }).documents ?? []).map((d) => ({ ...d, name: norm(d.name) }));
}

const isMandatory = (d: VersionDocument) => d.requirement === 'mandatory' || d.required === true;

/**
 * The checklist as it will be stored, in the procedure's order, or a 422 naming what is wrong:
 * a component the procedure does not list, a component listed twice, a component with nothing
 * received, and above all every mandatory component not checked. Nothing is written before this.
 */
export function checkReception(
  documents: VersionDocument[],
  checklist: z.input<typeof Checklist> | undefined,
): ReceivedDocument[] {
  const items = Checklist.parse(checklist ?? []).map((i) => ({ ...i, name: norm(i.name) }));
  const known = new Map(documents.map((d, i) => [d.name, i]));
  const unknown = items.filter((i) => !known.has(i.name)).map((i) => i.name);
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const i of items) {
    if (seen.has(i.name)) twice.push(i.name);
    seen.add(i.name);
  }
  const empty = items.filter((i) => i.original + i.copy === 0).map((i) => i.name);
  if (unknown.length || twice.length || empty.length) {
    const errors = [
      ...unknown.map((n) => ({
        path: 'checklist',
        code: 'unknown_document',
        message: `Not a document of the procedure: ${n}`,
        message_vi: `Thủ tục không có thành phần hồ sơ này: ${n}`,
        message_en: `Not a document of the procedure: ${n}`,
      })),
      ...twice.map((n) => ({
        path: 'checklist',
        code: 'duplicate_document',
        message: `Listed twice: ${n}`,
        message_vi: `Thành phần hồ sơ được ghi hai lần: ${n}`,
        message_en: `Listed twice: ${n}`,
      })),
      ...empty.map((n) => ({
        path: 'checklist',
        code: 'no_copy_received',
        message: `Neither an original nor a copy received: ${n}`,
        message_vi: `Chưa ghi số bản chính hoặc bản sao đã nhận: ${n}`,
        message_en: `Neither an original nor a copy received: ${n}`,
      })),
    ];
    throw new Problem('validation_failed', {
      detail: {
        vi: 'Danh mục giấy tờ đã kiểm tra không khớp thành phần hồ sơ của thủ tục',
        en: 'The checklist does not match the documents of the procedure',
      },
      errors,
    });
  }
  const missing = documents.filter((d) => isMandatory(d) && !seen.has(d.name)).map((d) => d.name);
  if (missing.length) {
    throw new Problem('mandatory_documents_unchecked', {
      detail: {
        vi: `Chưa kiểm tra thành phần hồ sơ bắt buộc: ${missing.join('; ')}. Nếu hồ sơ thiếu, hãy yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu số 02).`,
        en: `Mandatory documents not checked: ${missing.join('; ')}. If the dossier is incomplete, request a supplement (form 02) instead.`,
      },
      extra: { missing },
    });
  }
  return items.sort((a, b) => known.get(a.name)! - known.get(b.name)!);
}

/** The checklist of a receive command on an existing dossier (the system's own receipts check nothing). */
export async function receptionChecklist(
  ex: Executor,
  versionId: string,
  checklist: unknown,
  system: boolean,
): Promise<ReceivedDocument[] | undefined> {
  if (system && checklist === undefined) return undefined;
  return checkReception(await versionDocuments(ex, versionId), checklist as z.input<typeof Checklist> | undefined);
}

/**
 * A receive command with its checklist checked: first whether the machine accepts the receipt
 * at all (who, which status — those answers come before the checklist's), then the checklist.
 */
export async function checkedReceive(
  ex: Executor,
  versionId: string,
  state: DossierState,
  command: Command,
  context: DecideContext,
  system: boolean,
): Promise<Command> {
  if (command.type !== 'receive') return command;
  const { checklist: raw, ...rest } = command;
  const probe = decide(state, rest, context);
  if (!probe.ok) return rest;
  const checklist = await receptionChecklist(ex, versionId, raw, system);
  return checklist ? { ...rest, checklist } : rest;
}

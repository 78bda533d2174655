import type { Attachment, OfficerDossierDetail } from '../api/types.ts';

/** A result file as approved or confirmed: which attachment and its SHA-256 (server: dossier.approval.ts). */
export type ResultFileRef = { attachmentId: string; sha256: string };

/** The dossier detail as staff read it (the officers' view of GET /dossiers/{id}). */
export type StaffDossier = OfficerDossierDetail;

export type StaffAttachment = Attachment & { sha256?: string; uploadedBy?: string | null };

export const sameFile = (a: ResultFileRef | null | undefined, b: ResultFileRef | null | undefined) =>
  (a ?? null) === null ? (b ?? null) === null : !!b && a!.attachmentId === b.attachmentId && a!.sha256 === b.sha256;

/** Where the result document stands: none yet, attached (to approve), approved (to confirm), confirmed. */
export function resultState(d: StaffDossier): 'none' | 'attached' | 'approved' | 'stale' | 'confirmed' {
  const file = d.resultFile ?? null;
  const m = d.marks;
  if (file === null) return 'none';
  if (m?.signed && sameFile(m.signedResult, file)) return 'confirmed';
  if (m?.approved && sameFile(m.approvedResult, file)) return 'approved';
  if (m?.approved && m.approvedResult) return 'stale';
  return 'attached';
}

/** The file row of the current result. */
export function resultAttachment(d: StaffDossier, files: Attachment[]): StaffAttachment | undefined {
  const id = d.resultFile?.attachmentId;
  return id ? files.find((f) => f.id === id) : undefined;
}

/** A component's name in the procedure's list for its slot ("doc-3" → the 4th document), else null. */
export function documentName(slot: string, documents: { index: number; name: string }[] | undefined): string | null {
  const m = /^doc-(\d+)$/.exec(slot);
  if (!m) return null;
  return documents?.find((d) => d.index === Number(m[1]))?.name ?? null;
}

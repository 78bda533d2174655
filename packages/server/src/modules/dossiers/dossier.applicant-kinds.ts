import type { Executor } from '../../db/database.ts';
import { Problem } from '../../shared/problem.ts';
import { userById } from '../accounts/accounts.queries.ts';

/**
 * Who may apply for a procedure: the catalog's "Đối tượng thực hiện" (applicantKinds, published in
 * the national procedure database; Decree 63/2010 art. 8(1) makes it part of every procedure). An organization cannot apply for a citizens-only procedure (Đăng ký khai sinh), nor can
 * a citizen be entered at the counter for an organizations-only one. Checked online, at the
 * counter and when the wizard starts a draft; a refusal changes nothing.
 */

export type ApplicantKind = 'citizen' | 'organization';

const KIND_NAMES: Record<ApplicantKind, { vi: string; en: string }> = {
  citizen: { vi: 'công dân (cá nhân)', en: 'citizens (individuals)' },
  organization: { vi: 'tổ chức, doanh nghiệp', en: 'organizations and businesses' },
};

export function assertApplicantKind(allowed: readonly string[] | null | undefined, kind: ApplicantKind): void {
  // A version without the list (legacy data) keeps accepting everyone rather than no one.
  if (!allowed || allowed.length === 0 || allowed.includes(kind)) return;
  const names = allowed.filter((k): k is ApplicantKind => k in KIND_NAMES).map((k) => KIND_NAMES[k]);
  const vi = names.map((n) => n.vi).join(' và ');
  const en = names.map((n) => n.en).join(' and ');
  throw new Problem('rule_violated', {
    detail: {
      vi: `Thủ tục này chỉ dành cho ${vi}; ${KIND_NAMES[kind].vi} không nộp được hồ sơ thủ tục này`,
      en: `This procedure is only for ${en}; ${KIND_NAMES[kind].en} cannot apply for it`,
    },
    extra: { reason: 'applicant_kind_not_allowed', applicantKinds: allowed, applicantKind: kind },
  });
}

/** The kind of an applicant account (an account without a type is a citizen's). */
export async function applicantKindOfUser(ex: Executor, userId: string): Promise<ApplicantKind> {
  return applicantKindOf(await userById(ex, userId));
}

/** The kind of an account already read. */
export function applicantKindOf(u: { applicant_type: string | null } | undefined): ApplicantKind {
  return u?.applicant_type === 'organization' ? 'organization' : 'citizen';
}

import type { AgencyRef, WorkflowDefinition, WorkflowStep } from '@motcua/core';
import type { SourceProcedure } from './catalog-seed.ts';

/**
 * Demo workflows (quy trình nội bộ) for the seeded catalog. The sources publish each procedure's
 * legal limit but not the province's internal process, so the demo uses the common two-step
 * pattern — a specialist appraises (thụ lý), the head signs (phê duyệt, ký) — with allotments
 * that fit the legal limit (validateWorkflow checks it). One land procedure carries the
 * inter-agency consultation of its source ("phối hợp UBND cấp xã (niêm yết)").
 */

/** Where the steps of a procedure happen in the demo tree. */
export type StepAgencies = {
  /** The division that appraises; null: the commune that received the dossier. */
  specialist: string | null;
  /** The agency whose leader signs; null: the commune that received the dossier. */
  head: string | null;
};

const HOURS_PER_DAY = 7.5;

function ref(code: string | null): AgencyRef {
  return code === null ? { kind: 'receiving_authority' } : { kind: 'fixed', agencyCode: code };
}

/** Two allotments whose sum fits the limit: whole days when the limit allows, else half hours. */
function split(limit: SourceProcedure['timeLimit']): [WorkflowStep['allotment'], WorkflowStep['allotment']] {
  if (limit === null || limit.unit !== 'working_days') {
    // No limit in working time (none stated, or calendar days): a working default of 3 + 1 days.
    const days = limit === null ? 4 : Math.max(2, Math.floor((limit.value * 5) / 7) - 1);
    return [{ days: Math.max(1, days - 1) }, { days: 1 }];
  }
  if (limit.value >= 2) return [{ days: limit.value - 1 }, { days: 1 }];
  const total = limit.value * HOURS_PER_DAY;
  const first = Math.floor((total * 2) / 3 / 0.5) * 0.5;
  return [{ hours: first }, { hours: total - first }];
}

export function defaultWorkflow(p: SourceProcedure, agencies: StepAgencies): WorkflowDefinition {
  const [appraise, sign] = split(p.timeLimit);
  return {
    schemaVersion: 1,
    steps: [
      {
        id: 'thu_ly',
        name_vi: 'Thụ lý, thẩm định hồ sơ',
        name_en: 'Appraise the dossier',
        agency: ref(agencies.specialist),
        role: 'officer',
        allotment: appraise,
        actions: ['forward', 'request_supplement', 'refuse'],
      },
      {
        id: 'phe_duyet',
        name_vi: 'Lãnh đạo phê duyệt, ký kết quả',
        name_en: 'Head approves and signs',
        agency: ref(agencies.head),
        role: 'leader',
        allotment: sign,
        actions: ['approve', 'sign', 'send_back', 'refuse'],
        final: true,
        subStatus: 'awaiting_signature',
      },
    ],
  };
}

/**
 * Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất (10 working days): the land registration
 * division appraises and asks the commune of the applicant's residence to verify and post the
 * notice (liên thông), then the department's leader signs.
 */
export function landCertificateWorkflow(division: string, department: string): WorkflowDefinition {
  return {
    schemaVersion: 1,
    steps: [
      {
        id: 'tham_dinh',
        name_vi: 'Thẩm định hồ sơ, lấy ý kiến UBND cấp xã',
        name_en: 'Appraise, consult the commune',
        agency: { kind: 'fixed', agencyCode: division },
        role: 'officer',
        allotment: { days: 7 },
        actions: ['forward', 'consult', 'request_supplement', 'refuse', 'send_back'],
        consultations: [
          {
            id: 'xac_minh_xa',
            name_vi: 'Xác minh, niêm yết tại UBND cấp xã nơi cư trú',
            name_en: 'Verification and public notice at the commune of residence',
            agency: { kind: 'applicant_commune' },
            allotment: { days: 3 },
          },
        ],
      },
      {
        id: 'ky_duyet',
        name_vi: 'Lãnh đạo Sở phê duyệt, ký Giấy chứng nhận',
        name_en: 'Department head approves and signs',
        agency: { kind: 'fixed', agencyCode: department },
        role: 'leader',
        allotment: { days: 2 },
        actions: ['approve', 'sign', 'send_back', 'refuse'],
        final: true,
        subStatus: 'awaiting_signature',
      },
    ],
  };
}

export const LAND_CERTIFICATE_REISSUE = /^Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất/;

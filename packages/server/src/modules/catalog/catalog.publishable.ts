import { type AgencyRef, type DossierAgencies, resolveAgency, validateWorkflow } from '@motcua/core';
import type { Executor } from '../../db/database.ts';
import type { Lang } from '../../shared/messages.ts';
import { type FieldError, fieldError, Problem } from '../../shared/problem.ts';
import {
  type AgencyDirectory,
  agenciesByCode,
  agenciesByCodeVia,
  agenciesById,
  hasActiveCommune,
} from '../agencies/agencies.queries.ts';

/**
 * When a procedure may be published, and when a dossier of it may be received.
 *
 * A published procedure is a promise to the public: the portal offers it and a one-stop unit
 * receives it, which starts the legal clock (Decree 118/2025/NĐ-CP art. 17(3)). So a version is
 * publishable only if the dossier engine can carry every dossier of it to the end: it names at
 * least one active handling agency, it has a valid workflow, and every step and consultation of
 * the workflow resolves to an active agency of the province — a fixed code that exists, the
 * receiving unit or its authority (one of the procedure's handling agencies), or the commune of the
 * applicant's residence. The same resolution is checked again when a dossier is received, because
 * an agency may have been deactivated since publication: the counter must never start a clock it
 * cannot honour.
 */

/** One reason a version cannot be published, with a field path into the procedure's content. */
export type PublishIssue = { path: string; code: string; vi: string; en: string };

/** The parts of a version the check reads (ProcedureContent and catalog items both fit). */
export type PublishCandidate = {
  agencyIds: string[];
  channels: string[];
  workflow: Record<string, unknown> | null;
  timeLimit: { value: number | null; unit: string } | null;
};

type StepLike = { id?: unknown; name_vi?: unknown; name_en?: unknown; agency?: unknown; consultations?: unknown };
type RefAt = { path: string; label: string; labelEn: string; ref: AgencyRef };

/** Each step and consultation of a workflow with its agency reference and a path for messages. */
function agencyRefsOf(workflow: Record<string, unknown>): RefAt[] {
  const out: RefAt[] = [];
  const nameOf = (x: StepLike, n: number) => (typeof x.name_vi === 'string' ? x.name_vi : String(x.id ?? n));
  const nameEnOf = (x: StepLike, n: number) => (typeof x.name_en === 'string' ? x.name_en : nameOf(x, n));
  const steps = Array.isArray(workflow.steps) ? (workflow.steps as StepLike[]) : [];
  steps.forEach((s, i) => {
    const name = nameOf(s, i + 1);
    if (s.agency && typeof s.agency === 'object') {
      out.push({
        path: `workflow.steps.${i}.agency`,
        label: `bước «${name}»`,
        labelEn: `step “${nameEnOf(s, i + 1)}”`,
        ref: s.agency as AgencyRef,
      });
    }
    const consultations = Array.isArray(s.consultations) ? (s.consultations as StepLike[]) : [];
    consultations.forEach((c, j) => {
      if (c.agency && typeof c.agency === 'object') {
        out.push({
          path: `workflow.steps.${i}.consultations.${j}.agency`,
          label: `xin ý kiến «${nameOf(c, j + 1)}» của bước «${name}»`,
          labelEn: `consultation “${nameEnOf(c, j + 1)}” of step “${nameEnOf(s, i + 1)}”`,
          ref: c.agency as AgencyRef,
        });
      }
    });
  });
  return out;
}

/** The legal limit validateWorkflow compares allotments with (calendar days are not working time). */
function workingLimitOf(t: PublishCandidate['timeLimit']) {
  if (!t || t.value === null) return null;
  if (t.unit === 'working_days') return { days: t.value };
  if (t.unit === 'working_hours') return { hours: t.value };
  return null;
}

/** Every reason `c` cannot be published now; empty when it can. */
export async function publishIssues(ex: Executor, c: PublishCandidate): Promise<PublishIssue[]> {
  const issues: PublishIssue[] = [];
  const handlers = await agenciesById(ex, c.agencyIds);
  const activeHandlers = handlers.filter((h) => h.active);
  if (activeHandlers.length === 0) {
    issues.push({
      path: 'agencyIds',
      code: 'no_agency',
      vi: 'Thủ tục chưa có cơ quan thực hiện đang hoạt động trong tỉnh: không cơ quan nào tiếp nhận, giải quyết được hồ sơ',
      en: 'The procedure has no active handling agency in the province: nobody could receive or handle its dossiers',
    });
  }
  for (const h of handlers.filter((x) => !x.active)) {
    issues.push({
      path: `agencyIds.${c.agencyIds.indexOf(h.id)}`,
      code: 'agency_inactive',
      vi: `Cơ quan thực hiện «${h.name}» đã ngừng hoạt động`,
      en: `The handling agency “${h.name}” is inactive`,
    });
  }
  if (c.workflow === null) {
    issues.push({
      path: 'workflow',
      code: 'no_workflow',
      vi: 'Thủ tục chưa có quy trình xử lý: thiết kế quy trình trước khi công bố',
      en: 'The procedure has no workflow: design it before publishing',
    });
    return issues;
  }
  const v = validateWorkflow(c.workflow, workingLimitOf(c.timeLimit));
  if (!v.ok) {
    for (const e of v.errors) {
      issues.push({
        path: ['workflow', ...e.path.split('/').filter(Boolean)].join('.'),
        code: 'invalid_workflow',
        vi: `Quy trình không hợp lệ: ${e.message_vi}`,
        en: `Invalid workflow: ${e.message_en}`,
      });
    }
    return issues;
  }
  const refs = agencyRefsOf(c.workflow);
  const fixedCodes = [...new Set(refs.flatMap((r) => (r.ref.kind === 'fixed' ? [r.ref.agencyCode] : [])))];
  const fixed = new Map((await agenciesByCode(ex, fixedCodes)).map((a) => [a.code, a.active]));
  const needsCommune = refs.some((r) => r.ref.kind === 'applicant_commune');
  const hasCommune = needsCommune && (await hasActiveCommune(ex));
  for (const r of refs) {
    switch (r.ref.kind) {
      case 'fixed': {
        const active = fixed.get(r.ref.agencyCode);
        if (active === true) break;
        issues.push({
          path: r.path,
          code: 'step_agency_unresolved',
          vi:
            active === false
              ? `Cơ quan mã ${r.ref.agencyCode} của ${r.label} đã ngừng hoạt động`
              : `Không có cơ quan mã ${r.ref.agencyCode} trong tỉnh (${r.label})`,
          en:
            active === false
              ? `The agency ${r.ref.agencyCode} of ${r.labelEn} is inactive`
              : `No agency with code ${r.ref.agencyCode} in the province (${r.labelEn})`,
        });
        break;
      }
      case 'receiving':
      case 'receiving_authority':
        // The receiving unit and its authority come from the procedure's handling agencies.
        if (activeHandlers.length === 0) {
          issues.push({
            path: r.path,
            code: 'step_agency_unresolved',
            vi: `Không xác định được cơ quan thực hiện ${r.label}: thủ tục chưa có cơ quan thực hiện`,
            en: `The agency of ${r.labelEn} cannot be resolved: the procedure has no handling agency`,
          });
        }
        break;
      case 'applicant_commune':
        if (!hasCommune) {
          issues.push({
            path: r.path,
            code: 'step_agency_unresolved',
            vi: `Tỉnh chưa có xã/phường nào đang hoạt động cho ${r.label}`,
            en: `The province has no active commune for ${r.labelEn}`,
          });
        }
        break;
      default:
        issues.push({
          path: r.path,
          code: 'step_agency_unresolved',
          vi: `Không xác định được cơ quan thực hiện ${r.label}`,
          en: `The agency of ${r.labelEn} cannot be resolved`,
        });
    }
  }
  return issues;
}

/** Issues as field errors under `base` (e.g. `body` for the API). */
export function issuesToFieldErrors(issues: PublishIssue[], base: string, lang: Lang): FieldError[] {
  return issues.map((i) => fieldError(base ? `${base}.${i.path}` : i.path, 'custom', lang, { vi: i.vi, en: i.en }));
}

/** 422 `procedure_not_publishable` listing every reason, or nothing when `c` may be published. */
export async function assertPublishable(ex: Executor, c: PublishCandidate, lang: Lang): Promise<void> {
  const issues = await publishIssues(ex, c);
  if (issues.length === 0) return;
  throw new Problem('procedure_not_publishable', {
    detail: {
      vi: issues.map((i) => i.vi).join('; '),
      en: issues.map((i) => i.en).join('; '),
    },
    errors: issuesToFieldErrors(issues, 'procedure', lang),
  });
}

/**
 * Before a dossier is received (at the counter, or an online one by the one-stop unit): every step
 * and consultation of its frozen workflow must resolve, for this dossier, to an agency that exists
 * and is active now. Called before anything is written, so a refusal leaves no receipt and no
 * clock. A missing commune of residence is the applicant's data (400, fixable at the counter); a
 * deactivated or unknown agency is the catalog's (422 `workflow_agency_unavailable`).
 */
export async function assertWorkflowHonourable(
  ex: Executor,
  workflow: Record<string, unknown>,
  agencies: DossierAgencies,
  lang: Lang = 'vi',
  /** The command's copy of the agency tree (decision 0007): codes it knows are not queried. */
  directory?: AgencyDirectory,
): Promise<void> {
  // A consultation of the applicant's commune may also be addressed by the officer who opens it
  // (the `consult` command names the agency), so only steps need the commune at receipt.
  const refs = agencyRefsOf(workflow).filter(
    (r) => !(r.ref.kind === 'applicant_commune' && r.path.includes('.consultations.')),
  );
  const resolved = refs.map((r) => ({ ...r, code: resolveAgency(r.ref, agencies) }));
  const missingCommune = resolved.find((r) => r.ref.kind === 'applicant_commune' && r.code === null);
  if (missingCommune) {
    throw new Problem('validation_failed', {
      detail: {
        vi: `Thủ tục cần ${missingCommune.label} tại UBND xã/phường nơi cư trú của người nộp: chọn xã/phường nơi cư trú`,
        en: `The procedure needs ${missingCommune.labelEn} at the commune of the applicant’s residence: choose it`,
      },
      errors: [
        fieldError('applicant.residenceCommuneId', 'required', lang, {
          vi: 'Chọn xã/phường nơi cư trú của người nộp',
          en: 'Choose the applicant’s commune of residence',
        }),
      ],
      extra: { field: 'applicant.residenceCommuneId' },
    });
  }
  const codes = [...new Set(resolved.flatMap((r) => (r.code === null ? [] : [r.code])))];
  const found = directory ? await agenciesByCodeVia(ex, directory, codes) : await agenciesByCode(ex, codes);
  const active = new Set(found.filter((a) => a.active).map((a) => a.code));
  const bad = resolved.find((r) => r.code === null || !active.has(r.code));
  if (bad) {
    throw new Problem('workflow_agency_unavailable', {
      detail: {
        vi:
          bad.code === null
            ? `Không xác định được cơ quan thực hiện ${bad.label}; hồ sơ chưa được tiếp nhận`
            : `Cơ quan mã ${bad.code} thực hiện ${bad.label} không có hoặc đã ngừng hoạt động; hồ sơ chưa được tiếp nhận`,
        en:
          bad.code === null
            ? `The agency of ${bad.labelEn} cannot be resolved; the dossier was not received`
            : `The agency ${bad.code} of ${bad.labelEn} does not exist or is inactive; the dossier was not received`,
      },
      extra: { path: bad.path },
    });
  }
}

/**
 * Validation of a workflow definition against its structure and the procedure's legal time limit
 * (thời hạn giải quyết). Every error carries a JSON Pointer to the offending value.
 */

import { OFFICER_ROLES } from '../authz.ts';
import type { TimeLimit } from '../calendar/index.ts';
import { SUB_STATUSES } from './status.ts';
import type { WorkflowDefinition } from './workflow.ts';
import { allotmentMinutes, CONDITION_OPS, forwardTargets, STEP_ACTIONS, WORKFLOW_SCHEMA_VERSION } from './workflow.ts';

export type WorkflowErrorCode =
  | 'invalid_value'
  | 'unknown_schema_version'
  | 'no_steps'
  | 'duplicate_id'
  | 'unknown_step'
  | 'unknown_role'
  | 'unknown_action'
  | 'unknown_sub_status'
  | 'no_final_step'
  | 'final_step_with_next'
  | 'no_next_step'
  | 'forward_not_allowed'
  | 'consult_mismatch'
  | 'consultation_exceeds_step'
  | 'cycle'
  | 'unreachable_step'
  | 'legal_limit_exceeded';

export interface WorkflowError {
  /** JSON Pointer into the definition, e.g. `/steps/2/next`. */
  path: string;
  code: WorkflowErrorCode;
  message_en: string;
  message_vi: string;
}

export type WorkflowValidation = { ok: true; workflow: WorkflowDefinition } | { ok: false; errors: WorkflowError[] };

export interface ValidateWorkflowOptions {
  /** Roles a step may name; default OFFICER_ROLES. */
  roles?: readonly string[];
  /** Working hours in a day for comparing days and hours; default 7.5 (the default sessions). */
  hoursPerDay?: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isPrimitive = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

function fmtLimit(minutes: number): string {
  return `${Math.round((minutes / 60) * 100) / 100} h`;
}

/**
 * Validates `def` (any JSON). `legalLimit` null skips the time check (procedures without a stated
 * limit; calendar-day limits must be converted by the caller). The sum of allotments along the
 * longest forward path must not exceed the limit; the error names the step where it overflows.
 */
export function validateWorkflow(
  def: unknown,
  legalLimit: TimeLimit | null,
  options: ValidateWorkflowOptions = {},
): WorkflowValidation {
  const roles = options.roles ?? OFFICER_ROLES;
  const hoursPerDay = options.hoursPerDay ?? 7.5;
  const errors: WorkflowError[] = [];
  const err = (path: string, code: WorkflowErrorCode, en: string, vi: string) =>
    errors.push({ path, code, message_en: en, message_vi: vi });
  const text = (o: Obj, key: string, path: string) => {
    if (!isText(o[key]))
      err(`${path}/${key}`, 'invalid_value', `${key} must be a non-empty string`, `${key} phải là chuỗi khác rỗng`);
  };
  const allotment = (v: unknown, path: string) => {
    const ok =
      isObj(v) &&
      Object.keys(v).length === 1 &&
      ((typeof v.days === 'number' && Number.isFinite(v.days) && v.days > 0) ||
        (typeof v.hours === 'number' && Number.isFinite(v.hours) && v.hours > 0));
    if (!ok)
      err(
        path,
        'invalid_value',
        'allotment must be { days } or { hours }, positive',
        'thời gian phải là { days } hoặc { hours }, lớn hơn 0',
      );
    return ok;
  };
  const agency = (v: unknown, path: string) => {
    const ok =
      isObj(v) &&
      ((v.kind === 'fixed' && isText(v.agencyCode)) ||
        v.kind === 'receiving' ||
        v.kind === 'receiving_authority' ||
        v.kind === 'applicant_commune');
    if (!ok)
      err(
        path,
        'invalid_value',
        "agency must be { kind: 'fixed', agencyCode } | { kind: 'receiving' } | { kind: 'receiving_authority' } | { kind: 'applicant_commune' }",
        'cơ quan thực hiện không hợp lệ',
      );
  };

  if (!isObj(def)) {
    err('', 'invalid_value', 'the workflow must be an object', 'quy trình phải là một đối tượng');
    return { ok: false, errors };
  }
  if (def.schemaVersion !== WORKFLOW_SCHEMA_VERSION) {
    err(
      '/schemaVersion',
      'unknown_schema_version',
      `schemaVersion must be ${WORKFLOW_SCHEMA_VERSION}`,
      `schemaVersion phải là ${WORKFLOW_SCHEMA_VERSION}`,
    );
  }
  if (
    def.procedureVersion !== undefined &&
    !(Number.isInteger(def.procedureVersion) && (def.procedureVersion as number) >= 1)
  ) {
    err(
      '/procedureVersion',
      'invalid_value',
      'procedureVersion must be a positive integer',
      'procedureVersion phải là số nguyên dương',
    );
  }
  if (!Array.isArray(def.steps) || def.steps.length === 0) {
    err('/steps', 'no_steps', 'the workflow needs at least one step', 'quy trình phải có ít nhất một bước');
    return { ok: false, errors };
  }
  const steps = def.steps as unknown[];
  const ids = new Map<string, number>();
  steps.forEach((s, i) => {
    if (isObj(s) && isText(s.id)) {
      if (ids.has(s.id))
        err(`/steps/${i}/id`, 'duplicate_id', `step id '${s.id}' is used twice`, `mã bước '${s.id}' bị trùng`);
      else ids.set(s.id, i);
    }
  });

  // Per-step structure and references.
  steps.forEach((s, i) => {
    const p = `/steps/${i}`;
    if (!isObj(s)) {
      err(p, 'invalid_value', 'a step must be an object', 'bước phải là một đối tượng');
      return;
    }
    text(s, 'id', p);
    text(s, 'name_vi', p);
    if (s.name_en !== undefined && typeof s.name_en !== 'string') text(s, 'name_en', p);
    agency(s.agency, `${p}/agency`);
    if (typeof s.role !== 'string' || !roles.includes(s.role)) {
      err(
        `${p}/role`,
        'unknown_role',
        `unknown role '${String(s.role)}' (known: ${roles.join(', ')})`,
        `vai trò '${String(s.role)}' không tồn tại`,
      );
    }
    allotment(s.allotment, `${p}/allotment`);
    const actions = Array.isArray(s.actions) ? (s.actions as unknown[]) : [];
    if (!Array.isArray(s.actions))
      err(`${p}/actions`, 'invalid_value', 'actions must be an array', 'actions phải là một mảng');
    actions.forEach((a, j) => {
      if (!(STEP_ACTIONS as readonly unknown[]).includes(a)) {
        err(
          `${p}/actions/${j}`,
          'unknown_action',
          `unknown action '${String(a)}'`,
          `thao tác '${String(a)}' không tồn tại`,
        );
      } else if (actions.indexOf(a) !== j) {
        err(
          `${p}/actions/${j}`,
          'duplicate_id',
          `action '${String(a)}' is listed twice`,
          `thao tác '${String(a)}' bị lặp`,
        );
      }
    });
    if (s.subStatus !== undefined) {
      const sub = SUB_STATUSES[s.subStatus as keyof typeof SUB_STATUSES];
      if (sub?.parent !== 'processing') {
        err(
          `${p}/subStatus`,
          'unknown_sub_status',
          `'${String(s.subStatus)}' is not a sub-status of processing`,
          `'${String(s.subStatus)}' không phải trạng thái con của Đang xử lý`,
        );
      }
    }
    const final = s.final === true;
    if (s.final !== undefined && typeof s.final !== 'boolean')
      err(`${p}/final`, 'invalid_value', 'final must be a boolean', 'final phải là boolean');
    const refStep = (v: unknown, path: string) => {
      if (!isText(v))
        err(path, 'invalid_value', 'a step reference must be a step id', 'tham chiếu bước phải là mã bước');
      else if (!ids.has(v)) err(path, 'unknown_step', `unknown step '${v}'`, `không có bước '${v}'`);
      else if (v === s.id) err(path, 'cycle', `step '${v}' forwards to itself`, `bước '${v}' chuyển cho chính nó`);
    };
    if (s.next !== undefined) refStep(s.next, `${p}/next`);
    if (s.branches !== undefined) {
      if (!Array.isArray(s.branches))
        err(`${p}/branches`, 'invalid_value', 'branches must be an array', 'branches phải là một mảng');
      else
        (s.branches as unknown[]).forEach((b, j) => {
          const bp = `${p}/branches/${j}`;
          if (!isObj(b) || !isObj(b.when)) {
            err(
              bp,
              'invalid_value',
              'a branch is { when: { field, op, value }, next }',
              'nhánh phải có dạng { when, next }',
            );
            return;
          }
          const w = b.when;
          if (!isText(w.field))
            err(
              `${bp}/when/field`,
              'invalid_value',
              'field must be a non-empty string',
              'field phải là chuỗi khác rỗng',
            );
          if (!(CONDITION_OPS as readonly unknown[]).includes(w.op)) {
            err(
              `${bp}/when/op`,
              'invalid_value',
              `op must be one of ${CONDITION_OPS.join(', ')}`,
              `op phải là một trong ${CONDITION_OPS.join(', ')}`,
            );
          }
          const valueOk =
            w.op === 'in'
              ? Array.isArray(w.value) && w.value.every(isPrimitive)
              : w.op === 'gt' || w.op === 'lt'
                ? typeof w.value === 'number' || typeof w.value === 'string'
                : isPrimitive(w.value) && w.value !== undefined;
          if (!valueOk)
            err(
              `${bp}/when/value`,
              'invalid_value',
              `value does not suit op '${String(w.op)}'`,
              `giá trị không phù hợp với op '${String(w.op)}'`,
            );
          refStep(b.next, `${bp}/next`);
        });
    }
    if (final && (s.next !== undefined || (Array.isArray(s.branches) && s.branches.length > 0))) {
      err(
        `${p}/final`,
        'final_step_with_next',
        `final step '${String(s.id)}' must not have next or branches`,
        `bước cuối '${String(s.id)}' không được có bước tiếp theo`,
      );
    }
    if (!final && s.next === undefined && i === steps.length - 1) {
      err(
        `${p}/next`,
        'no_next_step',
        `step '${String(s.id)}' is last in the list but not final and has no next`,
        `bước '${String(s.id)}' không phải bước cuối nhưng không có bước tiếp theo`,
      );
    }
    if (!final && !actions.includes('forward')) {
      err(
        `${p}/actions`,
        'forward_not_allowed',
        `non-final step '${String(s.id)}' must allow forward`,
        `bước '${String(s.id)}' phải cho phép chuyển tiếp`,
      );
    }
    const consults = s.consultations;
    if (consults !== undefined && !Array.isArray(consults)) {
      err(`${p}/consultations`, 'invalid_value', 'consultations must be an array', 'consultations phải là một mảng');
    }
    const consultList = Array.isArray(consults) ? (consults as unknown[]) : [];
    if (actions.includes('consult') !== consultList.length > 0) {
      err(
        `${p}/consultations`,
        'consult_mismatch',
        "a step allowing 'consult' needs consultations, and consultations need 'consult'",
        "bước có thao tác 'consult' phải khai báo consultations và ngược lại",
      );
    }
    const seen = new Set<string>();
    consultList.forEach((c, j) => {
      const cp = `${p}/consultations/${j}`;
      if (!isObj(c)) {
        err(cp, 'invalid_value', 'a consultation must be an object', 'liên thông phải là một đối tượng');
        return;
      }
      text(c, 'id', cp);
      text(c, 'name_vi', cp);
      if (isText(c.id)) {
        if (seen.has(c.id))
          err(
            `${cp}/id`,
            'duplicate_id',
            `consultation id '${c.id}' is used twice`,
            `mã liên thông '${c.id}' bị trùng`,
          );
        seen.add(c.id);
      }
      agency(c.agency, `${cp}/agency`);
      if (allotment(c.allotment, `${cp}/allotment`) && isObj(s.allotment)) {
        try {
          const own = allotmentMinutes(c.allotment as TimeLimit, hoursPerDay);
          const step = allotmentMinutes(s.allotment as TimeLimit, hoursPerDay);
          if (own > step) {
            err(
              `${cp}/allotment`,
              'consultation_exceeds_step',
              `consultation '${String(c.id)}' (${fmtLimit(own)}) exceeds its step's allotment (${fmtLimit(step)})`,
              `thời gian liên thông '${String(c.id)}' vượt thời gian của bước`,
            );
          }
        } catch {
          /* reported by allotment() */
        }
      }
    });
  });
  if (!steps.some((s) => isObj(s) && s.final === true)) {
    err(
      '/steps',
      'no_final_step',
      'no step is final (nothing makes the result ready)',
      'quy trình không có bước cuối (bước trả kết quả)',
    );
  }
  if (errors.length > 0) return { ok: false, errors };

  // Graph checks on a structurally valid definition.
  const wf = def as unknown as WorkflowDefinition;
  const edges = wf.steps.map((_, i) => forwardTargets(wf, i).map((id) => ids.get(id) as number));
  const state = wf.steps.map(() => 0); // 0 new, 1 on stack, 2 done
  let cyclic = false;
  const visit = (i: number, stack: number[]) => {
    state[i] = 1;
    stack.push(i);
    for (const j of edges[i] ?? []) {
      if (state[j] === 1) {
        cyclic = true;
        const loop = [...stack.slice(stack.indexOf(j)), j].map((k) => wf.steps[k]?.id).join(' → ');
        err(
          `/steps/${i}`,
          'cycle',
          `forward edges form a cycle: ${loop}`,
          `các bước chuyển tiếp tạo vòng lặp: ${loop}`,
        );
      } else if (state[j] === 0) visit(j, stack);
    }
    stack.pop();
    state[i] = 2;
  };
  visit(0, []);
  wf.steps.forEach((s, i) => {
    if (state[i] === 0)
      err(
        `/steps/${i}`,
        'unreachable_step',
        `step '${s.id}' cannot be reached from '${wf.steps[0]?.id}'`,
        `không thể đi tới bước '${s.id}'`,
      );
  });
  if (cyclic || errors.length > 0 || legalLimit === null)
    return errors.length ? { ok: false, errors } : { ok: true, workflow: wf };

  // Longest forward path (by allotment) in the DAG, from the first step.
  const limit = allotmentMinutes(legalLimit, hoursPerDay);
  const memo = new Map<number, { total: number; path: number[] }>();
  const longest = (i: number): { total: number; path: number[] } => {
    const cached = memo.get(i);
    if (cached) return cached;
    let best = { total: 0, path: [] as number[] };
    for (const j of edges[i] ?? []) {
      const r = longest(j);
      if (r.total > best.total) best = r;
    }
    const own = allotmentMinutes((wf.steps[i] as { allotment: TimeLimit }).allotment, hoursPerDay);
    const res = { total: own + best.total, path: [i, ...best.path] };
    memo.set(i, res);
    return res;
  };
  let sum = 0;
  for (const i of longest(0).path) {
    const step = wf.steps[i];
    if (!step) continue;
    sum += allotmentMinutes(step.allotment, hoursPerDay);
    if (sum > limit) {
      const via = longest(0)
        .path.map((k) => wf.steps[k]?.id)
        .join(' → ');
      err(
        `/steps/${i}/allotment`,
        'legal_limit_exceeded',
        `the allotments overflow the legal limit at step '${step.id}': ${fmtLimit(sum)} > ${fmtLimit(limit)} along ${via}`,
        `tổng thời gian các bước vượt thời hạn giải quyết tại bước '${step.id}': ${fmtLimit(sum)} > ${fmtLimit(limit)}`,
      );
      break;
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, workflow: wf };
}

/**
 * Workflow definitions (quy trình xử lý): plain JSON data, versioned with the procedure and
 * frozen into each dossier at submission. Validation: workflow-validate.ts; JSON Schema:
 * workflow-schema.ts.
 */

import type { TimeLimit } from '../calendar/index.ts';
import type { SubStatus } from './status.ts';

export const WORKFLOW_SCHEMA_VERSION = 1;

/**
 * Who does a step: a fixed agency; the receiving agency (the one-stop unit itself); the agency
 * that unit belongs to (`receiving_authority`: the commune whose Bộ phận Một cửa received the
 * dossier — one definition serves every commune); or the commune of the applicant's residence.
 */
export type AgencyRef =
  | { kind: 'fixed'; agencyCode: string }
  | { kind: 'receiving' }
  | { kind: 'receiving_authority' }
  | { kind: 'applicant_commune' };

/** Actions a step may allow. `forward` at a final step is `finish` (result ready). */
export const STEP_ACTIONS = [
  'forward',
  'send_back',
  'consult',
  'approve',
  'sign',
  'request_supplement',
  'refuse',
] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

/** Allotted working time of a step: working days or working hours. */
export type Allotment = TimeLimit;

export const CONDITION_OPS = ['eq', 'ne', 'in', 'gt', 'lt'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];
export type JsonPrimitive = string | number | boolean | null;

/** A condition on an e-form value; `field` is a dotted path into the form data. */
export interface Condition {
  field: string;
  op: ConditionOp;
  value: JsonPrimitive | JsonPrimitive[];
}

/** When `when` holds, forward goes to `next`. Branches are tried in order; the first match wins. */
export interface Branch {
  when: Condition;
  next: string;
}

/** An inter-agency consultation (xin ý kiến liên thông) a step may open, with its own allotment. */
export interface ConsultationDefinition {
  id: string;
  name_vi: string;
  name_en?: string;
  agency: AgencyRef;
  allotment: Allotment;
}

export interface WorkflowStep {
  id: string;
  name_vi: string;
  name_en?: string;
  agency: AgencyRef;
  /** An officer role (authz.ts OFFICER_ROLES): who may claim the step. */
  role: string;
  allotment: Allotment;
  actions: StepAction[];
  /** Default forward target; omitted: the following step in the list. Not allowed on a final step. */
  next?: string;
  branches?: Branch[];
  /** The step that produces the result: `finish` there makes the result ready. */
  final?: boolean;
  /** Consultations that may run in parallel while the dossier stays at this step. */
  consultations?: ConsultationDefinition[];
  /** Sub-status shown while the dossier is at this step (under `processing`). */
  subStatus?: SubStatus;
}

export interface WorkflowDefinition {
  schemaVersion: typeof WORKFLOW_SCHEMA_VERSION;
  /** Version of the procedure this workflow belongs to. */
  procedureVersion?: number;
  /** Steps in order; the first is where a transferred dossier starts. */
  steps: WorkflowStep[];
}

export function findStep(def: WorkflowDefinition, id: string): WorkflowStep | undefined {
  return def.steps.find((s) => s.id === id);
}

/** Reads a dotted path (`applicant.ward`) from form data. */
export function readField(data: unknown, field: string): unknown {
  let cur: unknown = data;
  for (const key of field.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Whether a condition holds on form data. Comparisons are strict; gt/lt need two numbers or two strings. */
export function evaluateCondition(cond: Condition, data: unknown): boolean {
  const actual = readField(data, cond.field);
  const v = cond.value;
  switch (cond.op) {
    case 'eq':
      return actual === v;
    case 'ne':
      return actual !== v;
    case 'in':
      return Array.isArray(v) && v.some((x) => x === actual);
    case 'gt':
    case 'lt': {
      const same =
        (typeof actual === 'number' && typeof v === 'number') || (typeof actual === 'string' && typeof v === 'string');
      if (!same) return false;
      return cond.op === 'gt' ? (actual as number | string) > v : (actual as number | string) < v;
    }
  }
}

/** All forward targets of a step (default next and branch targets), no duplicates. */
export function forwardTargets(def: WorkflowDefinition, index: number): string[] {
  const step = def.steps[index];
  if (!step || step.final) return [];
  const out: string[] = [];
  const dflt = step.next ?? def.steps[index + 1]?.id;
  if (dflt !== undefined) out.push(dflt);
  for (const b of step.branches ?? []) if (!out.includes(b.next)) out.push(b.next);
  return out;
}

/** The step a forward from `stepId` goes to, given the dossier's form data; undefined at a final step. */
export function nextStepId(def: WorkflowDefinition, stepId: string, formData: unknown): string | undefined {
  const index = def.steps.findIndex((s) => s.id === stepId);
  const step = def.steps[index];
  if (!step || step.final) return undefined;
  for (const b of step.branches ?? []) if (evaluateCondition(b.when, formData)) return b.next;
  return step.next ?? def.steps[index + 1]?.id;
}

/** Agencies known for a dossier, used to resolve `receiving` and `applicant_commune`. */
export interface DossierAgencies {
  receivingAgencyCode: string;
  applicantCommuneCode: string | null;
  /** The agency the receiving one-stop unit belongs to; null when not given at submission. */
  receivingAuthorityCode?: string | null;
}

/** The agency code an AgencyRef designates for a dossier, or null when it cannot be resolved. */
export function resolveAgency(ref: AgencyRef, agencies: DossierAgencies): string | null {
  switch (ref.kind) {
    case 'fixed':
      return ref.agencyCode;
    case 'receiving':
      return agencies.receivingAgencyCode;
    case 'receiving_authority':
      return agencies.receivingAuthorityCode ?? null;
    case 'applicant_commune':
      return agencies.applicantCommuneCode;
  }
}

/** Working minutes of an allotment, with `hoursPerDay` working hours in a day (7.5 by default sessions). */
export function allotmentMinutes(a: Allotment, hoursPerDay = 7.5): number {
  return Math.round(('days' in a ? a.days * hoursPerDay : a.hours) * 60);
}

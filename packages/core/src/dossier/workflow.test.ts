import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { permissiveWorkflow } from './fixtures.test-helpers.ts';
import type { WorkflowDefinition, WorkflowStep } from './workflow.ts';
import { evaluateCondition, nextStepId, resolveAgency } from './workflow.ts';
import { WORKFLOW_JSON_SCHEMA } from './workflow-schema.ts';
import { validateWorkflow } from './workflow-validate.ts';

const step = (id: string, extra: Partial<WorkflowStep> = {}): WorkflowStep => ({
  id,
  name_vi: `Bước ${id}`,
  agency: { kind: 'receiving' },
  role: 'officer',
  allotment: { days: 1 },
  actions: ['forward', 'send_back'],
  ...extra,
});
const wf = (...steps: WorkflowStep[]): WorkflowDefinition => ({ schemaVersion: 1, steps });
const codes = (def: unknown, limit: { days: number } | { hours: number } | null = { days: 30 }) => {
  const r = validateWorkflow(def, limit);
  return r.ok ? [] : r.errors.map((e) => `${e.code} ${e.path}`);
};

describe('validateWorkflow', () => {
  it('accepts the permissive fixture and a linear workflow', () => {
    expect(codes(permissiveWorkflow)).toEqual([]);
    expect(codes(wf(step('a'), step('b', { final: true, actions: ['sign'] })))).toEqual([]);
  });

  it('reports structure errors with paths', () => {
    expect(codes(null)).toEqual(['invalid_value ']);
    expect(codes({ schemaVersion: 2, steps: [] })).toEqual([
      'unknown_schema_version /schemaVersion',
      'no_steps /steps',
    ]);
    expect(
      codes(
        wf(
          step('a', { role: 'janitor', allotment: { days: 0 }, actions: ['forward', 'fly' as never] }),
          step('a', { agency: { kind: 'fixed' } as never, final: true }),
        ),
      ),
    ).toEqual([
      'duplicate_id /steps/1/id',
      'unknown_role /steps/0/role',
      'invalid_value /steps/0/allotment',
      'unknown_action /steps/0/actions/1',
      'invalid_value /steps/1/agency',
    ]);
  });

  it('unknown step references, self-references and missing final steps', () => {
    expect(codes(wf(step('a', { next: 'zz' }), step('b', { final: true })))).toEqual(['unknown_step /steps/0/next']);
    expect(
      codes(
        wf(
          step('a', { branches: [{ when: { field: 'x', op: 'eq', value: 1 }, next: 'nope' }] }),
          step('b', { final: true }),
        ),
      ),
    ).toEqual(['unknown_step /steps/0/branches/0/next']);
    expect(codes(wf(step('a', { next: 'a' }), step('b', { final: true })))).toEqual(['cycle /steps/0/next']);
    expect(codes(wf(step('a'), step('b', { next: 'a' })))).toEqual(['no_final_step /steps']);
    expect(codes(wf(step('a'), step('b')))).toEqual(['no_next_step /steps/1/next', 'no_final_step /steps']);
    expect(codes(wf(step('a', { final: true, next: 'a' })))).toContain('final_step_with_next /steps/0/final');
    expect(codes(wf(step('a', { actions: ['approve'] }), step('b', { final: true })))).toEqual([
      'forward_not_allowed /steps/0/actions',
    ]);
  });

  it('cycles in forward edges and unreachable steps', () => {
    const cyclic = wf(step('a', { next: 'b' }), step('b', { next: 'a' }), step('c', { final: true }));
    const r = validateWorkflow(cyclic, null);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => e.code)).toEqual(['cycle', 'unreachable_step']);
      expect(r.errors[0]?.message_en).toContain('a → b → a');
      expect(r.errors[1]?.path).toBe('/steps/2');
    }
    expect(codes(wf(step('a', { next: 'c' }), step('b'), step('c', { final: true })))).toEqual([
      'unreachable_step /steps/1',
    ]);
  });

  it('consultations: declared with consult, within the step allotment', () => {
    const c = {
      id: 'x',
      name_vi: 'Liên thông',
      agency: { kind: 'applicant_commune' as const },
      allotment: { days: 2 },
    };
    expect(codes(wf(step('a', { consultations: [c], allotment: { days: 3 } }), step('b', { final: true })))).toEqual([
      'consult_mismatch /steps/0/consultations',
    ]);
    expect(
      codes(wf(step('a', { actions: ['forward', 'consult'], consultations: [c] }), step('b', { final: true }))),
    ).toEqual(['consultation_exceeds_step /steps/0/consultations/0/allotment']);
    expect(
      codes(
        wf(
          step('a', { actions: ['forward', 'consult'], allotment: { days: 2 }, consultations: [c, { ...c }] }),
          step('b', { final: true }),
        ),
      ),
    ).toEqual(['duplicate_id /steps/0/consultations/1/id']);
  });

  it('sub-statuses must sit under processing', () => {
    expect(codes(wf(step('a', { final: true, subStatus: 'awaiting_return' })))).toEqual([
      'unknown_sub_status /steps/0/subStatus',
    ]);
    expect(codes(wf(step('a', { final: true, subStatus: 'awaiting_appraisal_meeting' })))).toEqual([]);
  });

  it('names the step where the longest path overflows the legal limit', () => {
    // a(2d) → b(3d) → d(2d) [final], a → c(1h) → d; longest = a, b, d = 7 days.
    const def = wf(
      step('a', {
        allotment: { days: 2 },
        branches: [{ when: { field: 'fast', op: 'eq', value: true }, next: 'c' }],
        next: 'b',
      }),
      step('b', { allotment: { days: 3 }, next: 'd' }),
      step('c', { allotment: { hours: 1 } }),
      step('d', { allotment: { days: 2 }, final: true }),
    );
    expect(codes(def, { days: 7 })).toEqual([]);
    const r = validateWorkflow(def, { days: 6 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]?.code).toBe('legal_limit_exceeded');
      expect(r.errors[0]?.path).toBe('/steps/3/allotment');
      expect(r.errors[0]?.message_en).toContain("at step 'd'");
      expect(r.errors[0]?.message_en).toContain('a → b → d');
    }
    expect(codes(def, { days: 4 })).toEqual(['legal_limit_exceeded /steps/1/allotment']);
    expect(codes(def, { hours: 52.5 })).toEqual([]); // 7 × 7.5 h
    expect(codes(def, null)).toEqual([]);
  });

  it('a JSON round trip changes nothing', () => {
    const r = validateWorkflow(JSON.parse(JSON.stringify(permissiveWorkflow)), { days: 5 });
    expect(r.ok && r.workflow).toEqual(permissiveWorkflow);
  });
});

describe('conditions and branches', () => {
  const data = { a: { n: 5, s: 'x' }, flag: true };
  it.each([
    [{ field: 'a.n', op: 'eq', value: 5 }, true],
    [{ field: 'a.n', op: 'ne', value: 5 }, false],
    [{ field: 'a.s', op: 'in', value: ['x', 'y'] }, true],
    [{ field: 'a.n', op: 'gt', value: 4 }, true],
    [{ field: 'a.n', op: 'lt', value: 4 }, false],
    [{ field: 'a.s', op: 'gt', value: 4 }, false],
    [{ field: 'missing.deep', op: 'eq', value: null }, false],
    [{ field: 'missing', op: 'ne', value: 1 }, true],
    [{ field: 'flag', op: 'eq', value: true }, true],
  ] as const)('%j → %s', (cond, expected) => {
    expect(evaluateCondition(cond as never, data)).toBe(expected);
  });

  it('first matching branch wins, else next, else the following step', () => {
    const def = wf(
      step('a', {
        branches: [
          { when: { field: 'k', op: 'eq', value: 1 }, next: 'c' },
          { when: { field: 'k', op: 'in', value: [1, 2] }, next: 'b' },
        ],
      }),
      step('b'),
      step('c', { final: true }),
    );
    expect(nextStepId(def, 'a', { k: 1 })).toBe('c');
    expect(nextStepId(def, 'a', { k: 2 })).toBe('b');
    expect(nextStepId(def, 'a', {})).toBe('b');
    expect(nextStepId(def, 'c', {})).toBeUndefined();
  });
});

describe('WORKFLOW_JSON_SCHEMA', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const validate = ajv.compile(WORKFLOW_JSON_SCHEMA);
  it('compiles, accepts valid definitions and rejects wrong shapes', () => {
    expect(validate(permissiveWorkflow)).toBe(true);
    expect(validate({ schemaVersion: 1, steps: [] })).toBe(false);
    expect(validate(wf(step('a', { role: 'janitor', final: true })))).toBe(false);
    expect(validate(wf(step('a', { allotment: { days: 1, hours: 2 } as never, final: true })))).toBe(false);
    expect(validate({ ...wf(step('a', { final: true })), extra: 1 })).toBe(false);
  });
});

describe('agency references', () => {
  it('receiving_authority resolves to the agency the receiving one-stop unit belongs to', () => {
    const def: WorkflowDefinition = {
      ...permissiveWorkflow,
      steps: permissiveWorkflow.steps.map((s) => ({ ...s, agency: { kind: 'receiving_authority' } })),
    };
    expect(validateWorkflow(def, { days: 10 }).ok).toBe(true);
    const agencies = { receivingAgencyCode: 'MC1', applicantCommuneCode: null, receivingAuthorityCode: 'XA1' };
    expect(resolveAgency({ kind: 'receiving_authority' }, agencies)).toBe('XA1');
    expect(resolveAgency({ kind: 'receiving' }, agencies)).toBe('MC1');
    expect(resolveAgency({ kind: 'receiving_authority' }, { ...agencies, receivingAuthorityCode: null })).toBeNull();
    const ajv = new Ajv2020({ strict: true });
    expect(ajv.validate(WORKFLOW_JSON_SCHEMA, def)).toBe(true);
  });
});

import { Alert, Button, Card, Checkbox, Form, Input, InputNumber, Select, Space } from 'antd';
import type { Dispatch, ReactNode, SetStateAction } from 'react';
import { useTranslation } from 'react-i18next';
import { useAllAgencies } from '../shared/catalogQueries.ts';
import { AgencyPicker } from './AgencyPicker.tsx';
import {
  AGENCY_KINDS,
  type AgencyRef,
  type Allotment,
  type Consultation,
  freshId,
  HOURS_PER_DAY,
  hoursOf,
  type Issue,
  messageOf,
  STEP_ACTIONS,
  STEP_ROLES,
  type Step,
  type TimeLimit,
  templateSteps,
} from './procedureModel.ts';

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * The workflow designer: the steps a dossier goes through after reception, each with its agency
 * (chosen by how it is found, or by name), who does it, its allotted working time against the
 * procedure's legal limit, the actions allowed there and the agencies it consults (liên thông).
 * Step ids are internal: people see step numbers and names.
 */
export function WorkflowDesigner({
  steps,
  onChange,
  limit,
  issues,
}: {
  steps: Step[];
  /** A state setter: every edit is applied to the latest steps, never to a render's stale copy. */
  onChange: Dispatch<SetStateAction<Step[]>>;
  limit: TimeLimit;
  issues: Issue[];
}) {
  const { t } = useTranslation();
  const agencies = useAllAgencies();
  const nameOfCode = (code: string) => agencies.data?.find((a) => a.code === code)?.name ?? code;
  const errs = (prefix: string, exact = false) =>
    issues
      .filter((e) => (exact ? e.path === prefix : e.path === prefix || e.path.startsWith(`${prefix}.`)))
      .map((e) => messageOf(t, e));
  const setStep = (i: number, patch: Partial<Step> | ((s: Step) => Partial<Step>)) =>
    onChange((steps) =>
      steps.map((s, j) => (j === i ? { ...s, ...(typeof patch === 'function' ? patch(s) : patch) } : s)),
    );
  const setConsult = (i: number, j: number, patch: Partial<Consultation>) =>
    setStep(i, (s) => ({
      consultations: (s.consultations ?? []).map((c, k) => (k === j ? { ...c, ...patch } : c)),
    }));
  const move = (i: number, by: -1 | 1) =>
    onChange((steps) => {
      const j = i + by;
      if (j < 0 || j >= steps.length) return steps;
      const copy = [...steps];
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      return copy;
    });
  /** Removing a step drops jumps to it: the dossier falls through to the following step. */
  const remove = (i: number) =>
    onChange((steps) => {
      const gone = steps[i]!.id;
      return steps
        .filter((_s, j) => j !== i)
        .map((s) => {
          const { next, branches, ...rest } = s;
          const kept = (branches as { next: string }[] | undefined)?.filter((b) => b.next !== gone);
          return {
            ...rest,
            ...(next && next !== gone ? { next } : {}),
            ...(kept?.length ? { branches: kept } : {}),
          } as Step;
        });
    });
  const add = () => {
    const step: Step = {
      id: freshId(
        'buoc',
        steps.map((s) => s.id),
      ),
      name_vi: '',
      role: 'officer',
      agency: { kind: 'receiving_authority' },
      allotment: { days: 1 },
      actions: ['forward'],
    };
    // A new step goes before the step that gives the result, else at the end.
    const at = steps.length > 0 && steps.at(-1)?.final ? steps.length - 1 : steps.length;
    onChange([...steps.slice(0, at), step, ...steps.slice(at)]);
  };
  const addConsult = (i: number) => {
    const s = steps[i]!;
    const list = s.consultations ?? [];
    const c: Consultation = {
      id: freshId(
        'y_kien',
        list.map((x) => x.id),
      ),
      name_vi: '',
      agency: { kind: 'applicant_commune' },
      allotment: { days: 1 },
    };
    // Consulting is an action of the step: it comes with its first target and goes with its last.
    setStep(i, {
      consultations: [...list, c],
      actions: s.actions.includes('consult') ? s.actions : [...s.actions, 'consult'],
    });
  };
  const removeConsult = (i: number, j: number) => {
    const s = steps[i]!;
    const list = (s.consultations ?? []).filter((_c, k) => k !== j);
    const { consultations: _gone, ...rest } = s;
    const next: Step = list.length
      ? { ...s, consultations: list }
      : { ...rest, actions: s.actions.filter((a) => a !== 'consult') };
    onChange(steps.map((x, k) => (k === i ? next : x)));
  };

  const totalHours = steps.reduce((n, s) => n + hoursOf(s.allotment), 0);
  const limitHours =
    limit?.value && limit.unit === 'working_days'
      ? limit.value * HOURS_PER_DAY
      : limit?.value && limit.unit === 'working_hours'
        ? limit.value
        : null;
  const fmt = (hours: number) =>
    limit?.unit === 'working_hours'
      ? t('pe.hoursN', { n: round(hours) })
      : t('pe.daysN', { n: round(hours / HOURS_PER_DAY).toLocaleString('vi-VN') });
  const over = limitHours !== null && totalHours > limitHours + 1e-9;
  const general = errs('workflow', true);

  const allotmentEditor = (a: Allotment, set: (a: Allotment) => void, label: string, status?: 'error') => {
    const inHours = 'hours' in a;
    const value = inHours ? a.hours : a.days;
    return (
      <Space.Compact>
        <InputNumber
          aria-label={label}
          min={0}
          step={0.5}
          decimalSeparator=","
          value={value}
          status={status}
          style={{ width: 90 }}
          onChange={(v) => set(inHours ? { hours: v ?? 0 } : { days: v ?? 0 })}
        />
        <Select
          aria-label={`${label} — ${t('pe.stepTimeUnit')}`}
          value={inHours ? 'hours' : 'days'}
          style={{ width: 150 }}
          onChange={(u) =>
            set(u === 'hours' ? { hours: round(value * HOURS_PER_DAY) } : { days: round(value / HOURS_PER_DAY) })
          }
          options={[
            { value: 'days', label: t('pe.stepDays') },
            { value: 'hours', label: t('pe.stepHours') },
          ]}
        />
      </Space.Compact>
    );
  };

  const agencyEditor = (ref: AgencyRef, set: (r: AgencyRef) => void, label: string, status?: 'error') => (
    <Space orientation="vertical" size={4} style={{ width: '100%' }}>
      <Select
        aria-label={`${label} — ${t('pe.stepAgencyKind')}`}
        value={ref.kind}
        style={{ width: '100%', maxWidth: 420 }}
        status={status}
        onChange={(kind) => set(kind === 'fixed' ? { kind, agencyCode: '' } : ({ kind } as AgencyRef))}
        options={AGENCY_KINDS.map((k) => ({ value: k, label: t(`pe.agencyKinds.${k}`) }))}
      />
      {ref.kind === 'fixed' && (
        <AgencyPicker
          by="code"
          label={label}
          width="100%"
          status={status}
          value={ref.agencyCode || undefined}
          onChange={(agencyCode: string) => set({ kind: 'fixed', agencyCode })}
        />
      )}
    </Space>
  );

  const item = (label: string, errors: string[], node: ReactNode, id?: string) => (
    <Form.Item
      label={label}
      htmlFor={id}
      validateStatus={errors.length ? 'error' : undefined}
      help={errors.length ? errors.join('; ') : undefined}
      style={{ marginBottom: 12 }}
    >
      {node}
    </Form.Item>
  );

  return (
    <Card>
      <p style={{ marginTop: 0 }}>{t('pe.wfIntro')}</p>
      {general.length > 0 && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={general.join('; ')} />}
      <Alert
        type={over ? 'error' : 'info'}
        style={{ marginBottom: 12 }}
        title={
          limitHours !== null
            ? `${t('pe.totalVsLimit', { total: fmt(totalHours), limit: fmt(limitHours) })}${over ? ` — ${t('pe.overLimit')}` : ''}`
            : t('pe.totalNoLimit', { total: fmt(totalHours) })
        }
      />
      <WorkflowDiagram steps={steps} nameOfCode={nameOfCode} />
      {steps.length === 0 && (
        <Space style={{ marginBottom: 12 }} wrap>
          <span>{t('pe.wfNone')}</span>
          <Button onClick={() => onChange(templateSteps(t, limit))}>{t('pe.wfTemplate')}</Button>
        </Space>
      )}
      <Form layout="vertical" component="div">
        {steps.map((s, i) => {
          const p = `workflow.steps.${i}`;
          const n = i + 1;
          const label = t('pe.stepNo', { n });
          const stepErrors = errs(p, true);
          return (
            <section
              key={s.id}
              aria-label={label}
              className="wf-step"
              style={{ border: '1px solid #d9d9d9', borderRadius: 6, padding: 12, marginBottom: 12 }}
            >
              <div style={{ display: 'flex', justifyContent: 'space-between', flexWrap: 'wrap', gap: 8 }}>
                <h3 style={{ fontSize: 15, margin: '0 0 8px' }}>
                  {label}
                  {s.name_vi ? `: ${s.name_vi}` : ''}
                </h3>
                <Space size={4}>
                  <Button
                    size="small"
                    aria-label={t('pe.moveUp', { n })}
                    disabled={i === 0}
                    onClick={() => move(i, -1)}
                  >
                    ↑
                  </Button>
                  <Button
                    size="small"
                    aria-label={t('pe.moveDown', { n })}
                    disabled={i === steps.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    ↓
                  </Button>
                  <Button danger size="small" onClick={() => remove(i)}>
                    {t('pe.removeStep', { n })}
                  </Button>
                </Space>
              </div>
              {stepErrors.length > 0 && (
                <Alert type="error" showIcon style={{ marginBottom: 8 }} title={stepErrors.join('; ')} />
              )}
              <div className="form-grid">
                {item(
                  t('pe.stepName'),
                  errs(`${p}.name_vi`),
                  <Input
                    id={`step-${i}-name`}
                    value={s.name_vi}
                    status={errs(`${p}.name_vi`).length ? 'error' : undefined}
                    onChange={(e) => setStep(i, { name_vi: e.target.value })}
                  />,
                  `step-${i}-name`,
                )}
                {item(
                  t('pe.stepRole'),
                  errs(`${p}.role`),
                  <Select
                    id={`step-${i}-role`}
                    value={s.role}
                    onChange={(role) => setStep(i, { role })}
                    options={[...new Set([...STEP_ROLES, s.role])].map((r) => ({
                      value: r,
                      label: t(`pe.roles.${r}`, { defaultValue: t(`admin.roleNames.${r}`, { defaultValue: r }) }),
                    }))}
                  />,
                  `step-${i}-role`,
                )}
              </div>
              <div className="form-grid">
                {item(
                  t('pe.stepAgency'),
                  errs(`${p}.agency`),
                  agencyEditor(
                    s.agency,
                    (agency) => setStep(i, { agency }),
                    `${t('pe.stepAgency')} ${label}`,
                    errs(`${p}.agency`).length ? 'error' : undefined,
                  ),
                )}
                {item(
                  t('pe.stepTime'),
                  errs(`${p}.allotment`),
                  allotmentEditor(
                    s.allotment,
                    (allotment) => setStep(i, { allotment }),
                    `${t('pe.stepTime')} ${label}`,
                    errs(`${p}.allotment`).length ? 'error' : undefined,
                  ),
                )}
              </div>
              {item(
                t('pe.stepActions'),
                [...errs(`${p}.actions`), ...errs(`${p}.final`), ...errs(`${p}.next`)],
                <Checkbox.Group
                  aria-label={`${t('pe.stepActions')} ${label}`}
                  value={s.actions}
                  onChange={(v) => setStep(i, { actions: STEP_ACTIONS.filter((a) => (v as string[]).includes(a)) })}
                  options={STEP_ACTIONS.map((a) => ({ value: a, label: t(`pe.stepActionNames.${a}`) }))}
                />,
              )}
              <Checkbox
                checked={s.final === true}
                onChange={(e) => {
                  const { final: _f, ...rest } = s;
                  onChange(
                    steps.map((x, k) => (k === i ? ((e.target.checked ? { ...rest, final: true } : rest) as Step) : x)),
                  );
                }}
              >
                {t('pe.stepFinal')}
              </Checkbox>
              <fieldset style={{ border: 'none', padding: 0, margin: '12px 0 0' }}>
                <legend style={{ fontSize: 14, fontWeight: 500, marginBottom: 4 }}>
                  {t('pe.consultations')} — {label}
                </legend>
                {errs(`${p}.consultations`, true).length > 0 && (
                  <Alert
                    type="error"
                    showIcon
                    style={{ marginBottom: 8 }}
                    title={errs(`${p}.consultations`, true).join('; ')}
                  />
                )}
                {(s.consultations ?? []).length === 0 && (
                  <p style={{ margin: '0 0 8px', color: '#555' }}>{t('pe.consultationsNone')}</p>
                )}
                {(s.consultations ?? []).map((c, j) => {
                  const cp = `${p}.consultations.${j}`;
                  const cl = t('pe.consultNo', { n: j + 1, step: n });
                  return (
                    <fieldset
                      key={c.id}
                      aria-label={cl}
                      style={{
                        border: 'none',
                        borderLeft: '3px dashed #874d00',
                        paddingLeft: 12,
                        margin: '0 0 8px',
                      }}
                    >
                      <div className="form-grid">
                        {item(
                          t('pe.consultName'),
                          errs(`${cp}.name_vi`),
                          <Input
                            id={`step-${i}-consult-${j}-name`}
                            value={c.name_vi}
                            onChange={(e) => setConsult(i, j, { name_vi: e.target.value })}
                          />,
                          `step-${i}-consult-${j}-name`,
                        )}
                        {item(
                          t('pe.consultTime'),
                          errs(`${cp}.allotment`),
                          allotmentEditor(
                            c.allotment,
                            (allotment) => setConsult(i, j, { allotment }),
                            `${t('pe.consultTime')} — ${cl}`,
                          ),
                        )}
                      </div>
                      {item(
                        t('pe.consultAgency'),
                        errs(`${cp}.agency`),
                        agencyEditor(
                          c.agency,
                          (agency) => setConsult(i, j, { agency }),
                          `${t('pe.consultAgency')} — ${cl}`,
                        ),
                      )}
                      <Button danger size="small" onClick={() => removeConsult(i, j)}>
                        {t('pe.removeConsultation', { n: j + 1 })}
                      </Button>
                    </fieldset>
                  );
                })}
                <Button size="small" onClick={() => addConsult(i)}>
                  {t('pe.addConsultation')}
                </Button>
              </fieldset>
            </section>
          );
        })}
      </Form>
      <Button onClick={add}>{t('pe.addStep')}</Button>
    </Card>
  );
}

/** The flow drawn as boxes and arrows (reception → steps → return), consultations under their step. */
function WorkflowDiagram({ steps, nameOfCode }: { steps: Step[]; nameOfCode: (code: string) => string }) {
  const { t } = useTranslation();
  const agencyOf = (a: AgencyRef) => (a.kind === 'fixed' ? nameOfCode(a.agencyCode) : t(`pe.agencyKinds.${a.kind}`));
  const timeOf = (a: Allotment) => ('hours' in a ? t('pe.hoursN', { n: a.hours }) : t('pe.daysN', { n: a.days }));
  const box = (label: string, sub?: string, final?: boolean) => (
    <div
      style={{
        border: `2px solid ${final ? '#135200' : '#0b57d0'}`,
        borderRadius: 6,
        padding: '6px 10px',
        background: '#fff',
        minWidth: 120,
        maxWidth: 220,
        fontSize: 13,
      }}
    >
      <div style={{ fontWeight: 500 }}>{label}</div>
      {sub && <div style={{ color: '#333' }}>{sub}</div>}
    </div>
  );
  return (
    <figure
      aria-label={t('pe.tabs.workflow')}
      style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 8, margin: '0 0 16px' }}
    >
      {box(t('pe.reception'))}
      {steps.map((s, i) => (
        <div key={s.id} style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
          <span aria-hidden="true">→</span>
          <div>
            {box(
              `${t('pe.stepNo', { n: i + 1 })}${s.name_vi ? `: ${s.name_vi}` : ''}`,
              `${agencyOf(s.agency)} · ${t(`pe.roles.${s.role}`, { defaultValue: s.role })} · ${timeOf(s.allotment)}`,
              s.final,
            )}
            {(s.consultations ?? []).map((c) => (
              <div key={c.id} style={{ fontSize: 12, marginTop: 4, paddingLeft: 8, borderLeft: '2px dashed #874d00' }}>
                ↳ {c.name_vi || t('pe.consultations')} — {agencyOf(c.agency)}
              </div>
            ))}
          </div>
        </div>
      ))}
      <span aria-hidden="true">→</span>
      {box(t('pe.returnResult'))}
    </figure>
  );
}

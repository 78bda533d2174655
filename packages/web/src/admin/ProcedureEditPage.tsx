import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Form, Input, InputNumber, Select, Space, Table, Tabs, Tag } from 'antd';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api, ok } from '../api/client.ts';
import type { paths } from '../api/schema';
import { useAllAgencies } from '../shared/catalogQueries.ts';
import { Loading } from '../shared/Loading.tsx';
import ProcedureInfoForm, { cleanInfo, infoOf, type ProcedureInfo } from './ProcedureInfoForm.tsx';

const EForm = lazy(() => import('../shared/EForm.tsx'));

type AdminView = paths['/api/v1/admin/procedures/{id}']['get']['responses'][200]['content']['application/json'];
type Version = NonNullable<AdminView['published']>;
type DraftBody = paths['/api/v1/procedures/{id}/draft']['put']['requestBody']['content']['application/json'];

/** One field of the e-form designer; stored as a JSON Schema property. */
type Field = {
  key: string;
  title: string;
  type: 'string' | 'number' | 'date' | 'boolean' | 'select';
  required: boolean;
  options: string;
};
type Step = {
  id: string;
  name_vi: string;
  name_en?: string;
  role: string;
  agency?: { kind: string; agencyCode?: string };
  allotment?: { days?: number; hours?: number };
  actions?: string[];
  final?: boolean;
  [k: string]: unknown;
};

const ROLES = ['receptionist', 'officer', 'leader'];
const STEP_ACTIONS = [
  'forward',
  'send_back',
  'consult',
  'request_supplement',
  'refuse',
  'approve',
  'sign',
  'request_fee',
];

function fieldsOf(schema: Record<string, unknown> | undefined): Field[] {
  const props = (schema?.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = (schema?.required ?? []) as string[];
  return Object.entries(props).map(([key, p]) => ({
    key,
    title: String(p.title ?? key),
    type: Array.isArray(p.enum) ? 'select' : p.format === 'date' ? 'date' : ((p.type as Field['type']) ?? 'string'),
    required: required.includes(key),
    options: Array.isArray(p.enum) ? (p.enum as string[]).join(', ') : '',
  }));
}

function schemaOf(fields: Field[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const f of fields) {
    if (!f.key) continue;
    if (f.type === 'select') {
      properties[f.key] = {
        type: 'string',
        title: f.title,
        enum: f.options
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      };
    } else if (f.type === 'date') properties[f.key] = { type: 'string', format: 'date', title: f.title };
    else properties[f.key] = { type: f.type, title: f.title };
  }
  const required = fields.filter((f) => f.required && f.key).map((f) => f.key);
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
}

const AGENCY_KINDS = ['receiving', 'receiving_authority', 'applicant_commune', 'fixed'] as const;

/** A fresh step id not used by any step. */
function newStepId(steps: Step[]): string {
  let n = steps.length + 1;
  while (steps.some((s) => s.id === `step${n}`)) n++;
  return `step${n}`;
}

const stepDays = (s: Step) => (s.allotment?.days ?? 0) + (s.allotment?.hours ?? 0) / 8;

/**
 * Edit a procedure: main fields, the e-form designer (fields → JSON Schema, with preview), the
 * workflow designer (steps, roles, agencies, allotted time against the legal limit, diagram), save
 * the draft and publish a new version.
 */
export default function ProcedureEditPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { id = '' } = useParams();
  const qc = useQueryClient();
  const view = useQuery({
    queryKey: ['admin-procedure', id],
    queryFn: async () => ok(await api.GET('/api/v1/admin/procedures/{id}', { params: { path: { id } } })),
  });
  const base: Version | null = view.data?.draft ?? view.data?.published ?? null;
  const [name, setName] = useState('');
  const [limit, setLimit] = useState<number | null>(null);
  const [fields, setFields] = useState<Field[]>([]);
  const [steps, setSteps] = useState<Step[]>([]);
  const [info, setInfo] = useState<ProcedureInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!base) return;
    setName(base.name);
    setInfo(infoOf(base));
    setLimit(base.timeLimit?.value ?? null);
    setFields(fieldsOf(base.eForm?.schema as Record<string, unknown> | undefined));
    setSteps(((base.workflow as { steps?: Step[] } | null)?.steps ?? []).map((s) => ({ ...s })));
  }, [base]);

  const schema = useMemo(() => schemaOf(fields), [fields]);
  const agencies = useAllAgencies();
  const agencyCodes = (agencies.data ?? []).map((a) => a.code);
  if (view.isLoading || !view.data) return <Loading />;
  if (!base) return <Alert type="error" title="—" />;
  const total = steps.reduce((n, s) => n + stepDays(s), 0);
  const legal = base.timeLimit?.unit === 'working_days' ? limit : null;

  function content(): DraftBody {
    const b = base!;
    const workflow = b.workflow ? { ...(b.workflow as Record<string, unknown>), steps } : null;
    return {
      version: view.data!.version,
      name: name.trim(),
      ...cleanInfo(info ?? infoOf(b)),
      timeLimit:
        b.timeLimit && limit !== null && b.timeLimit.unit !== 'text' ? { ...b.timeLimit, value: limit } : b.timeLimit,
      eForm: fields.length ? { schema: schema as never, uiSchema: null } : null,
      workflow,
    } as DraftBody;
  }

  async function save(): Promise<number | null> {
    setError(null);
    const r = await api.PUT('/api/v1/procedures/{id}/draft', { params: { path: { id } }, body: content() });
    if (!r.response.ok) {
      const p = r.error as unknown as {
        detail?: string;
        title?: string;
        errors?: { path: string; message?: string }[];
      };
      setError(
        [p?.detail ?? p?.title, ...(p?.errors ?? []).map((e) => `${e.path}: ${e.message ?? ''}`)]
          .filter(Boolean)
          .join(' — '),
      );
      return null;
    }
    qc.setQueryData(['admin-procedure', id], r.data);
    message.success(t('app.saved'));
    return r.data!.version;
  }

  async function publish() {
    setBusy(true);
    try {
      const version = await save();
      if (version === null) return;
      const r = ok(await api.POST('/api/v1/procedures/{id}/publish', { params: { path: { id } }, body: { version } }));
      qc.setQueryData(['admin-procedure', id], r);
      void qc.invalidateQueries({ queryKey: ['procedure', id] });
      message.success(t('admin.published', { n: r.published?.versionNo ?? '' }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  const setField = (i: number, patch: Partial<Field>) =>
    setFields(fields.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  const setStep = (i: number, patch: Partial<Step>) =>
    setSteps(steps.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  /** A new step goes before the final step (the one that ends processing), else at the end. */
  const addStep = () => {
    const step: Step = {
      id: newStepId(steps),
      name_vi: '',
      role: 'officer',
      agency: { kind: 'receiving' },
      allotment: { days: 1 },
      actions: ['forward'],
    };
    const at = steps.length > 0 && steps.at(-1)?.final ? steps.length - 1 : steps.length;
    setSteps([...steps.slice(0, at), step, ...steps.slice(at)]);
  };
  /** Remove a step; jumps that pointed at it fall through to the following step. */
  const removeStep = (i: number) => {
    const gone = steps[i]!.id;
    setSteps(
      steps
        .filter((_s, j) => j !== i)
        .map((s) => {
          const { next, branches, ...rest } = s;
          const kept = (branches as { next: string }[] | undefined)?.filter((b) => b.next !== gone);
          return {
            ...rest,
            ...(next && next !== gone ? { next } : {}),
            ...(kept?.length ? { branches: kept } : {}),
          } as Step;
        }),
    );
  };
  const moveStep = (i: number, by: -1 | 1) => {
    const j = i + by;
    if (j < 0 || j >= steps.length) return;
    const copy = [...steps];
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    setSteps(copy);
  };

  return (
    <>
      <h1 style={{ fontSize: 22, marginTop: 0 }}>
        {base.name} {view.data.draft && <Tag>{t('admin.draft')}</Tag>}
        {view.data.published && <Tag>v{view.data.published.versionNo}</Tag>}
      </h1>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      <Card style={{ marginBottom: 16 }}>
        <Form layout="vertical" component="div">
          <div className="form-grid">
            <Form.Item label={t('admin.name')} htmlFor="proc-name">
              <Input id="proc-name" value={name} onChange={(e) => setName(e.target.value)} />
            </Form.Item>
            <Form.Item label={t('procedure.timeLimit')} htmlFor="proc-limit">
              <InputNumber id="proc-limit" min={0} value={limit} onChange={(v) => setLimit(v)} /> {base.timeLimit?.unit}
            </Form.Item>
          </div>
        </Form>
        <Space>
          <Button onClick={() => void save()}>{t('admin.saveDraft')}</Button>
          <Button type="primary" loading={busy} onClick={() => void publish()}>
            {t('admin.publish')}
          </Button>
        </Space>
      </Card>
      <Tabs
        items={[
          {
            key: 'info',
            label: t('admin.info'),
            children: info && <ProcedureInfoForm value={info} onChange={setInfo} />,
          },
          {
            key: 'eform',
            label: t('admin.eform'),
            children: (
              <Card>
                <Table
                  rowKey={(_f, i) => String(i)}
                  size="small"
                  pagination={false}
                  scroll={{ x: true }}
                  dataSource={fields}
                  columns={[
                    {
                      title: t('admin.fieldKey'),
                      render: (_v, f, i) => (
                        <Input
                          aria-label={`${t('admin.fieldKey')} ${i + 1}`}
                          value={f.key}
                          onChange={(e) => setField(i, { key: e.target.value.replace(/[^A-Za-z0-9_]/g, '') })}
                        />
                      ),
                    },
                    {
                      title: t('admin.fieldTitle'),
                      render: (_v, f, i) => (
                        <Input
                          aria-label={`${t('admin.fieldTitle')} ${i + 1}`}
                          value={f.title}
                          onChange={(e) => setField(i, { title: e.target.value })}
                        />
                      ),
                    },
                    {
                      title: t('admin.fieldType'),
                      render: (_v, f, i) => (
                        <Select
                          aria-label={`${t('admin.fieldType')} ${i + 1}`}
                          value={f.type}
                          style={{ width: 130 }}
                          onChange={(v) => setField(i, { type: v })}
                          options={[
                            { value: 'string', label: t('admin.string') },
                            { value: 'number', label: t('admin.number') },
                            { value: 'date', label: t('admin.typeDate') },
                            { value: 'boolean', label: t('admin.boolean') },
                            { value: 'select', label: t('admin.select') },
                          ]}
                        />
                      ),
                    },
                    {
                      title: t('admin.fieldRequired'),
                      render: (_v, f, i) => (
                        <Checkbox
                          aria-label={`${t('admin.fieldRequired')} ${i + 1}`}
                          checked={f.required}
                          onChange={(e) => setField(i, { required: e.target.checked })}
                        />
                      ),
                    },
                    {
                      title: t('admin.fieldOptions'),
                      render: (_v, f, i) =>
                        f.type === 'select' ? (
                          <Input
                            aria-label={`${t('admin.fieldOptions')} ${i + 1}`}
                            value={f.options}
                            onChange={(e) => setField(i, { options: e.target.value })}
                          />
                        ) : null,
                    },
                    {
                      title: '',
                      render: (_v, _f, i) => (
                        <Button danger size="small" onClick={() => setFields(fields.filter((_x, j) => j !== i))}>
                          {t('admin.remove')}
                        </Button>
                      ),
                    },
                  ]}
                />
                <Button
                  style={{ marginTop: 8 }}
                  onClick={() =>
                    setFields([
                      ...fields,
                      { key: `field${fields.length + 1}`, title: '', type: 'string', required: false, options: '' },
                    ])
                  }
                >
                  {t('admin.addField')}
                </Button>
                <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('admin.preview')}</h2>
                <Suspense fallback={<Loading />}>
                  {fields.length > 0 && <EForm schema={schema} formData={{}} />}
                </Suspense>
              </Card>
            ),
          },
          {
            key: 'workflow',
            label: t('admin.workflow'),
            children: (
              <Card>
                <Alert
                  type={legal !== null && total > legal ? 'error' : 'info'}
                  title={`${t('admin.total', { total, limit: legal ?? '—' })}${legal !== null && total > legal ? ` — ${t('admin.overLimit')}` : ''}`}
                  style={{ marginBottom: 12 }}
                />
                <WorkflowDiagram steps={steps} />
                <Table
                  rowKey="id"
                  size="small"
                  pagination={false}
                  scroll={{ x: true }}
                  dataSource={steps}
                  columns={[
                    { title: t('admin.step'), dataIndex: 'id' },
                    {
                      title: t('admin.name'),
                      render: (_v, s, i) => (
                        <Input
                          aria-label={`${t('admin.name')} ${s.id}`}
                          style={{ minWidth: 240 }}
                          value={s.name_vi}
                          onChange={(e) => setStep(i, { name_vi: e.target.value })}
                        />
                      ),
                    },
                    {
                      title: t('admin.role'),
                      render: (_v, s, i) => (
                        <Select
                          aria-label={`${t('admin.role')} ${s.id}`}
                          value={s.role}
                          style={{ width: 130 }}
                          onChange={(v) => setStep(i, { role: v })}
                          options={ROLES.map((r) => ({ value: r, label: r }))}
                        />
                      ),
                    },
                    {
                      title: t('admin.stepAgency'),
                      render: (_v, s, i) => (
                        <Space orientation="vertical" size={4}>
                          <Select
                            aria-label={`${t('admin.stepAgency')} ${s.id}`}
                            value={s.agency?.kind ?? 'receiving'}
                            style={{ width: 220 }}
                            onChange={(kind) =>
                              setStep(i, {
                                agency:
                                  kind === 'fixed'
                                    ? { kind, agencyCode: s.agency?.agencyCode ?? agencyCodes[0] ?? '' }
                                    : { kind },
                              })
                            }
                            options={AGENCY_KINDS.map((k) => ({ value: k, label: t(`admin.agencyKinds.${k}`) }))}
                          />
                          {s.agency?.kind === 'fixed' && (
                            <Select
                              aria-label={`${t('admin.agency')} ${s.id}`}
                              value={s.agency.agencyCode}
                              style={{ width: 220 }}
                              showSearch={{ optionFilterProp: 'label' }}
                              onChange={(agencyCode) => setStep(i, { agency: { kind: 'fixed', agencyCode } })}
                              options={(agencies.data ?? []).map((a) => ({
                                value: a.code,
                                label: `${a.name} (${a.code})`,
                              }))}
                            />
                          )}
                        </Space>
                      ),
                    },
                    {
                      title: t('admin.allotment'),
                      render: (_v, s, i) => (
                        <InputNumber
                          aria-label={`${t('admin.allotment')} ${s.id}`}
                          min={0}
                          step={0.5}
                          value={stepDays(s)}
                          onChange={(v) => setStep(i, { allotment: { days: v ?? 0 } })}
                        />
                      ),
                    },
                    {
                      title: t('admin.allowed'),
                      render: (_v, s, i) => (
                        <Select
                          aria-label={`${t('admin.allowed')} ${s.id}`}
                          mode="multiple"
                          style={{ minWidth: 240 }}
                          value={s.actions ?? []}
                          onChange={(v) => setStep(i, { actions: v })}
                          options={STEP_ACTIONS.map((a) => ({ value: a, label: t(`actions.${a}`) }))}
                        />
                      ),
                    },
                    {
                      title: '',
                      render: (_v, s, i) => (
                        <Space size={4}>
                          <Button
                            size="small"
                            aria-label={`${t('admin.moveUp')} ${s.id}`}
                            disabled={i === 0}
                            onClick={() => moveStep(i, -1)}
                          >
                            ↑
                          </Button>
                          <Button
                            size="small"
                            aria-label={`${t('admin.moveDown')} ${s.id}`}
                            disabled={i === steps.length - 1}
                            onClick={() => moveStep(i, 1)}
                          >
                            ↓
                          </Button>
                          <Button
                            danger
                            size="small"
                            aria-label={`${t('admin.remove')} ${s.id}`}
                            disabled={steps.length <= 1}
                            onClick={() => removeStep(i)}
                          >
                            {t('admin.remove')}
                          </Button>
                        </Space>
                      ),
                    },
                  ]}
                />
                <Button style={{ marginTop: 8 }} onClick={addStep}>
                  {t('admin.addStep')}
                </Button>
              </Card>
            ),
          },
        ]}
      />
    </>
  );
}

/** The flow drawn as boxes and arrows (reception → steps → return), consultations under their step. */
function WorkflowDiagram({ steps }: { steps: Step[] }) {
  const { t } = useTranslation();
  const agencyOf = (s: Step) =>
    s.agency?.kind === 'fixed' ? (s.agency.agencyCode ?? '') : t(`admin.agencyKinds.${s.agency?.kind ?? 'receiving'}`);
  const timeOf = (s: Step) =>
    s.allotment?.hours !== undefined
      ? t('admin.hours', { n: s.allotment.hours })
      : t('admin.days', { n: s.allotment?.days ?? 0 });
  const box = (label: string, sub?: string, final?: boolean) => (
    <div
      style={{
        border: `2px solid ${final ? '#135200' : '#0b57d0'}`,
        borderRadius: 6,
        padding: '6px 10px',
        background: '#fff',
        minWidth: 120,
        maxWidth: 200,
        fontSize: 13,
      }}
    >
      <div style={{ fontWeight: 500 }}>{label}</div>
      {sub && <div style={{ color: '#333' }}>{sub}</div>}
    </div>
  );
  return (
    <figure
      aria-label={t('admin.workflow')}
      style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 8, margin: '0 0 16px' }}
    >
      {box(t('actions.receive'))}
      {steps.map((s) => (
        <div key={s.id} style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
          <span aria-hidden="true">→</span>
          <div>
            {box(
              s.name_vi || s.id,
              `${agencyOf(s)} · ${t(`admin.roleNames.${s.role}`, { defaultValue: s.role })} · ${timeOf(s)}`,
              s.final,
            )}
            {((s.consultations as { id: string; name_vi: string }[] | undefined) ?? []).map((c) => (
              <div key={c.id} style={{ fontSize: 12, marginTop: 4, paddingLeft: 8, borderLeft: '2px dashed #874d00' }}>
                ↳ {c.name_vi}
              </div>
            ))}
          </div>
        </div>
      ))}
      <span aria-hidden="true">→</span>
      {box(t('actions.return_result'))}
    </figure>
  );
}

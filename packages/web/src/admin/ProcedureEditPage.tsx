import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, InputNumber, Select, Space, Tabs, Tag } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, ok } from '../api/client.ts';
import { Loading } from '../shared/Loading.tsx';
import './adminMessages.ts';
import { EFormDesigner } from './EFormDesigner.tsx';
import ProcedureInfoForm, { cleanInfo, type ProcedureInfo } from './ProcedureInfoForm.tsx';
import { ProcedurePreview } from './ProcedurePreview.tsx';
import {
  type AdminView,
  blankContent,
  type Content,
  contentOf,
  type EField,
  eFormOf,
  fieldsOf,
  type Issue,
  messageOf,
  placeOf,
  type Step,
  type TimeLimit,
} from './procedureModel.ts';
import { WorkflowDesigner } from './WorkflowDesigner.tsx';

type Tab = 'info' | 'eform' | 'workflow' | 'preview';
type Banner = { type: 'error' | 'success'; title: string; detail?: string };
const UNITS = ['working_days', 'working_hours', 'calendar_days', 'text'] as const;

/** The field problems of an API refusal, paths without the `body.` prefix. */
function issuesOfProblem(e: unknown): { detail: string; issues: Issue[] } {
  if (!(e instanceof ApiError)) return { detail: e instanceof Error ? e.message : String(e), issues: [] };
  const p = e.problem as {
    detail?: string;
    title?: string;
    errors?: { path: string; code?: string; message?: string }[];
  };
  return {
    detail: String(p.detail ?? p.title ?? `HTTP ${e.status}`),
    issues: (p.errors ?? []).map((x) => ({
      path: x.path.replace(/^(body|procedure)\.?/, ''),
      code: x.code ?? 'custom',
      message: x.message ?? '',
    })),
  };
}

/**
 * Create or edit a procedure, for an administrator who is not a programmer: the general part
 * (name, time limit in words), every field of the public record, the e-form designer, the
 * workflow designer, a preview as citizens will see it; check, save the draft, publish. Every
 * problem the server finds is written in words next to its field and listed on top.
 * `/admin/procedures/new` starts a blank procedure; the first save creates it as a draft.
 */
export default function ProcedureEditPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { id = '' } = useParams();
  const isNew = id === 'new';
  const navigate = useNavigate();
  const qc = useQueryClient();
  const view = useQuery({
    queryKey: ['admin-procedure', id],
    enabled: !isNew,
    retry: false,
    queryFn: async () => ok(await api.GET('/api/v1/admin/procedures/{id}', { params: { path: { id } } })),
  });
  const base = isNew ? null : (view.data?.draft ?? view.data?.published ?? null);
  const [content, setContent] = useState<Content | null>(null);
  const [code, setCode] = useState('');
  const [fields, setFields] = useState<EField[]>([]);
  const [steps, setSteps] = useState<Step[]>([]);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [banner, setBanner] = useState<Banner | null>(null);
  const [tab, setTab] = useState<Tab>('info');
  const [busy, setBusy] = useState<null | 'save' | 'check' | 'publish'>(null);

  useEffect(() => {
    if (isNew) {
      setContent(blankContent());
      setFields([]);
      setSteps([]);
      return;
    }
    if (!base) return;
    const c = contentOf(base);
    setContent(c);
    const ef = c.eForm;
    setFields(fieldsOf(ef?.schema, ef?.uiSchema, ef?.prefill));
    setSteps(((c.workflow as { steps?: Step[] } | null)?.steps ?? []).map((s) => ({ ...s })));
  }, [base, isNew]);

  const assembled = useMemo<Content | null>(() => {
    if (!content) return null;
    const ef = content.eForm;
    return {
      ...content,
      ...cleanInfo(content as unknown as ProcedureInfo),
      name: content.name.trim(),
      eForm: fields.length ? (eFormOf(fields, ef?.uiSchema ?? null, ef?.schema) as Content['eForm']) : null,
      workflow: steps.length
        ? { ...((content.workflow as Record<string, unknown> | null) ?? {}), schemaVersion: 1, steps }
        : null,
    } as Content;
  }, [content, fields, steps]);

  if (!isNew && view.isError) {
    return (
      <Alert
        type="error"
        showIcon
        title={t('pe.notFound')}
        description={<Link to="/admin/procedures">{t('pe.backToList')}</Link>}
      />
    );
  }
  if (!content || !assembled || (!isNew && !view.data)) return <Loading />;
  const set = (patch: Partial<Content>) => setContent({ ...content, ...patch });
  const tl = content.timeLimit;
  const setLimit = (patch: Partial<NonNullable<TimeLimit>>) => {
    const cur = tl ?? { value: null, unit: 'working_days' as const, text: null };
    const next = { ...cur, ...patch };
    if (next.unit === 'text') next.value = null;
    set({ timeLimit: next });
  };
  const errs = (path: string) =>
    issues.filter((e) => e.path === path || e.path.startsWith(`${path}.`)).map((e) => messageOf(t, e));
  const countIn = (tabKey: Tab) => issues.filter((e) => placeOf(t, e.path).tab === tabKey).length;
  const tabLabel = (key: Tab) => {
    const n = key === 'preview' ? 0 : countIn(key);
    return n ? `${t(`pe.tabs.${key}`)} (${n})` : t(`pe.tabs.${key}`);
  };

  async function runCheck(): Promise<Issue[]> {
    const r = ok(await api.POST('/api/v1/admin/procedures/check', { body: { content: assembled as never } }));
    return r.errors;
  }

  /** Check, then create or save the draft; the new admin view, or null when refused. */
  async function save(): Promise<AdminView | null> {
    const found = await runCheck();
    setIssues(found);
    if (found.some((e) => !e.publishOnly)) {
      setBanner({ type: 'error', title: t('pe.saveRefused') });
      return null;
    }
    try {
      let r: AdminView;
      if (isNew) {
        r = ok(
          await api.POST('/api/v1/procedures', {
            body: { ...(assembled as Content), code: code.trim() || null } as never,
          }),
        );
        qc.setQueryData(['admin-procedure', r.id], r);
        void qc.invalidateQueries({ queryKey: ['admin-procedures'] });
        message.success(t('pe.created'));
        navigate(`/admin/procedures/${r.id}`, { replace: true });
      } else {
        r = ok(
          await api.PUT('/api/v1/procedures/{id}/draft', {
            params: { path: { id } },
            body: { ...(assembled as Content), version: view.data!.version } as never,
          }),
        );
        qc.setQueryData(['admin-procedure', id], r);
        void qc.invalidateQueries({ queryKey: ['admin-procedures'] });
        message.success(t('app.saved'));
      }
      return r;
    } catch (e) {
      const p = issuesOfProblem(e);
      setIssues([...found, ...p.issues]);
      setBanner({ type: 'error', title: t('pe.saveRefused'), detail: p.detail });
      return null;
    }
  }

  async function onSave() {
    setBusy('save');
    setBanner(null);
    try {
      await save();
    } finally {
      setBusy(null);
    }
  }

  async function onCheck() {
    setBusy('check');
    setBanner(null);
    try {
      const found = await runCheck();
      setIssues(found);
      setBanner(
        found.length ? { type: 'error', title: t('pe.publishRefused') } : { type: 'success', title: t('pe.checkedOk') },
      );
    } finally {
      setBusy(null);
    }
  }

  /** Save, then publish: the server decides (a valid workflow whose steps all resolve to agencies). */
  async function onPublish() {
    setBusy('publish');
    setBanner(null);
    try {
      const saved = await save();
      if (!saved) return;
      try {
        const r = ok(
          await api.POST('/api/v1/procedures/{id}/publish', {
            params: { path: { id: saved.id } },
            body: { version: saved.version },
          }),
        );
        qc.setQueryData(['admin-procedure', saved.id], r);
        void qc.invalidateQueries({ queryKey: ['procedure', saved.id] });
        void qc.invalidateQueries({ queryKey: ['admin-procedures'] });
        setIssues([]);
        const n = r.published?.versionNo ?? '';
        setBanner({ type: 'success', title: t('admin.published', { n }) });
        message.success(t('admin.published', { n }));
      } catch (e) {
        const p = issuesOfProblem(e);
        setIssues((cur) => [...cur.filter((x) => !p.issues.some((y) => y.path === x.path)), ...p.issues]);
        setBanner({ type: 'error', title: t('pe.publishRefused'), detail: p.detail });
      }
    } finally {
      setBusy(null);
    }
  }

  const published = view.data?.published;
  return (
    <>
      <h1 style={{ fontSize: 22, marginTop: 0 }}>
        {isNew ? t('pe.newTitle') : base?.name} {view.data?.draft && <Tag>{t('pe.statusDraft')}</Tag>}
        {published && <Tag>{t('pe.statusPublished', { n: published.versionNo })}</Tag>}
      </h1>
      {banner && (
        <Alert
          type={banner.type}
          showIcon
          style={{ marginBottom: 16 }}
          title={
            banner.type === 'error' && issues.length
              ? `${banner.title}: ${t('pe.errorsTitle', { count: issues.length })}`
              : banner.title
          }
          description={
            (banner.detail || (banner.type === 'error' && issues.length > 0)) && (
              <>
                {/* The refusal's detail repeats the listed problems: said once, in the list. */}
                {banner.detail && !(banner.type === 'error' && issues.length > 0) && (
                  <p style={{ margin: '0 0 4px' }}>{banner.detail}</p>
                )}
                {banner.type === 'error' && issues.length > 0 && (
                  <ul style={{ margin: 0, paddingLeft: 18 }} data-testid="procedure-issues">
                    {issues.map((e) => {
                      const place = placeOf(t, e.path);
                      return (
                        <li key={`${e.path}-${e.code}-${e.message}`}>
                          <strong>{place.label}</strong>: {messageOf(t, e)}{' '}
                          {place.tab !== 'general' && (
                            <Button type="link" size="small" onClick={() => setTab(place.tab as Tab)}>
                              {t('pe.goTo')} ({t(`pe.tabs.${place.tab}`)})
                            </Button>
                          )}
                        </li>
                      );
                    })}
                  </ul>
                )}
              </>
            )
          }
        />
      )}
      <Card style={{ marginBottom: 16 }} title={t('pe.general')}>
        <Form layout="vertical" component="div">
          <div className="form-grid">
            <Form.Item
              label={t('pe.name')}
              htmlFor="proc-name"
              validateStatus={errs('name').length ? 'error' : undefined}
              help={errs('name').join('; ') || undefined}
            >
              <Input id="proc-name" value={content.name} onChange={(e) => set({ name: e.target.value })} />
            </Form.Item>
            {isNew && (
              <Form.Item
                label={t('pe.nationalCode')}
                htmlFor="proc-code"
                extra={t('pe.nationalCodeHint')}
                validateStatus={errs('code').length ? 'error' : undefined}
                help={errs('code').join('; ') || undefined}
              >
                <Input id="proc-code" value={code} onChange={(e) => setCode(e.target.value)} />
              </Form.Item>
            )}
          </div>
          <Form.Item
            label={t('pe.timeLimit')}
            validateStatus={errs('timeLimit').length ? 'error' : undefined}
            help={errs('timeLimit').join('; ') || undefined}
            style={{ marginBottom: 8 }}
          >
            <Space wrap>
              {tl?.unit !== 'text' && (
                <InputNumber
                  id="proc-limit"
                  aria-label={`${t('pe.timeLimit')} — ${t('pe.timeValue')}`}
                  min={0}
                  step={1}
                  value={tl?.value ?? null}
                  onChange={(v) => setLimit({ value: v })}
                />
              )}
              <Select
                aria-label={`${t('pe.timeLimit')} — ${t('pe.timeUnit')}`}
                style={{ width: 240 }}
                value={tl?.unit ?? 'working_days'}
                onChange={(unit) => setLimit({ unit })}
                options={UNITS.map((u) => ({ value: u, label: t(`pe.units.${u}`) }))}
              />
            </Space>
          </Form.Item>
          <Form.Item label={t('pe.timeText')} htmlFor="proc-limit-text">
            <Input.TextArea
              id="proc-limit-text"
              autoSize={{ minRows: 1, maxRows: 4 }}
              value={tl?.text ?? ''}
              onChange={(e) => setLimit({ text: e.target.value.trim() === '' ? null : e.target.value })}
            />
          </Form.Item>
        </Form>
        <Space wrap>
          <Button loading={busy === 'save'} disabled={busy !== null} onClick={() => void onSave()}>
            {t('pe.save')}
          </Button>
          <Button loading={busy === 'check'} disabled={busy !== null} onClick={() => void onCheck()}>
            {t('pe.check')}
          </Button>
          <Button type="primary" loading={busy === 'publish'} disabled={busy !== null} onClick={() => void onPublish()}>
            {t('pe.publish')}
          </Button>
        </Space>
      </Card>
      <Tabs
        activeKey={tab}
        onChange={(k) => setTab(k as Tab)}
        destroyOnHidden
        items={[
          {
            key: 'info',
            label: tabLabel('info'),
            children: (
              <ProcedureInfoForm
                value={content as unknown as ProcedureInfo}
                onChange={(v) => set(v as unknown as Partial<Content>)}
                issues={issues}
              />
            ),
          },
          {
            key: 'eform',
            label: tabLabel('eform'),
            children: (
              <EFormDesigner
                fields={fields}
                onChange={setFields}
                uiSchema={(content.eForm as { uiSchema?: Record<string, unknown> | null } | null)?.uiSchema ?? null}
                issues={issues}
              />
            ),
          },
          {
            key: 'workflow',
            label: tabLabel('workflow'),
            children: <WorkflowDesigner steps={steps} onChange={setSteps} limit={tl} issues={issues} />,
          },
          { key: 'preview', label: tabLabel('preview'), children: <ProcedurePreview content={assembled} /> },
        ]}
      />
    </>
  );
}

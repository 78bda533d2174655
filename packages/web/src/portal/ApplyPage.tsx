import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Input, Result, Select, Steps } from 'antd';
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import { type Me, type SignIn, useAuth } from '../api/auth.tsx';
import { ApiError, api, newKey, ok } from '../api/client.ts';
import type { paths } from '../api/schema';
import { fmtDate } from '../format.ts';
import { FileUpload } from '../shared/FileUpload.tsx';
import { ErrorText, Loading } from '../shared/Loading.tsx';
import { DiscardDraftButton } from './apply/DiscardDraftButton.tsx';
import { IdentityLevelRequired, markedUiSchema, PrefillNotice } from './apply/PrefillNotice.tsx';
import { Review } from './apply/Review.tsx';
import { foldedFilter } from './apply/text.ts';
import { type Contact, useApplyDraft } from './apply/useApplyDraft.ts';
import { usePrefill, vneidStartUrl } from './apply/usePrefill.ts';

const EForm = lazy(() => import('../shared/EForm.tsx'));

type Procedure = paths['/api/v1/procedures/{id}']['get']['responses'][200]['content']['application/json'];
/** The submission's answer: code and lookup secret for the receipt. */
type Receipt = NonNullable<paths['/api/v1/dossiers']['post']['responses'][201]['content']['application/json']>;

/** The wizard's steps, as they appear in the URL (`?step=`): Back and Forward move between them. */
const STEPS = ['form', 'docs', 'review'] as const;

/**
 * Apply online. The route guards (signed in as an applicant; the procedure takes online dossiers
 * and has a unit to take them) come first; the wizard itself is below.
 */
export default function ApplyPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { me, signIn, loading } = useAuth();
  const proc = useQuery({
    queryKey: ['procedure', id],
    queryFn: async () => ok(await api.GET('/api/v1/procedures/{id}', { params: { path: { id } } })),
  });
  if (loading || proc.isLoading) return <Loading />;
  if (me?.kind !== 'applicant') {
    const here = `${window.location.pathname}${window.location.search}`;
    return <Navigate to={`/login?next=${encodeURIComponent(here)}`} replace />;
  }
  if (proc.error || !proc.data) return <ErrorText error={proc.error} />;
  const p = proc.data;
  const refusal = !p.channels.includes('online')
    ? t('procedure.notOnline')
    : p.agencies.length === 0
      ? t('apply.noAgency')
      : null;
  if (refusal) {
    return (
      <Result
        status="info"
        title={<h1 style={{ fontSize: 22, margin: 0 }}>{p.name}</h1>}
        subTitle={<span data-testid="apply-refused">{refusal}</span>}
        extra={<Link to={`/procedures/${p.id}`}>{t('apply.toProcedure')}</Link>}
      />
    );
  }
  // Decree 69/2024/NĐ-CP art. 12: a procedure may ask for a VNeID level; a lower session (or a
  // password one) is told so before the form, not refused after it.
  const level = signIn?.assuranceLevel ?? null;
  if (p.identityLevel && (level === null || level < p.identityLevel)) {
    return <IdentityLevelRequired procedureId={p.id} procedureName={p.name} level={p.identityLevel} actual={level} />;
  }
  return <Wizard procedure={p} me={me} signIn={signIn} />;
}

/** A field path of the e-form by its title ("Mẹ › Họ và tên"), for the messages that name fields. */
function fieldTitle(schema: Record<string, unknown> | undefined, path: string): string {
  type Node = { title?: string; properties?: Record<string, Node> };
  let node = schema as Node | undefined;
  const titles: string[] = [];
  for (const k of path.split('.')) {
    node = node?.properties?.[k];
    titles.push(node?.title ?? k);
  }
  return titles.join(' › ');
}

function Wizard({ procedure: p, me, signIn }: { procedure: Procedure; me: Me; signIn: SignIn | null }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const draft = useApplyDraft(p.id, true);
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  /** The submission was refused for the session's VNeID level: the message offers the sign-in. */
  const [levelRefused, setLevelRefused] = useState(false);
  const [busy, setBusy] = useState(false);
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const submitKey = useRef(newKey());
  const eformRef = useRef<{ validateForm: () => boolean } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  /** Has the citizen touched the form yet (typed or clicked)? Changes before that are the form's own. */
  const touched = useRef(false);
  const step = Math.max(0, STEPS.indexOf((params.get('step') ?? 'form') as (typeof STEPS)[number]));
  const prefill = usePrefill({ draft, prefillMap: p.eForm?.prefill, signIn, active: step === 0 });
  const eFormUi = useMemo(
    () => (p.eForm ? markedUiSchema(p.eForm.schema, p.eForm.uiSchema, prefill.marks) : null),
    [p.eForm, prefill.marks],
  );

  const communes = useQuery({
    queryKey: ['agencies', 'commune'],
    queryFn: async () => ok(await api.GET('/api/v1/agencies', { params: { query: { level: 'commune' } } })).items,
    staleTime: 600_000,
  });

  // A new step: its heading takes the focus (screen readers hear where they are), top of the page.
  const firstRender = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each step change, by design
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    heading.current?.focus();
    window.scrollTo({ top: 0 });
  }, [step]);

  const state = draft.state;
  const documents = p.documents;
  const files = draft.files;
  const missing = useMemo(
    () => documents.filter((d, i) => d.requirement === 'mandatory' && !(files[`doc-${i}`]?.length ?? 0)),
    [documents, files],
  );

  if (draft.loadError) return <ErrorText error={draft.loadError} />;
  if (!state) return <Loading />;

  const contact: Contact = state.contact;
  const phone = contact.phone ?? me.phone ?? '';
  const email = contact.email ?? me.email ?? '';
  const residenceId = contact.residenceCommuneId ?? null;
  const residenceName = residenceLabel(communes.data?.find((c) => c.id === residenceId)?.name ?? '');
  // Decree 118/2025 art. 14(2): any unit that handles the procedure; by default the one of the residence.
  const agencyIds = p.agencies.map((a) => a.id);
  const unitId =
    state.agencyId && agencyIds.includes(state.agencyId)
      ? state.agencyId
      : p.agencies.length === 1
        ? p.agencies[0]!.id
        : residenceId && agencyIds.includes(residenceId)
          ? residenceId
          : null;
  const unitName = p.agencies.find((a) => a.id === unitId)?.name ?? null;
  const setContact = (patch: Partial<Contact>) => draft.update({ contact: { ...contact, ...patch } });

  const blockers = [
    ...(unitId ? [] : [t('apply.unitMissing')]),
    ...(missing.length ? [t('apply.missingDocs', { names: missing.map((d) => d.name).join('; ') })] : []),
  ];

  function go(n: number) {
    setError(null);
    setLevelRefused(false);
    draft.flush().catch(() => {});
    setParams(
      (prev) => {
        const q = new URLSearchParams(prev);
        q.set('step', STEPS[n]!);
        q.delete('draft');
        return q;
      },
      { replace: false },
    );
  }

  async function submit() {
    setBusy(true);
    setError(null);
    setLevelRefused(false);
    try {
      await draft.flush();
      const draftId = await draft.ensureDraft();
      const applicant = Object.fromEntries(
        Object.entries({
          phone,
          email,
          address: contact.address ?? '',
          residenceCommuneId: residenceId ?? '',
        }).filter(([, v]) => v.trim() !== ''),
      );
      const r = await api.POST('/api/v1/dossiers', {
        params: { header: { 'idempotency-key': submitKey.current } },
        body: {
          procedureId: p.id,
          agencyId: unitId,
          formData: state!.formData,
          applicant,
          draftId,
          ...(state!.note.trim() ? { note: state!.note.trim() } : {}),
        },
      });
      // A refusal is final for this attempt: the corrected submission is a new command.
      if (!r.response.ok && r.response.status < 500) submitKey.current = newKey();
      setReceipt(ok(r));
      void qc.invalidateQueries({ queryKey: ['my-dossiers'] });
      void qc.invalidateQueries({ queryKey: ['my-drafts'] });
    } catch (e) {
      const code = e instanceof ApiError ? e.problem.code : undefined;
      if (e instanceof ApiError && code === 'verified_field_changed') {
        const fields = Array.isArray(e.problem.fields) ? (e.problem.fields as string[]) : [];
        const names = fields.map((f) => fieldTitle(p.eForm?.schema, f)).join('; ');
        setError(t('prefill.errors.verifiedChanged', { fields: names || '—' }));
      } else if (e instanceof ApiError && code === 'identity_level_required') {
        setLevelRefused(true);
        setError(t('prefill.errors.levelRequired', { level: p.identityLevel ?? e.problem.required ?? 2 }));
      } else {
        setError(e instanceof ApiError ? e.message : String(e));
      }
    } finally {
      setBusy(false);
    }
  }

  if (receipt) {
    return (
      <Result
        status="success"
        title={<h1 style={{ fontSize: 22, margin: 0 }}>{t('apply.submitted')}</h1>}
        subTitle={p.name}
        extra={[
          <Card key="r" style={{ textAlign: 'left', maxWidth: 520, margin: '0 auto' }}>
            <h2 style={{ fontSize: 18, marginTop: 0 }}>{t('apply.receipt')}</h2>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('apply.code')}>
                <strong data-testid="dossier-code">{receipt.code}</strong>
              </Descriptions.Item>
              <Descriptions.Item label={t('apply.secret')}>
                <strong data-testid="lookup-secret">{receipt.lookupSecret}</strong>
              </Descriptions.Item>
              {unitName && <Descriptions.Item label={t('apply.unit')}>{unitName}</Descriptions.Item>}
            </Descriptions>
            <p>{t('apply.keepSecret')}</p>
            <Link to={`/my/${receipt.id}`}>{t('apply.toMyDossiers')}</Link>
          </Card>,
        ]}
      />
    );
  }

  const titles = [t('apply.stepForm'), t('apply.stepDocs'), t('apply.stepReview')];
  const saveText =
    draft.save.status === 'saving'
      ? t('apply.saving')
      : draft.save.status === 'saved'
        ? t('apply.savedAt', { time: hhmm(draft.save.at) })
        : draft.save.status === 'error'
          ? t('apply.saveFailed', { error: draft.save.error })
          : '';

  return (
    <>
      <h1 style={{ fontSize: 22 }}>
        {t('apply.title')}: {p.name}
      </h1>
      <Steps
        current={step}
        items={titles.map((title) => ({ title }))}
        size="small"
        responsive
        style={{ marginBottom: 8 }}
      />
      <div
        role="status"
        aria-live="polite"
        data-testid="save-status"
        style={{ minHeight: 22, fontSize: 13, color: draft.save.status === 'error' ? '#a8071a' : '#595959' }}
      >
        {saveText ||
          (draft.resumedAt ? t('apply.resumed', { time: hhmm(draft.resumedAt), date: fmtDate(draft.resumedAt) }) : '')}
      </div>
      {draft.draftId() !== null && (
        <DiscardDraftButton
          procedureName={p.name}
          testId="discard-draft"
          discard={draft.discard}
          onDone={() => {
            void qc.invalidateQueries({ queryKey: ['my-drafts'] });
            navigate(`/procedures/${p.id}`);
          }}
        />
      )}
      <h2 ref={heading} tabIndex={-1} style={{ fontSize: 18, outline: 'none' }} data-testid="step-heading">
        {t('apply.stepOf', { n: step + 1, total: STEPS.length, title: titles[step] })}
      </h2>
      {error && (
        <Alert
          type="error"
          title={error}
          description={
            levelRefused ? (
              <a href={vneidStartUrl()} data-testid="submit-vneid-login">
                {t('prefill.vneidLogin')}
              </a>
            ) : undefined
          }
          style={{ marginBottom: 16 }}
          showIcon
          role="alert"
          data-testid="submit-error"
        />
      )}
      {step === 0 && (
        <Card
          onKeyDownCapture={() => {
            touched.current = true;
          }}
          onPointerDownCapture={() => {
            touched.current = true;
          }}
          onInputCapture={() => {
            touched.current = true;
          }}
        >
          <PrefillNotice prefill={prefill} />
          {p.eForm ? (
            <Suspense fallback={<Loading />}>
              <div className="apply-eform">
                <EForm
                  formRef={eformRef}
                  schema={p.eForm.schema}
                  uiSchema={eFormUi}
                  formData={state.formData}
                  onChange={(formData) => {
                    if (JSON.stringify(formData) !== JSON.stringify(state.formData)) {
                      draft.update({ formData }, { silent: !touched.current });
                    }
                  }}
                />
              </div>
            </Suspense>
          ) : (
            <p>{t('apply.noForm')}</p>
          )}
          <h3 style={{ fontSize: 16 }}>{t('apply.contact')}</h3>
          <Form layout="vertical" component="div">
            <div className="form-grid">
              <Form.Item label={t('apply.phone')} htmlFor="apply-phone">
                <Input
                  id="apply-phone"
                  inputMode="tel"
                  autoComplete="tel"
                  value={phone}
                  onChange={(e) => setContact({ phone: e.target.value })}
                />
              </Form.Item>
              <Form.Item label={t('apply.email')} htmlFor="apply-email">
                <Input
                  id="apply-email"
                  type="email"
                  autoComplete="email"
                  value={email}
                  onChange={(e) => setContact({ email: e.target.value })}
                />
              </Form.Item>
              <Form.Item label={t('apply.address')} htmlFor="apply-address">
                <Input
                  id="apply-address"
                  autoComplete="street-address"
                  value={contact.address ?? ''}
                  onChange={(e) => setContact({ address: e.target.value })}
                />
              </Form.Item>
              <Form.Item label={t('apply.commune')} htmlFor="apply-commune">
                <Select
                  id="apply-commune"
                  showSearch={{ filterOption: foldedFilter }}
                  allowClear
                  placeholder={t('apply.communeSearch')}
                  value={residenceId ?? undefined}
                  onChange={(v) => setContact({ residenceCommuneId: v ?? null })}
                  options={(communes.data ?? []).map((a) => ({ value: a.id, label: residenceLabel(a.name) }))}
                />
              </Form.Item>
            </div>
            {p.agencies.length > 1 ? (
              <Form.Item label={t('apply.unit')} htmlFor="apply-unit" extra={t('apply.unitHelp')} required>
                <Select
                  id="apply-unit"
                  showSearch={{ filterOption: foldedFilter }}
                  placeholder={t('apply.unitPlaceholder')}
                  value={unitId ?? undefined}
                  onChange={(v) => draft.update({ agencyId: v ?? null })}
                  options={p.agencies.map((a) => ({ value: a.id, label: a.name }))}
                />
              </Form.Item>
            ) : (
              <p>
                {t('apply.unit')}: <strong>{unitName}</strong>
              </p>
            )}
          </Form>
          <ApplyNav
            onNext={() => {
              if (p.eForm && eformRef.current && !eformRef.current.validateForm()) return;
              if (!unitId) {
                setError(t('apply.unitMissing'));
                return;
              }
              go(1);
            }}
          />
        </Card>
      )}
      {step === 1 && (
        <Card>
          <p>{t('apply.docsIntro')}</p>
          {documents.length === 0 && <p>{t('app.none')}</p>}
          {documents.map((d, i) => (
            <FileUpload
              key={d.name}
              testId={`doc-${i}`}
              label={`${i + 1}. ${d.name} (${d.requirement === 'mandatory' ? t('procedure.mandatory') : t('procedure.conditional')})`}
              url={async () => `/api/v1/drafts/${await draft.ensureDraft()}/attachments`}
              slot={`doc-${i}`}
              kind="document"
              uploaded={(files[`doc-${i}`] ?? []).map((f) => f.fileName)}
              onUploaded={(f) =>
                draft.addFile(`doc-${i}`, { id: f.id, fileName: f.fileName, sizeBytes: f.sizeBytes ?? 0 })
              }
            />
          ))}
          {missing.length > 0 && (
            <Alert
              type="warning"
              showIcon
              title={t('apply.missingDocs', { names: missing.map((d) => d.name).join('; ') })}
            />
          )}
          <ApplyNav onPrev={() => go(0)} onNext={() => go(2)} />
        </Card>
      )}
      {step === 2 && (
        <Card>
          <Review
            applicant={{ name: me.fullName, idNumber: me.username }}
            contact={{ phone, email, address: contact.address ?? '', residence: residenceName }}
            unit={unitName}
            state={state}
            eForm={p.eForm ?? null}
            documents={documents}
            files={files}
            marks={prefill.marks}
            onEdit={go}
          />
          <Form layout="vertical" component="div" style={{ marginTop: 16 }}>
            <Form.Item label={t('apply.note')} htmlFor="apply-note">
              <Input.TextArea
                id="apply-note"
                rows={2}
                value={state.note}
                onChange={(e) => draft.update({ note: e.target.value })}
              />
            </Form.Item>
          </Form>
          {blockers.length > 0 && (
            <Alert
              type="warning"
              showIcon
              data-testid="submit-blockers"
              title={t('apply.blocked')}
              description={
                <ul style={{ margin: 0, paddingLeft: 20 }}>
                  {blockers.map((b) => (
                    <li key={b}>{b}</li>
                  ))}
                </ul>
              }
            />
          )}
          <ApplyNav onPrev={() => go(1)} onSubmit={submit} submitDisabled={blockers.length > 0} busy={busy} />
        </Card>
      )}
      <p style={{ fontSize: 13, marginTop: 8 }} lang={i18n.language}>
        <Link to={`/procedures/${p.id}`}>{t('apply.toProcedure')}</Link>
      </p>
    </>
  );
}

/** A commune of residence is a place ("Phường Hải Châu"), not its People's Committee. */
function residenceLabel(agencyName: string): string {
  return agencyName.replace(/^UBND /, '');
}

/** hh:mm in the province's time zone. */
function hhmm(d: Date): string {
  return new Intl.DateTimeFormat('vi-VN', {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: 'Asia/Ho_Chi_Minh',
  }).format(d);
}

function ApplyNav(props: {
  onPrev?: () => void;
  onNext?: () => void;
  onSubmit?: () => void;
  submitDisabled?: boolean;
  busy?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', marginTop: 16 }}>
      {props.onPrev && <Button onClick={props.onPrev}>{t('apply.prev')}</Button>}
      {props.onNext && (
        <Button type="primary" onClick={props.onNext}>
          {t('apply.next')}
        </Button>
      )}
      {props.onSubmit && (
        <Button type="primary" onClick={props.onSubmit} loading={props.busy} disabled={props.submitDisabled}>
          {t('apply.submit')}
        </Button>
      )}
    </div>
  );
}

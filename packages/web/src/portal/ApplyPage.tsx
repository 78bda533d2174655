import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Input, Result, Select, Steps } from 'antd';
import { lazy, Suspense, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useParams, useSearchParams } from 'react-router';
import { useAuth } from '../api/auth.tsx';
import { api, newKey, ok } from '../api/client.ts';
import { FileUpload } from '../shared/FileUpload.tsx';
import { ErrorText, Loading } from '../shared/Loading.tsx';

const EForm = lazy(() => import('../shared/EForm.tsx'));

type Contact = { phone?: string; email?: string; address?: string; residenceCommuneId?: string };
type Receipt = { id: string; code: string; lookupSecret: string };

/**
 * Apply online: the e-form (the procedure's JSON Schema), contact details, the document checklist
 * with uploads (into a draft), save as draft, review, submit, receipt.
 */
export default function ApplyPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const { me, loading } = useAuth();
  const qc = useQueryClient();
  const [step, setStep] = useState(0);
  const [formData, setFormData] = useState<Record<string, unknown>>({});
  const [contact, setContact] = useState<Contact>({});
  const [note, setNote] = useState('');
  const [draftId, setDraftId] = useState<string | null>(params.get('draft'));
  const [draftVersion, setDraftVersion] = useState<number | null>(null);
  const [files, setFiles] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const submitKey = useRef(newKey());
  const eformRef = useRef<{ validateForm: () => boolean } | null>(null);

  const proc = useQuery({
    queryKey: ['procedure', id],
    queryFn: async () => ok(await api.GET('/api/v1/procedures/{id}', { params: { path: { id } } })),
  });
  const communes = useQuery({
    queryKey: ['agencies', 'commune'],
    queryFn: async () => ok(await api.GET('/api/v1/agencies', { params: { query: { level: 'commune' } } })).items,
    staleTime: 600_000,
  });
  // Resume a saved draft.
  useQuery({
    queryKey: ['draft', draftId],
    enabled: draftId !== null && draftVersion === null,
    queryFn: async () => {
      const d = ok(await api.GET('/api/v1/drafts/{id}', { params: { path: { id: draftId! } } }));
      const fd = { ...d.formData } as Record<string, unknown> & { __contact?: Contact };
      setContact(fd.__contact ?? {});
      delete fd.__contact;
      setFormData(fd);
      setDraftVersion(d.version);
      const byslot: Record<string, string[]> = {};
      for (const a of d.attachments) byslot[a.slot] = [...(byslot[a.slot] ?? []), a.fileName];
      setFiles(byslot);
      return d;
    },
  });

  const eForm = proc.data?.eForm ?? null;
  const documents = proc.data?.documents ?? [];
  const missing = useMemo(
    () => documents.filter((d, i) => d.requirement === 'mandatory' && !(files[`doc-${i}`]?.length ?? 0)),
    [documents, files],
  );

  if (loading || proc.isLoading) return <Loading />;
  if (me?.kind !== 'applicant') {
    return <Navigate to={`/login?next=${encodeURIComponent(`/procedures/${id}/apply`)}`} replace />;
  }
  if (proc.error || !proc.data) return <ErrorText error={proc.error} />;
  const p = proc.data;

  // The draft keeps the contact details beside the e-form values (one JSON document).
  const draftBody = () => ({ ...formData, __contact: contact });

  async function ensureDraft(): Promise<string> {
    if (draftId) return draftId;
    const d = ok(await api.POST('/api/v1/drafts', { body: { procedureId: id, formData: draftBody() } }));
    setDraftId(d.id);
    setDraftVersion(d.version);
    setParams({ draft: d.id }, { replace: true });
    return d.id;
  }

  async function saveDraft() {
    setError(null);
    try {
      if (!draftId) {
        await ensureDraft();
      } else {
        const d = ok(
          await api.PUT('/api/v1/drafts/{id}', {
            params: { path: { id: draftId } },
            body: { formData: draftBody(), version: draftVersion ?? 1 },
          }),
        );
        setDraftVersion(d.version);
      }
      message.success(t('apply.draftSaved'));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      const applicant = Object.fromEntries(
        Object.entries({ phone: me?.phone ?? undefined, email: me?.email ?? undefined, ...contact }).filter(
          ([, v]) => typeof v === 'string' && v.trim() !== '',
        ),
      ) as Contact;
      const r = ok(
        await api.POST('/api/v1/dossiers', {
          params: { header: { 'idempotency-key': submitKey.current } },
          body: {
            procedureId: id,
            formData,
            applicant,
            ...(draftId ? { draftId } : {}),
            ...(note.trim() ? { note: note.trim() } : {}),
          },
        }),
      ) as unknown as Receipt;
      setReceipt(r);
      void qc.invalidateQueries({ queryKey: ['my-dossiers'] });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  if (receipt) {
    return (
      <Result
        status="success"
        title={t('apply.submitted')}
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
            </Descriptions>
            <p>{t('apply.keepSecret')}</p>
            <Link to={`/my/${receipt.id}`}>{t('apply.toMyDossiers')}</Link>
          </Card>,
        ]}
      />
    );
  }

  const steps = [{ title: t('apply.stepForm') }, { title: t('apply.stepDocs') }, { title: t('apply.stepReview') }];

  return (
    <>
      <h1 style={{ fontSize: 22 }}>
        {t('apply.title')}: {p.name}
      </h1>
      <Steps current={step} items={steps} size="small" responsive style={{ marginBottom: 16 }} />
      {error && <Alert type="error" title={error} style={{ marginBottom: 16 }} showIcon />}
      {step === 0 && (
        <Card>
          {eForm ? (
            <Suspense fallback={<Loading />}>
              <EForm
                formRef={eformRef}
                schema={eForm.schema}
                uiSchema={eForm.uiSchema}
                formData={formData}
                onChange={setFormData}
              />
            </Suspense>
          ) : (
            <p>{t('apply.noForm')}</p>
          )}
          <h2 style={{ fontSize: 18 }}>{t('apply.contact')}</h2>
          <Form layout="vertical" component="div">
            <div className="form-grid">
              <Form.Item label={t('apply.phone')} htmlFor="apply-phone">
                <Input
                  id="apply-phone"
                  inputMode="tel"
                  autoComplete="tel"
                  value={contact.phone ?? me.phone ?? ''}
                  onChange={(e) => setContact({ ...contact, phone: e.target.value })}
                />
              </Form.Item>
              <Form.Item label={t('apply.email')} htmlFor="apply-email">
                <Input
                  id="apply-email"
                  type="email"
                  autoComplete="email"
                  value={contact.email ?? me.email ?? ''}
                  onChange={(e) => setContact({ ...contact, email: e.target.value })}
                />
              </Form.Item>
              <Form.Item label={t('apply.address')} htmlFor="apply-address">
                <Input
                  id="apply-address"
                  autoComplete="street-address"
                  value={contact.address ?? ''}
                  onChange={(e) => setContact({ ...contact, address: e.target.value })}
                />
              </Form.Item>
              <Form.Item label={t('apply.commune')} htmlFor="apply-commune">
                <Select
                  id="apply-commune"
                  showSearch={{ optionFilterProp: 'label' }}
                  allowClear
                  placeholder={t('apply.communePlaceholder')}
                  value={contact.residenceCommuneId}
                  onChange={(v) => setContact({ ...contact, residenceCommuneId: v })}
                  options={(communes.data ?? []).map((a) => ({ value: a.id, label: a.name }))}
                />
              </Form.Item>
            </div>
          </Form>
          <ApplyNav
            onNext={() => {
              if (eForm && eformRef.current && !eformRef.current.validateForm()) return;
              setStep(1);
            }}
            onSave={saveDraft}
          />
        </Card>
      )}
      {step === 1 && (
        <Card>
          {documents.length === 0 && <p>{t('app.none')}</p>}
          {documents.map((d, i) => (
            <FileUpload
              key={d.name}
              testId={`doc-${i}`}
              label={`${i + 1}. ${d.name}${d.requirement === 'mandatory' ? ` (${t('procedure.mandatory')})` : ''}`}
              url={async () => `/api/v1/drafts/${await ensureDraft()}/attachments`}
              slot={`doc-${i}`}
              kind="document"
              uploaded={files[`doc-${i}`]}
              onUploaded={(f) => setFiles((x) => ({ ...x, [`doc-${i}`]: [...(x[`doc-${i}`] ?? []), f.fileName] }))}
            />
          ))}
          <ApplyNav onPrev={() => setStep(0)} onNext={() => setStep(2)} onSave={saveDraft} />
        </Card>
      )}
      {step === 2 && (
        <Card>
          <Descriptions column={1} bordered size="small">
            {Object.entries(formData).map(([k, v]) => (
              <Descriptions.Item
                key={k}
                label={String((eForm?.schema.properties as Record<string, { title?: string }>)?.[k]?.title ?? k)}
              >
                {typeof v === 'object' ? JSON.stringify(v) : String(v)}
              </Descriptions.Item>
            ))}
            <Descriptions.Item label={t('apply.phone')}>{contact.phone ?? me.phone}</Descriptions.Item>
            <Descriptions.Item label={t('apply.commune')}>
              {communes.data?.find((c) => c.id === contact.residenceCommuneId)?.name ?? '—'}
            </Descriptions.Item>
            {documents.map((d, i) => (
              <Descriptions.Item key={d.name} label={`${i + 1}. ${d.name}`}>
                {(files[`doc-${i}`] ?? []).join(', ') || '—'}
              </Descriptions.Item>
            ))}
          </Descriptions>
          {missing.length > 0 && (
            <Alert
              type="warning"
              style={{ marginTop: 16 }}
              title={t('apply.missingDocs', { names: missing.map((d) => d.name).join('; ') })}
            />
          )}
          <Form layout="vertical" component="div" style={{ marginTop: 16 }}>
            <Form.Item label={t('apply.note')} htmlFor="apply-note">
              <Input.TextArea id="apply-note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
            </Form.Item>
          </Form>
          <ApplyNav onPrev={() => setStep(1)} onSave={saveDraft} onSubmit={submit} busy={busy} />
        </Card>
      )}
    </>
  );
}

function ApplyNav(props: {
  onPrev?: () => void;
  onNext?: () => void;
  onSave: () => void;
  onSubmit?: () => void;
  busy?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', marginTop: 16 }}>
      {props.onPrev && <Button onClick={props.onPrev}>{t('apply.prev')}</Button>}
      <Button onClick={props.onSave}>{t('apply.saveDraft')}</Button>
      {props.onNext && (
        <Button type="primary" onClick={props.onNext}>
          {t('apply.next')}
        </Button>
      )}
      {props.onSubmit && (
        <Button type="primary" onClick={props.onSubmit} loading={props.busy}>
          {t('apply.submit')}
        </Button>
      )}
    </div>
  );
}

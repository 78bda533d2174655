import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Radio, Result, Select } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, newKey, ok, uploadFile } from '../api/client.ts';
import type { ApplicantKind, CounterReceipt } from '../api/types.ts';
import { fmtDate } from '../format.ts';
import { useDebounced } from '../shared/useDebounced.ts';
import '../shared/identityMessages.ts';
import { type CheckRow, checklistOf, initialRows, missingOf, ReceptionChecklist } from './ReceptionChecklist.tsx';
import { RegisterFacts } from './RegisterFacts.tsx';

type Values = {
  procedureId: string;
  kind: ApplicantKind;
  idNumber?: string;
  name: string;
  phone?: string;
  address?: string;
  note?: string;
};
/**
 * A walk-in dossier, keyboard first: type the procedure, the applicant's ID and name, tick the
 * documents received, attach scans, Ctrl+Enter receives it and offers the receipt with the
 * appointment (form 01).
 */
export default function WalkInPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [search, setSearch] = useState('');
  const dq = useDebounced(search, 200);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CounterReceipt | null>(null);
  const scans = useRef<HTMLInputElement>(null);
  const key = useRef(newKey());
  const procedureId = Form.useWatch('procedureId', form);
  const idNumber = useDebounced((Form.useWatch('idNumber', form) ?? '').trim(), 300);
  const knownId = /^([0-9]{9}|[0-9]{10}|[0-9]{12}|[0-9]{10}-[0-9]{3})$/.test(idNumber) ? idNumber : '';

  // Look the applicant up as soon as a complete ID number is typed; pre-fill only empty fields so
  // nothing the receptionist typed is overwritten. The name and address come from the national
  // register when it knows the number (the server puts them first), shown as verified below.
  const [lookupFailure, setLookupFailure] = useState<string | null>(null);
  const known = useQuery({
    queryKey: ['counter-applicant', knownId],
    enabled: knownId !== '',
    retry: false,
    queryFn: async () => {
      const r = await api.GET('/api/v1/counter/applicants', { params: { query: { idNumber: knownId } } });
      if (r.response.status === 404) {
        // Nobody knows the number — or the register could not be asked: then say so (issue 17).
        const failure = (r.error as { registerFailure?: string } | undefined)?.registerFailure;
        setLookupFailure(failure ?? null);
        return null;
      }
      setLookupFailure(null);
      return ok(r);
    },
  });
  useEffect(() => {
    const a = known.data;
    if (!a) return;
    const fill: Partial<Values> = {};
    const current = form.getFieldsValue();
    if (!current.name?.trim() && a.name) fill.name = a.name;
    if (!current.phone?.trim() && a.phone) fill.phone = a.phone;
    if (!current.address?.trim() && a.address) fill.address = a.address;
    if (a.kind !== current.kind) fill.kind = a.kind;
    form.setFieldsValue(fill);
  }, [known.data, form]);

  const procedures = useQuery({
    queryKey: ['procedures', 'walk-in', dq],
    queryFn: async () =>
      ok(await api.GET('/api/v1/procedures', { params: { query: { q: dq || undefined, pageSize: 20 } } })).items,
  });
  const procedure = useQuery({
    queryKey: ['procedure', procedureId],
    enabled: !!procedureId,
    queryFn: async () => ok(await api.GET('/api/v1/procedures/{id}', { params: { path: { id: procedureId } } })),
  });
  // The components checked in front of the applicant, with originals and copies (form 01 lists them).
  const [rows, setRows] = useState<CheckRow[]>([]);
  useEffect(() => {
    setRows(initialRows(procedure.data?.documents ?? []));
  }, [procedure.data]);
  const missing = missingOf(rows);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        form.submit();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [form]);

  async function submit(v: Values) {
    setBusy(true);
    setError(null);
    try {
      // Decree 118/2025 art. 17(3): received only when every mandatory component is there.
      if (missingOf(rows).length > 0) return;
      const note = (v.note?.trim() ?? '').slice(0, 2000);
      const r = ok(
        await api.POST('/api/v1/counter/dossiers', {
          params: { header: { 'idempotency-key': key.current } },
          body: {
            procedureId: v.procedureId,
            applicant: {
              kind: v.kind,
              name: v.name.trim(),
              ...(v.idNumber?.trim() ? { idNumber: v.idNumber.trim() } : {}),
              ...(v.phone?.trim() ? { phone: v.phone.trim() } : {}),
              ...(v.address?.trim() ? { address: v.address.trim() } : {}),
            },
            ...(note ? { note } : {}),
            checklist: checklistOf(rows),
          },
        }),
      );
      const files = Array.from(scans.current?.files ?? []);
      for (const [i, f] of files.entries()) {
        await uploadFile(`/api/v1/dossiers/${r.id}/attachments`, { slot: `scan-${i}`, kind: 'document' }, f);
      }
      setCreated(r);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  if (created) {
    return (
      <Result
        status="success"
        title={t('office.walkIn.received', { code: created.code })}
        extra={[
          <Button
            key="print"
            type="primary"
            autoFocus
            onClick={() => window.open(`/api/v1/dossiers/${created.id}/documents/01`, '_blank')}
          >
            {t('office.receipt')}
          </Button>,
          <Link key="open" to={`/office/dossiers/${created.id}`} data-testid="walkin-dossier">
            {created.code}
          </Link>,
          <Button
            key="new"
            onClick={() => {
              key.current = newKey();
              form.resetFields();
              setCreated(null);
            }}
          >
            {t('nav.walkIn')}
          </Button>,
        ]}
      />
    );
  }

  return (
    <>
      <h1 style={{ fontSize: 22, marginTop: 0 }}>{t('office.walkIn.title')}</h1>
      <p style={{ fontSize: 13 }}>{t('office.walkIn.hint')}</p>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      <Card>
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ kind: 'citizen' }}>
          <Form.Item name="procedureId" label={t('office.walkIn.procedure')} rules={[{ required: true }]}>
            <Select
              autoFocus
              showSearch={{ filterOption: false, onSearch: setSearch }}
              loading={procedures.isFetching}
              options={(procedures.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
            />
          </Form.Item>
          <div className="form-grid">
            <Form.Item name="kind" label={t('office.walkIn.kind')}>
              <Radio.Group
                options={[
                  { value: 'citizen', label: t('office.walkIn.citizen') },
                  { value: 'organization', label: t('office.walkIn.organization') },
                ]}
              />
            </Form.Item>
            <Form.Item
              name="idNumber"
              label={t('office.walkIn.idNumber')}
              rules={[{ pattern: /^[0-9]{9,13}(-[0-9]{3})?$/ }]}
            >
              <Input inputMode="numeric" autoComplete="off" data-testid="walkin-id" />
            </Form.Item>
            <div aria-live="polite" className="walkin-known" data-testid="walkin-known">
              {knownId !== '' && known.data === null && !lookupFailure && (
                <span>{t('office.walkIn.unknownApplicant')}</span>
              )}
              {known.data && (
                <span>
                  {t(
                    known.data.hasAccount
                      ? 'office.walkIn.knownAccount'
                      : known.data.source === 'dossier'
                        ? 'office.walkIn.knownDossier'
                        : 'identity.register.knownRegisterOnly',
                    { name: known.data.name },
                  )}
                  {known.data.lastDossier &&
                    ` ${t('office.walkIn.lastDossier', {
                      code: known.data.lastDossier.code,
                      date: fmtDate(known.data.lastDossier.submittedAt),
                    })}`}
                </span>
              )}
            </div>
            {known.data && <RegisterFacts applicant={known.data} />}
            {knownId !== '' && known.data === null && lookupFailure && (
              <Alert
                type="warning"
                showIcon
                data-testid="walkin-register-failure"
                style={{ marginBottom: 16 }}
                title={t(
                  knownId.length === 12 ? 'identity.register.failurePerson' : 'identity.register.failureBusiness',
                )}
              />
            )}
            <Form.Item name="name" label={t('office.walkIn.name')} rules={[{ required: true }]}>
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item name="phone" label={t('apply.phone')}>
              <Input inputMode="tel" autoComplete="off" />
            </Form.Item>
            <Form.Item name="address" label={t('apply.address')}>
              <Input autoComplete="off" />
            </Form.Item>
          </div>
          {rows.length > 0 && (
            <div style={{ marginBottom: 16 }}>
              <ReceptionChecklist rows={rows} onChange={setRows} />
            </div>
          )}
          <div style={{ marginBottom: 16 }}>
            <label htmlFor="walkin-scans" style={{ display: 'block', marginBottom: 4 }}>
              {t('office.walkIn.scans')}
            </label>
            <input id="walkin-scans" ref={scans} type="file" multiple accept=".pdf,.jpg,.jpeg,.png,.tif,.tiff" />
          </div>
          <Form.Item name="note" label={t('office.note')}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <div aria-live="polite">
            {missing.length > 0 && (
              <Alert
                id="walkin-missing"
                type="warning"
                showIcon
                style={{ marginBottom: 12 }}
                data-testid="walkin-missing"
                title={t('counter.missing', { count: missing.length })}
                description={
                  <>
                    <ul style={{ margin: '4px 0', paddingLeft: 18 }}>
                      {missing.map((m) => (
                        <li key={m}>{m}</li>
                      ))}
                    </ul>
                    {t('counter.walkInMissingHint')}
                  </>
                }
              />
            )}
          </div>
          <Button
            type="primary"
            htmlType="submit"
            loading={busy}
            disabled={missing.length > 0}
            aria-describedby={missing.length > 0 ? 'walkin-missing' : undefined}
          >
            {t('office.walkIn.accept')}
          </Button>
        </Form>
      </Card>
    </>
  );
}

import { Alert, Button, Card, Descriptions, Form, Input, Tag } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api } from '../api/client.ts';
import type { PublicLookup } from '../api/types.ts';
import { fmtDate, fmtDateTime, pick } from '../format.ts';

type LookupView = PublicLookup;

/**
 * Where the dossier stands against its appointment, from the server's fields (no remaining time is
 * public): the result's timeliness once ready, paused while a supplement or a fee is awaited,
 * otherwise on time or overdue while it is handled.
 */
function LookupClock({ view }: { view: LookupView }) {
  const { t, i18n } = useTranslation();
  if (view.settlement) {
    return (
      <Tag color={view.settlement.kind === 'late' ? 'red' : 'green'} data-testid="lookup-clock">
        <span style={{ color: '#000' }}>
          {t('citizen.finishedOn', { label: pick(view.settlement, i18n.language), date: fmtDate(view.settlement.at) })}
        </span>
      </Tag>
    );
  }
  if (view.clock === 'paused') {
    return (
      <Tag color="gold" data-testid="lookup-clock">
        <span style={{ color: '#000' }}>
          {view.status === 'fee_requested' ? t('citizen.clock.pausedFee') : t('citizen.clock.paused')}
        </span>
      </Tag>
    );
  }
  if (view.clock === 'running') {
    return (
      <Tag color={view.overdue ? 'red' : 'green'} data-testid="lookup-clock">
        <span style={{ color: '#000' }}>{view.overdue ? t('lookup.overdue') : t('lookup.onTime')}</span>
      </Tag>
    );
  }
  return (
    <span data-testid="lookup-clock">
      {view.clock === 'not_started' ? t('citizen.clock.not_started') : t('citizen.clock.stopped')}
    </span>
  );
}

type Query = { code: string; secret: string };

/**
 * Public lookup by dossier code and lookup secret (or phone), without signing in. The receipt's QR
 * code and the emails link here with the code and secret (`/tra-cuu?ma=…&mk=…`, core
 * `receiptQrPayload`; `/lookup?code=…&secret=…` works too): the result shows at once.
 */
export default function LookupPage() {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const [form] = Form.useForm<Query>();
  const [view, setView] = useState<LookupView | null>(null);
  const [notFound, setNotFound] = useState(false);
  const [busy, setBusy] = useState(false);
  const fromLink: Query = {
    code: (params.get('ma') ?? params.get('code') ?? '').trim(),
    secret: (params.get('mk') ?? params.get('secret') ?? '').trim(),
  };
  const done = useRef('');

  async function lookup(v: Query) {
    const s = v.secret.trim();
    const byPhone = /^[+0-9 .-]{8,}$/.test(s) && s.replace(/\D/g, '').length >= 9;
    setBusy(true);
    try {
      const r = await api.GET('/api/v1/lookup', {
        params: { query: { code: v.code.trim(), ...(byPhone ? { phone: s } : { secret: s }) } },
      });
      if (r.response.ok && r.data) {
        setView(r.data);
        setNotFound(false);
      } else {
        setView(null);
        setNotFound(true);
      }
    } finally {
      setBusy(false);
    }
  }

  // A link with code and secret looks the dossier up straight away (once per link).
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the link's parameters change
  useEffect(() => {
    const sig = `${fromLink.code}\n${fromLink.secret}`;
    form.setFieldsValue(fromLink);
    if (fromLink.code && fromLink.secret && done.current !== sig) {
      done.current = sig;
      void lookup(fromLink);
    }
  }, [fromLink.code, fromLink.secret]);

  const en = i18n.language === 'en';
  return (
    <>
      <h1 style={{ fontSize: 22 }}>{t('lookup.title')}</h1>
      <Card>
        <Form form={form} layout="vertical" initialValues={fromLink} onFinish={(v: Query) => void lookup(v)}>
          <div className="form-grid">
            <Form.Item name="code" label={t('lookup.code')} rules={[{ required: true, message: t('lookup.required') }]}>
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item
              name="secret"
              label={t('lookup.secret')}
              rules={[{ required: true, message: t('lookup.required') }]}
            >
              <Input autoComplete="off" />
            </Form.Item>
          </div>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('lookup.submit')}
          </Button>
        </Form>
      </Card>
      <section aria-live="polite" aria-label={t('lookup.result')} style={{ marginTop: 16 }}>
        {notFound && <Alert type="warning" title={t('lookup.notFound')} data-testid="lookup-not-found" />}
        {view && (
          <Card data-testid="lookup-result">
            <h2 style={{ fontSize: 18, marginTop: 0 }}>{t('lookup.result')}</h2>
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label={t('lookup.code')}>{view.code}</Descriptions.Item>
              <Descriptions.Item label={t('office.procedure')}>{view.procedure}</Descriptions.Item>
              <Descriptions.Item label={t('my.status')}>
                <Tag color="blue" data-testid="lookup-status">
                  {pick(view, i18n.language)}
                </Tag>
              </Descriptions.Item>
              {view.receivingAgency && (
                <Descriptions.Item label={t('lookup.receivingAgency')}>{view.receivingAgency}</Descriptions.Item>
              )}
              {view.receivedAt && (
                <Descriptions.Item label={t('lookup.receivedAt')}>{fmtDateTime(view.receivedAt)}</Descriptions.Item>
              )}
              {view.currentStep && (
                <Descriptions.Item label={t('lookup.currentStep')}>
                  {(en ? view.currentStep.name_en : null) ?? view.currentStep.name_vi}
                  {view.currentStep.agency && ` — ${view.currentStep.agency}`}
                </Descriptions.Item>
              )}
              <Descriptions.Item label={t('my.appointment')}>
                <span data-testid="lookup-appointment">{view.appointment ? fmtDate(view.appointment) : '—'}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('lookup.progress')}>
                <LookupClock view={view} />
              </Descriptions.Item>
              {view.returnedAt && (
                <Descriptions.Item label={t('lookup.returnedAt')}>{fmtDateTime(view.returnedAt)}</Descriptions.Item>
              )}
            </Descriptions>
          </Card>
        )}
      </section>
    </>
  );
}

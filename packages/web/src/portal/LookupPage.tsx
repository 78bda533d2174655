import { Alert, Button, Card, Descriptions, Form, Input, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api } from '../api/client.ts';
import { fmtDate, pick } from '../format.ts';

type LookupView = Record<string, unknown> & {
  code: string;
  status: string;
  label_vi: string;
  label_en: string;
  procedure: string;
  appointment: string | null;
  submittedAt?: string;
  receivedAt?: string | null;
};

/** Public lookup by dossier code and lookup secret (or phone), without signing in. */
export default function LookupPage() {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const [view, setView] = useState<LookupView | null>(null);
  const [notFound, setNotFound] = useState(false);
  return (
    <>
      <h1 style={{ fontSize: 22 }}>{t('lookup.title')}</h1>
      <Card>
        <Form
          layout="vertical"
          initialValues={{ code: params.get('code') ?? '' }}
          onFinish={async (v: { code: string; secret: string }) => {
            const s = v.secret.trim();
            const byPhone = /^[+0-9 .-]{8,}$/.test(s) && s.replace(/\D/g, '').length >= 9;
            const r = await api.GET('/api/v1/lookup', {
              params: { query: { code: v.code.trim(), ...(byPhone ? { phone: s } : { secret: s }) } },
            });
            if (r.response.ok && r.data) {
              setView(r.data as LookupView);
              setNotFound(false);
            } else {
              setView(null);
              setNotFound(true);
            }
          }}
        >
          <div className="form-grid">
            <Form.Item name="code" label={t('lookup.code')} rules={[{ required: true }]}>
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item name="secret" label={t('lookup.secret')} rules={[{ required: true }]}>
              <Input autoComplete="off" />
            </Form.Item>
          </div>
          <Button type="primary" htmlType="submit">
            {t('lookup.submit')}
          </Button>
        </Form>
      </Card>
      <div aria-live="polite" style={{ marginTop: 16 }}>
        {notFound && <Alert type="warning" title={t('lookup.notFound')} />}
        {view && (
          <Card>
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label={t('lookup.code')}>{view.code}</Descriptions.Item>
              <Descriptions.Item label={t('office.procedure')}>{view.procedure}</Descriptions.Item>
              <Descriptions.Item label={t('my.status')}>
                <Tag color="blue" data-testid="lookup-status">
                  {pick(view, i18n.language)}
                </Tag>
              </Descriptions.Item>
              <Descriptions.Item label={t('my.appointment')}>
                {view.appointment ? fmtDate(view.appointment) : '—'}
              </Descriptions.Item>
            </Descriptions>
          </Card>
        )}
      </div>
    </>
  );
}

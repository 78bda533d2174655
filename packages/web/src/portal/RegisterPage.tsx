import { Alert, Button, Card, Form, Input, Radio } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, ok } from '../api/client.ts';
import type { paths } from '../api/schema';
import { accountRules } from './accountRules.ts';
import { CodeStep } from './CodeStep.tsx';

type RegisterBody = paths['/api/v1/auth/register']['post']['requestBody']['content']['application/json'];

type Step1 = {
  applicantType: RegisterBody['applicantType'];
  personalId?: string;
  taxCode?: string;
  fullName: string;
  phone?: string;
  email?: string;
  channel: NonNullable<RegisterBody['channel']>;
  password: string;
  confirm: string;
};

/**
 * Đăng ký tài khoản: a citizen with the 12-digit personal identification number, an organization
 * with its tax code; a 6-digit code sent by SMS or email proves the phone or the address. The
 * answer never says whether the number already has an account (the owner is told instead).
 */
export default function RegisterPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm<Step1>();
  const type = Form.useWatch('applicantType', form) ?? 'citizen';
  const channel = Form.useWatch('channel', form) ?? 'sms';
  const [sent, setSent] = useState<{ verificationId: string; sentTo: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const rules = accountRules(t);

  async function start(v: Step1) {
    setBusy(true);
    setError(null);
    try {
      const common = {
        fullName: v.fullName.trim(),
        password: v.password,
        channel: v.channel,
        ...(v.phone?.trim() ? { phone: v.phone.trim() } : {}),
        ...(v.email?.trim() ? { email: v.email.trim() } : {}),
      };
      const body =
        v.applicantType === 'citizen'
          ? { applicantType: 'citizen' as const, personalId: v.personalId!.trim(), ...common }
          : { applicantType: 'organization' as const, taxCode: v.taxCode!.trim(), ...common };
      const r = ok(await api.POST('/api/v1/auth/register', { body }));
      setSent({ verificationId: r.verificationId, sentTo: r.sentTo });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  async function verify(v: { code: string }) {
    setBusy(true);
    setError(null);
    try {
      ok(
        await api.POST('/api/v1/auth/register/verify', {
          body: { verificationId: sent!.verificationId, code: v.code.trim() },
        }),
      );
      navigate('/login?registered=1');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card style={{ maxWidth: 560, margin: '24px auto' }}>
      <h1 style={{ fontSize: 22, marginTop: 0 }}>{t('account.registerTitle')}</h1>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} role="alert" />}
      {!sent ? (
        <Form<Step1>
          form={form}
          layout="vertical"
          initialValues={{ applicantType: 'citizen', channel: 'sms' }}
          onFinish={start}
        >
          <Form.Item name="applicantType" label={t('account.type')}>
            <Radio.Group
              options={[
                { value: 'citizen', label: t('account.citizen') },
                { value: 'organization', label: t('account.organization') },
              ]}
            />
          </Form.Item>
          {type === 'citizen' ? (
            <Form.Item name="personalId" label={t('account.personalId')} rules={rules.personalId} validateFirst>
              <Input inputMode="numeric" autoComplete="username" maxLength={12} />
            </Form.Item>
          ) : (
            <Form.Item name="taxCode" label={t('account.taxCode')} rules={rules.taxCode} validateFirst>
              <Input inputMode="numeric" autoComplete="username" maxLength={14} />
            </Form.Item>
          )}
          <Form.Item
            name="fullName"
            label={type === 'citizen' ? t('account.fullName') : t('account.orgName')}
            rules={[{ required: true, whitespace: true }]}
          >
            <Input autoComplete={type === 'citizen' ? 'name' : 'organization'} maxLength={300} />
          </Form.Item>
          <Form.Item
            name="phone"
            label={t('account.phone')}
            rules={[
              ...rules.phone,
              ...(channel === 'sms' ? [{ required: true, message: t('account.channelNeedsPhone') }] : []),
            ]}
          >
            <Input type="tel" autoComplete="tel" />
          </Form.Item>
          <Form.Item
            name="email"
            label={t('account.email')}
            rules={[
              ...rules.email,
              ...(channel === 'email' ? [{ required: true, message: t('account.channelNeedsEmail') }] : []),
            ]}
          >
            <Input type="email" autoComplete="email" />
          </Form.Item>
          <Form.Item name="channel" label={t('account.channel')}>
            <Radio.Group
              options={[
                { value: 'sms', label: t('account.bySms') },
                { value: 'email', label: t('account.byEmail') },
              ]}
            />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('account.password')}
            extra={t('account.passwordHint')}
            rules={rules.password}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={t('account.confirm')}
            dependencies={['password']}
            rules={[
              { required: true, message: t('account.confirmMismatch') },
              ({ getFieldValue }) => ({
                validator: (_, v) =>
                  !v || v === getFieldValue('password')
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('account.confirmMismatch'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t('account.sendCode')}
          </Button>
        </Form>
      ) : (
        <CodeStep
          notice={t('account.codeSent', { to: sent.sentTo })}
          submitLabel={t('account.verify')}
          busy={busy}
          onFinish={verify}
          onStartOver={() => setSent(null)}
        />
      )}
      <p style={{ marginTop: 16 }}>
        <Link to="/login">{t('account.haveAccount')}</Link>
      </p>
    </Card>
  );
}

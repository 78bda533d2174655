import { Alert, Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, ok } from '../api/client.ts';
import { accountRules } from './accountRules.ts';
import { CodeStep } from './CodeStep.tsx';

/**
 * Quên mật khẩu: a code to the email or phone registered with the account (the same answer for
 * any username), then a new password; every other session of the account ends.
 */
export default function ForgotPasswordPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [verificationId, setVerificationId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const rules = accountRules(t);

  async function request(v: { username: string }) {
    setBusy(true);
    setError(null);
    try {
      const r = ok(await api.POST('/api/v1/auth/password/forgot', { body: { username: v.username.trim() } }));
      setVerificationId(r.verificationId);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  async function reset(v: { code: string; newPassword: string }) {
    setBusy(true);
    setError(null);
    try {
      ok(
        await api.POST('/api/v1/auth/password/reset', {
          body: { verificationId: verificationId!, code: v.code.trim(), newPassword: v.newPassword },
        }),
      );
      navigate('/login?reset=1');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card style={{ maxWidth: 480, margin: '24px auto' }}>
      <h1 style={{ fontSize: 22, marginTop: 0 }}>{t('account.forgotTitle')}</h1>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} role="alert" />}
      {verificationId === null ? (
        <Form layout="vertical" onFinish={request}>
          <p>{t('account.forgotIntro')}</p>
          <Form.Item name="username" label={t('account.forgotUsername')} rules={[{ required: true, whitespace: true }]}>
            <Input autoComplete="username" autoFocus maxLength={100} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t('account.sendCode')}
          </Button>
        </Form>
      ) : (
        <CodeStep<{ code: string; newPassword: string }>
          notice={t('account.forgotSent')}
          submitLabel={t('account.reset')}
          busy={busy}
          onFinish={reset}
          onStartOver={() => setVerificationId(null)}
        >
          <Form.Item
            name="newPassword"
            label={t('account.newPassword')}
            extra={t('account.passwordHint')}
            rules={rules.password}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={t('account.confirm')}
            dependencies={['newPassword']}
            rules={[
              { required: true, message: t('account.confirmMismatch') },
              ({ getFieldValue }) => ({
                validator: (_, v) =>
                  !v || v === getFieldValue('newPassword')
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('account.confirmMismatch'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </CodeStep>
      )}
      <p style={{ marginTop: 16 }}>
        <Link to="/login">{t('account.backToLogin')}</Link>
      </p>
    </Card>
  );
}

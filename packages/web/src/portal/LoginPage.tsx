import { Alert, Button, Card, Divider, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { SESSION_ENDED_KEY, useAuth } from '../api/auth.tsx';
import { ssoStartUrl, useSsoProviders } from '../api/sso.ts';

const SSO_CODES = [
  'sso_cancelled',
  'sso_state_invalid',
  'sso_code_invalid',
  'sso_token_invalid',
  'sso_provider_unavailable',
  'identity_claims_invalid',
  'sso_no_account',
  'sso_account_conflict',
] as const;

export default function LoginPage() {
  const { t } = useTranslation();
  const { login } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  // Why the previous session ended (idle limit, password guesses): shown until she signs in again.
  const [ended] = useState(() => sessionStorage.getItem(SESSION_ENDED_KEY));
  const [busy, setBusy] = useState(false);
  const providers = useSsoProviders().data ?? [];
  const sso = params.get('sso');
  const ssoMessage = sso ? t(`login.sso.${(SSO_CODES as readonly string[]).includes(sso) ? sso : 'other'}`) : null;
  return (
    <Card style={{ maxWidth: 420, margin: '24px auto' }}>
      <h1 style={{ fontSize: 22, marginTop: 0 }}>{t('login.title')}</h1>
      {ssoMessage && <Alert type="error" role="alert" title={ssoMessage} style={{ marginBottom: 16 }} />}
      {providers.some((p) => p.id === 'vneid') && (
        <>
          <Button
            type="primary"
            size="large"
            block
            href={ssoStartUrl('vneid', params.get('next'))}
            data-testid="vneid-login"
          >
            {t('login.vneid')}
          </Button>
          <p style={{ fontSize: 13, marginTop: 8 }}>{t('login.vneidHint')}</p>
        </>
      )}
      {providers.some((p) => p.id === 'staff') && (
        <Button block href={ssoStartUrl('staff', params.get('next'))} style={{ marginTop: 8 }}>
          {t('login.staffSso')}
        </Button>
      )}
      {providers.length > 0 && <Divider plain>{t('login.or')}</Divider>}
      <Form
        layout="vertical"
        onFinish={async (v: { username: string; password: string }) => {
          setBusy(true);
          setError(null);
          try {
            const me = await login(v.username.trim(), v.password);
            sessionStorage.removeItem(SESSION_ENDED_KEY);
            const next = params.get('next');
            navigate(next?.startsWith('/') ? next : me.kind === 'officer' ? '/office' : '/my');
          } catch (e) {
            setError(e instanceof Error ? e.message : t('login.failed'));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Form.Item name="username" label={t('login.username')} rules={[{ required: true }]}>
          <Input autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item name="password" label={t('login.password')} rules={[{ required: true }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        {error && <Alert type="error" title={error} style={{ marginBottom: 16 }} />}
        {ended && !error && (
          <Alert
            type="warning"
            role="status"
            title={t(ended === 'session_idle' ? 'login.endedIdle' : 'login.ended')}
            style={{ marginBottom: 16 }}
          />
        )}
        {params.get('registered') && !error && (
          <Alert type="success" title={t('account.registered')} style={{ marginBottom: 16 }} />
        )}
        {params.get('reset') && !error && (
          <Alert type="success" title={t('account.resetDone')} style={{ marginBottom: 16 }} />
        )}
        <Button type="primary" htmlType="submit" loading={busy} block>
          {t('login.submit')}
        </Button>
      </Form>
      <p style={{ marginTop: 16, display: 'flex', justifyContent: 'space-between', flexWrap: 'wrap', gap: 8 }}>
        <Link to="/forgot-password">{t('account.forgotLink')}</Link>
        <Link to="/register">{t('account.registerLink')}</Link>
      </p>
      <p style={{ fontSize: 13, marginTop: 16 }}>{t('login.demo')}</p>
    </Card>
  );
}

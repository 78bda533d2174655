import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useAuth } from '../api/auth.tsx';
import { LanguageSwitch } from '../shared/LanguageSwitch.tsx';

/**
 * Shown instead of a login form when someone signed in opens a staff page they may not use: a
 * citizen or organization account anywhere in the back office ("Khu vực dành cho cán bộ"), or an
 * officer without the role of /dashboard or /admin. Links to the portal (or the queues) and to sign
 * out, so they can sign in with another account.
 */
export function StaffOnly({ need }: { need: 'staff' | 'leader' | 'admin' }) {
  const { t } = useTranslation();
  const { me, logout } = useAuth();
  const navigate = useNavigate();
  const signOut = async () => {
    await logout();
    navigate(`/login?next=${encodeURIComponent(window.location.pathname)}`);
  };
  const body = (
    <Result
      status="403"
      title={<h1 style={{ fontSize: 24, margin: 0 }}>{t(`staff.only.${need}.title`)}</h1>}
      subTitle={t(`staff.only.${need}.body`, { name: me?.fullName ?? '' })}
      extra={[
        need === 'staff' ? (
          <Link key="home" to="/">
            <Button type="primary">{t('staff.only.toPortal')}</Button>
          </Link>
        ) : (
          <Link key="home" to="/office">
            <Button type="primary">{t('staff.only.toOffice')}</Button>
          </Link>
        ),
        <Button key="out" onClick={signOut} data-testid="staff-only-logout">
          {t('staff.only.logout')}
        </Button>,
      ]}
    />
  );
  if (need !== 'staff') return body;
  // Not staff: no back-office frame at all (its header would show staff navigation).
  return (
    <>
      <header style={{ display: 'flex', alignItems: 'center', gap: 16, padding: '8px 16px', background: '#0b3d91' }}>
        <Link to="/" style={{ color: '#fff', fontWeight: 600, fontSize: 18, marginRight: 'auto' }}>
          {t('app.portal')}
        </Link>
        <LanguageSwitch className="lang-switch" />
      </header>
      <main id="main">{body}</main>
    </>
  );
}

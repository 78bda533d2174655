import { useTranslation } from 'react-i18next';
import { Link, Outlet, useNavigate } from 'react-router';
import { isOfficer, useAuth } from '../api/auth.tsx';
import { LanguageSwitch } from '../shared/LanguageSwitch.tsx';

/** The citizen portal's frame: plain markup so the portal's first load stays small. */
export function PortalLayout() {
  const { t } = useTranslation();
  const { me, logout } = useAuth();
  const navigate = useNavigate();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="portal-header">
        <Link to="/" className="portal-brand">
          {t('app.portal')}
        </Link>
        <nav className="portal-nav" aria-label={t('app.portal')}>
          <Link to="/">{t('nav.home')}</Link>
          <Link to="/lookup">{t('nav.lookup')}</Link>
          {me?.kind === 'applicant' && <Link to="/my">{t('nav.myDossiers')}</Link>}
          {isOfficer(me) && <Link to="/office">{t('nav.office')}</Link>}
          {me ? (
            <button
              type="button"
              className="linklike"
              onClick={async () => {
                await logout();
                navigate('/');
              }}
            >
              {t('nav.logout')} ({me.fullName})
            </button>
          ) : (
            <Link to="/login">{t('nav.login')}</Link>
          )}
          <LanguageSwitch className="lang-switch" />
        </nav>
      </header>
      <main id="main" className="portal-main">
        <Outlet />
      </main>
      <footer className="portal-footer">{t('app.portalLong')}</footer>
    </>
  );
}

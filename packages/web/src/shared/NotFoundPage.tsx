import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';

/**
 * An address no page answers (issue 13: a raw "Unexpected Application Error! 404" before): a
 * Vietnamese page (English by the switch) with the way back to where the person works.
 */
export default function NotFoundPage(props: { area: 'portal' | 'office' }) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  return (
    <section className="not-found" data-testid="not-found" style={{ padding: '24px 0', maxWidth: 640 }}>
      <h1 style={{ fontSize: 24, marginTop: 0 }}>{t('notFound.title')}</h1>
      <p>{t('notFound.text')}</p>
      <p>
        <code style={{ wordBreak: 'break-all' }}>{pathname}</code>
      </p>
      <p style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
        {props.area === 'office' ? (
          <Link to="/office">{t('notFound.officeHome')}</Link>
        ) : (
          <Link to="/">{t('notFound.home')}</Link>
        )}
        {props.area === 'portal' && <Link to="/tra-cuu">{t('notFound.lookup')}</Link>}
      </p>
    </section>
  );
}

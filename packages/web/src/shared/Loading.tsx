import { useTranslation } from 'react-i18next';

/** Shown while a page's chunk or data loads (plain markup: no component library needed). */
export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status" aria-live="polite">
      {t('app.loading')}
    </p>
  );
}

export function ErrorText({ error }: { error: unknown }) {
  const { t } = useTranslation();
  return (
    <p className="error-text" role="alert">
      {t('app.error')}: {error instanceof Error ? error.message : String(error)}
    </p>
  );
}

import { useTranslation } from 'react-i18next';
import QueuesPage from './QueuesPage.tsx';

/** Results ready to hand back: find by code, open, mark returned, print. */
export default function ReturnsPage() {
  const { t } = useTranslation();
  return <QueuesPage fixed="return" title={t('nav.returns')} />;
}

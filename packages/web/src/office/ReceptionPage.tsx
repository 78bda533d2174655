import { useTranslation } from 'react-i18next';
import QueuesPage from './QueuesPage.tsx';

/** Online dossiers waiting at this one-stop unit: open one to check, receive, ask or refuse. */
export default function ReceptionPage() {
  const { t } = useTranslation();
  return <QueuesPage fixed="reception" title={t('nav.counter')} />;
}

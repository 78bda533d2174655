import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { pick } from '../format.ts';

type Labelled = { label_vi: string; label_en: string };

/**
 * The legal status with its sub-status, once: a sub-status whose label is the status's own
 * ("Đang xử lý" under "Đang xử lý", "Chờ trả kết quả" under "Chờ trả kết quả") is not repeated.
 */
export function StatusTag({
  dossier,
  testId,
  inline = true,
}: {
  dossier: Labelled & { subStatus?: Labelled | null };
  testId?: string;
  inline?: boolean;
}) {
  const { i18n } = useTranslation();
  const status = pick(dossier, i18n.language);
  const sub = dossier.subStatus ? pick(dossier.subStatus, i18n.language) : '';
  const showSub = sub !== '' && sub.toLocaleLowerCase('vi') !== status.toLocaleLowerCase('vi');
  return (
    <>
      <Tag color="blue" data-testid={testId}>
        {status}
      </Tag>
      {showSub && (inline ? <span data-testid="sub-status">{sub}</span> : <div data-testid="sub-status">{sub}</div>)}
    </>
  );
}

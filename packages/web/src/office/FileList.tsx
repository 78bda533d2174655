import { Button, Empty } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Attachment } from '../api/types.ts';
import { fileSize, fmtDateTime } from '../format.ts';
import { documentName } from './result.ts';

const PREVIEWABLE = new Set(['application/pdf', 'image/jpeg', 'image/png', 'image/webp']);

/**
 * The dossier's files with a preview beside the form: PDFs and images open in the page (the
 * server serves them `inline` for this), anything else is downloaded. One file is shown at a time
 * so the officer compares the scan with the form data without leaving the dossier.
 */
export function FileList({
  files,
  documents,
}: {
  files: Attachment[];
  /** The procedure's document list, to name each file by its component instead of its slot. */
  documents?: { index: number; name: string }[];
}) {
  const { t } = useTranslation();
  // "Đơn đăng ký… · Thành phần hồ sơ · bản 2 · 12 KB · 02/12/2026 09:15", never "document, doc-0 v2".
  const describe = (f: Attachment) =>
    [
      documentName(f.slot, documents) ?? (/^((doc|scan|supplement)-\d+|result)$/.test(f.slot) ? null : f.slot),
      t(`staff.fileKinds.${f.kind}`, { defaultValue: t('staff.fileKinds.other') }),
      t('staff.fileVersion', { n: f.versionNo }),
      fileSize(f.sizeBytes),
      fmtDateTime(f.uploadedAt),
    ]
      .filter(Boolean)
      .join(' · ');
  const [shown, setShown] = useState<Attachment | null>(null);
  const content = (f: Attachment, inline = false) =>
    `/api/v1/attachments/${f.id}/content${inline ? '?disposition=inline' : ''}`;
  if (files.length === 0) return <Empty description={t('app.none')} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <>
      <ul className="file-list">
        {files.map((f) => (
          <li key={f.id}>
            <a href={content(f)} download={f.fileName}>
              {f.fileName}
            </a>{' '}
            <span className="file-meta">({describe(f)})</span>{' '}
            {PREVIEWABLE.has(f.mediaType) && (
              <Button
                size="small"
                type={shown?.id === f.id ? 'primary' : 'default'}
                aria-pressed={shown?.id === f.id}
                aria-label={`${t('office.preview')} ${f.fileName}`}
                onClick={() => setShown(shown?.id === f.id ? null : f)}
              >
                {t('office.preview')}
              </Button>
            )}
          </li>
        ))}
      </ul>
      {shown && (
        <figure className="file-preview" data-testid="file-preview">
          {shown.mediaType === 'application/pdf' ? (
            <iframe title={shown.fileName} src={content(shown, true)} />
          ) : (
            <img alt={shown.fileName} src={content(shown, true)} />
          )}
          <figcaption>
            {shown.fileName} ·{' '}
            <a href={content(shown, true)} target="_blank" rel="noreferrer">
              {t('office.openNewTab')}
            </a>
          </figcaption>
        </figure>
      )}
    </>
  );
}

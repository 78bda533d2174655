import { Button, Empty } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Attachment } from '../api/types.ts';
import { fileSize } from '../format.ts';

const PREVIEWABLE = new Set(['application/pdf', 'image/jpeg', 'image/png', 'image/webp']);

/**
 * The dossier's files with a preview beside the form: PDFs and images open in the page (the
 * server serves them `inline` for this), anything else is downloaded. One file is shown at a time
 * so the officer compares the scan with the form data without leaving the dossier.
 */
export function FileList({ files }: { files: Attachment[] }) {
  const { t } = useTranslation();
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
            <span className="file-meta">
              ({f.kind}, {f.slot} v{f.versionNo}, {fileSize(f.sizeBytes)})
            </span>{' '}
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

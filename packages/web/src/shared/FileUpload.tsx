import { useQuery } from '@tanstack/react-query';
import { Progress, Space } from 'antd';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, ok, uploadFile } from '../api/client.ts';
import type { AttachmentKind } from '../api/types.ts';

type Limits = { maxBytes: number; types: { mediaType: string; extensions: string[] }[] };

/** What the server accepts (GET /attachments/limits), read once per session. */
export function useUploadLimits() {
  return useQuery({
    queryKey: ['upload-limits'],
    queryFn: async (): Promise<Limits> => ok(await api.GET('/api/v1/attachments/limits')),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** "20 MB", "1,5 MB" — Vietnamese decimal comma. */
export function sizeText(bytes: number, lang: string): string {
  const nf = new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 1 });
  if (bytes < 1024 * 1024) return `${nf.format(Math.max(1, Math.round(bytes / 1024)))} KB`;
  return `${nf.format(bytes / 1024 / 1024)} MB`;
}

/** "PDF, JPG, PNG, TIFF, WEBP, DOCX, XLSX, ODT" from the server's list. */
function typesText(limits: Limits): string {
  return limits.types.map((t) => (t.extensions[0] === 'tif' ? 'TIFF' : t.extensions[0]!.toUpperCase())).join(', ');
}

/**
 * One upload slot: a labelled native file input (keyboard-usable, screen-reader-named) with the
 * accepted formats and the maximum size said before a file is chosen (the server's real limits),
 * a check of both before sending, and a progress bar while the file travels. The server still
 * judges the content (a renamed file is refused there).
 */
export function FileUpload(props: {
  label: string;
  url: string | (() => Promise<string>);
  slot: string;
  kind: AttachmentKind;
  uploaded?: string[];
  onUploaded?: (file: { id: string; fileName: string; sizeBytes?: number }) => void;
  testId?: string;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const input = useRef<HTMLInputElement>(null);
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const limits = useUploadLimits().data;
  const extensions = limits?.types.flatMap((x) => x.extensions) ?? [];
  const accept = limits
    ? extensions.map((e) => `.${e}`).join(',')
    : '.pdf,.jpg,.jpeg,.png,.tif,.tiff,.webp,.docx,.xlsx,.odt';

  /** The refusal to show before sending, or null when the file may go. */
  function precheck(file: File): string | null {
    if (!limits) return null;
    const ext = /\.([^.]+)$/.exec(file.name)?.[1]?.toLowerCase();
    if (!ext || !extensions.includes(ext)) {
      return t('upload.typeRefused', { name: file.name, types: typesText(limits) });
    }
    if (file.size > limits.maxBytes) {
      return t('upload.tooBig', {
        name: file.name,
        size: sizeText(file.size, i18n.language),
        max: sizeText(limits.maxBytes, i18n.language),
      });
    }
    if (file.size === 0) return t('upload.empty', { name: file.name });
    return null;
  }

  return (
    <div style={{ marginBottom: 12 }}>
      <label htmlFor={id} style={{ display: 'block', fontWeight: 500 }}>
        {props.label}
      </label>
      {limits && (
        <div id={hintId} className="upload-hint" style={{ fontSize: 13, color: '#595959' }}>
          {t('upload.hint', { types: typesText(limits), max: sizeText(limits.maxBytes, i18n.language) })}
        </div>
      )}
      <Space wrap>
        <input
          id={id}
          ref={input}
          type="file"
          data-testid={props.testId}
          accept={accept}
          aria-describedby={[limits ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined}
          aria-invalid={error ? true : undefined}
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            setError(null);
            const refused = precheck(file);
            if (refused) {
              setError(refused);
              if (input.current) input.current.value = '';
              return;
            }
            setPercent(0);
            try {
              const url = typeof props.url === 'string' ? props.url : await props.url();
              const r = await uploadFile(url, { slot: props.slot, kind: props.kind }, file, setPercent);
              setPercent(100);
              props.onUploaded?.({ ...r, sizeBytes: file.size });
              if (input.current) input.current.value = '';
            } catch (err) {
              setPercent(null);
              setError(err instanceof ApiError ? err.message : String(err));
              if (input.current) input.current.value = '';
            }
          }}
        />
        {percent !== null && percent < 100 && (
          <Progress percent={percent} size="small" style={{ width: 160 }} aria-label={props.label} />
        )}
      </Space>
      {(props.uploaded ?? []).map((f) => (
        <div key={f} style={{ fontSize: 13 }}>
          ✓ {t('apply.uploaded')}: {f}
        </div>
      ))}
      {error && (
        <div id={errorId} role="alert" className="error-text">
          {error}
        </div>
      )}
    </div>
  );
}

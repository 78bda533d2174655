import { Progress, Space } from 'antd';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, uploadFile } from '../api/client.ts';

/**
 * One upload slot: a labelled native file input (keyboard-usable, screen-reader-named) and a
 * progress bar while the file travels.
 */
export function FileUpload(props: {
  label: string;
  url: string | (() => Promise<string>);
  slot: string;
  kind: 'document' | 'supplement' | 'result' | 'other';
  uploaded?: string[];
  onUploaded?: (file: { id: string; fileName: string }) => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <div style={{ marginBottom: 12 }}>
      <label htmlFor={id} style={{ display: 'block', fontWeight: 500 }}>
        {props.label}
      </label>
      <Space wrap>
        <input
          id={id}
          ref={input}
          type="file"
          data-testid={props.testId}
          accept=".pdf,.jpg,.jpeg,.png,.tif,.tiff,.webp,.docx,.xlsx,.odt"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            setError(null);
            setPercent(0);
            try {
              const url = typeof props.url === 'string' ? props.url : await props.url();
              const r = await uploadFile(url, { slot: props.slot, kind: props.kind }, file, setPercent);
              setPercent(100);
              props.onUploaded?.(r);
              if (input.current) input.current.value = '';
            } catch (err) {
              setPercent(null);
              setError(err instanceof ApiError ? err.message : String(err));
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
        <div role="alert" className="error-text">
          {error}
        </div>
      )}
    </div>
  );
}

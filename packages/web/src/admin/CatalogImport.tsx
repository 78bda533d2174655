import { useQueryClient } from '@tanstack/react-query';
import { Alert, Modal, Result } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, ok } from '../api/client.ts';

type Counts = { created: number; updated: number; unchanged: number };

/** base64 of a file's bytes (the import takes Excel as base64 inside JSON). */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * Import a catalog file (the JSON or Excel the export writes, edited or from another province):
 * all or nothing on the server. Field errors name the procedure and the field, so the officer can
 * fix the file and try again.
 */
export default function CatalogImport({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const file = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; fields: string[] } | null>(null);
  const [done, setDone] = useState<Counts | null>(null);

  async function run() {
    const f = file.current?.files?.[0];
    if (!f) {
      setError({ message: t('admin.importPick'), fields: [] });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      let body: { format: 'json'; catalog: unknown } | { format: 'xlsx'; data: string };
      if (/\.xlsx$/i.test(f.name)) body = { format: 'xlsx', data: await base64Of(f) };
      else {
        try {
          body = { format: 'json', catalog: JSON.parse(await f.text()) };
        } catch {
          setError({ message: t('admin.importNotJson'), fields: [] });
          return;
        }
      }
      const counts = ok(await api.POST('/api/v1/catalog/import', { body })) as Counts;
      setDone(counts);
      void qc.invalidateQueries({ queryKey: ['procedures'] });
    } catch (e) {
      if (e instanceof ApiError) {
        setError({
          message: String(e.problem.detail ?? e.problem.title ?? e.message),
          fields: (e.problem.errors ?? []).slice(0, 50).map((x) => `${x.path}: ${x.message ?? ''}`),
        });
      } else setError({ message: e instanceof Error ? e.message : String(e), fields: [] });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open
      title={t('admin.import')}
      onCancel={onClose}
      okText={done ? t('app.closeDialog') : t('admin.importRun')}
      cancelText={t('app.cancel')}
      confirmLoading={busy}
      onOk={() => (done ? onClose() : void run())}
      destroyOnHidden
    >
      {done ? (
        <Result status="success" title={t('admin.imported', done)} data-testid="import-result" />
      ) : (
        <>
          <p style={{ fontSize: 13 }}>{t('admin.importHint')}</p>
          {error && (
            <Alert
              type="error"
              showIcon
              style={{ marginBottom: 12 }}
              title={error.message}
              description={
                error.fields.length > 0 && (
                  <ul style={{ margin: 0, paddingLeft: 18 }}>
                    {error.fields.map((f) => (
                      <li key={f}>{f}</li>
                    ))}
                  </ul>
                )
              }
            />
          )}
          <label htmlFor="catalog-file" style={{ display: 'block', marginBottom: 4 }}>
            {t('admin.importFile')}
          </label>
          <input id="catalog-file" ref={file} type="file" accept=".json,.xlsx,application/json" />
        </>
      )}
    </Modal>
  );
}

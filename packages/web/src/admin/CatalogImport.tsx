import { useQueryClient } from '@tanstack/react-query';
import { Alert, Modal, Result } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, ok } from '../api/client.ts';
import './adminMessages.ts';
import { messageOf, placeOf } from './procedureModel.ts';

type KeptDraft = {
  index: number;
  name: string;
  issues: { path: string; code: string; message_vi: string; message_en: string }[];
};
type Counts = { created: number; updated: number; unchanged: number; keptAsDraft?: number; drafts?: KeptDraft[] };
type TFn = ReturnType<typeof useTranslation>['t'];

/**
 * One refusal of the import in words. The API words its messages with the row and column
 * ("Dòng 3, cột Thời hạn: …"); when a message carries no place, the place is said from its path
 * (the procedure's position and the field's name) — a JSON path is never shown.
 */
export function importErrorText(t: TFn, e: { path: string; code?: string; message?: string }): string {
  const msg = e.message ?? '';
  const m = /(?:^|\.)procedures\.(\d+)(?:\.(.+))?$/.exec(e.path);
  if (!m || /^(Dòng|Row|Thủ tục|Procedure|Trang|Sheet|Bảng)\b/i.test(msg)) return msg;
  const where = t('pe.importProcedure', { n: Number(m[1]) + 1 });
  if (!m[2]) return `${where}: ${msg}`;
  const issue = { path: m[2], code: e.code ?? 'custom', message: msg };
  return `${where}, ${placeOf(t, m[2]).label}: ${messageOf(t, issue)}`;
}

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
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
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
      void qc.invalidateQueries({ queryKey: ['admin-procedures'] });
    } catch (e) {
      if (e instanceof ApiError) {
        setError({
          message: String(e.problem.detail ?? e.problem.title ?? e.message),
          fields: (e.problem.errors ?? []).slice(0, 50).map((x) => importErrorText(t, x)),
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
        <>
          <Result status="success" title={t('admin.imported', done)} data-testid="import-result" />
          {(done.drafts ?? []).length > 0 && (
            <Alert
              type="warning"
              showIcon
              title={t('pe.importKept', { count: done.drafts!.length })}
              description={
                <ul style={{ margin: 0, paddingLeft: 18 }}>
                  {done.drafts!.map((d) => (
                    <li key={d.index}>
                      <strong>{d.name}</strong>:{' '}
                      {d.issues
                        .map((x) =>
                          messageOf(t, { path: x.path, code: x.code, message: en ? x.message_en : x.message_vi }),
                        )
                        .join('; ')}
                    </li>
                  ))}
                </ul>
              }
            />
          )}
        </>
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

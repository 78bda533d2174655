import { Alert, App, Button, Input, Modal } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sendCommand } from './command.ts';
import {
  type CheckRow,
  checklistOf,
  initialRows,
  missingOf,
  type ProcedureDocument,
  ReceptionChecklist,
} from './ReceptionChecklist.tsx';

const lines = (s: string) =>
  s
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * Receiving an online dossier at the counter: tick each component checked with the number of
 * originals and copies. Decree 118/2025 art. 17(3): only a complete dossier is received — while
 * a mandatory component is unchecked the receive button says why and the dialog offers the
 * supplement request (form 02) for what is missing instead.
 */
export function ReceiveDialog(props: {
  open: boolean;
  dossier: { id: string; version: number; documents?: { name: string }[] };
  documents: ProcedureDocument[];
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [rows, setRows] = useState<CheckRow[]>([]);
  const [mode, setMode] = useState<'receive' | 'supplement'>('receive');
  const [items, setItems] = useState('');
  const [toApplicant, setToApplicant] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const names = props.dossier.documents?.map((d) => d.name);
  const key = `${props.open}:${props.dossier.id}:${props.documents.length}:${names?.join('|') ?? ''}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the dialog opens or the lists arrive
  useEffect(() => {
    if (!props.open) return;
    setRows(initialRows(props.documents, names));
    setMode('receive');
    setItems('');
    setToApplicant('');
    setNote('');
    setError(null);
  }, [key]);
  const missing = missingOf(rows);

  async function send(type: 'receive' | 'request_supplement') {
    setBusy(true);
    setError(null);
    try {
      const extra: Record<string, unknown> = {
        ...(toApplicant.trim() ? { message: toApplicant.trim() } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      };
      if (type === 'receive') extra.checklist = checklistOf(rows);
      else extra.items = lines(items);
      await sendCommand(props.dossier.id, props.dossier.version, type, extra);
      message.success(`${t(`actions.${type}`)}: ${t('app.done')}`);
      props.onDone();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  const footer =
    mode === 'receive'
      ? [
          <Button key="cancel" onClick={props.onClose}>
            {t('app.cancel')}
          </Button>,
          missing.length > 0 && (
            <Button
              key="supplement"
              data-testid="offer-supplement"
              onClick={() => {
                setItems(missing.join('\n'));
                setMode('supplement');
              }}
            >
              {t('counter.askSupplement')}
            </Button>
          ),
          <Button
            key="receive"
            type="primary"
            loading={busy}
            disabled={missing.length > 0}
            aria-describedby={missing.length > 0 ? 'receive-missing' : undefined}
            data-testid="confirm-receive"
            onClick={() => void send('receive')}
          >
            {t('counter.confirmReceive')}
          </Button>,
        ]
      : [
          <Button key="back" onClick={() => setMode('receive')}>
            {t('app.back')}
          </Button>,
          <Button
            key="send"
            type="primary"
            loading={busy}
            disabled={lines(items).length === 0}
            data-testid="confirm-supplement"
            onClick={() => void send('request_supplement')}
          >
            {t('actions.request_supplement')}
          </Button>,
        ];

  return (
    <Modal
      open={props.open}
      title={mode === 'receive' ? t('actions.receive') : t('actions.request_supplement')}
      onCancel={props.onClose}
      footer={footer}
      width={720}
      destroyOnHidden
    >
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 8 }} />}
      {mode === 'receive' ? (
        <>
          <ReceptionChecklist rows={rows} onChange={setRows} />
          <div aria-live="polite" style={{ marginTop: 8 }}>
            {missing.length > 0 && (
              <Alert
                id="receive-missing"
                type="warning"
                showIcon
                data-testid="receive-missing"
                title={t('counter.missing', { count: missing.length })}
                description={
                  <>
                    <ul style={{ margin: '4px 0', paddingLeft: 18 }}>
                      {missing.map((m) => (
                        <li key={m}>{m}</li>
                      ))}
                    </ul>
                    {t('counter.missingHint')}
                  </>
                }
              />
            )}
          </div>
        </>
      ) : (
        <div>
          <label htmlFor="supplement-items" style={{ display: 'block' }}>
            {t('counter.supplementItems')}
          </label>
          <Input.TextArea
            id="supplement-items"
            rows={4}
            value={items}
            onChange={(e) => setItems(e.target.value)}
            data-testid="supplement-items"
          />
        </div>
      )}
      <label htmlFor="receive-message" style={{ display: 'block', marginTop: 12 }}>
        {mode === 'receive' ? t('counter.messageReceive') : t('counter.messageSupplement')}
      </label>
      <Input.TextArea
        id="receive-message"
        rows={2}
        maxLength={2000}
        value={toApplicant}
        onChange={(e) => setToApplicant(e.target.value)}
      />
      <label htmlFor="receive-note" style={{ display: 'block', marginTop: 12 }}>
        {t('counter.internalNote')}
      </label>
      <Input.TextArea
        id="receive-note"
        rows={2}
        maxLength={2000}
        value={note}
        onChange={(e) => setNote(e.target.value)}
      />
    </Modal>
  );
}

import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Checkbox, DatePicker, Form, Input, InputNumber, Modal, Select, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client.ts';
import type { Attachment } from '../api/types.ts';
import { sendCommand } from './command.ts';
import { ReceiveDialog } from './ReceiveDialog.tsx';
import { resultAttachment, type StaffDossier } from './result.ts';

/**
 * Commands confirmed in one click (no dialog). Approving, confirming the result and finishing
 * always ask first: they say which result file they are about, and approval takes an opinion.
 */
const ONE_CLICK = new Set(['claim']);
/** Commands about the result document: the dialog shows the file (ResultPanel's state). */
const RESULT_ACTIONS = new Set(['approve', 'sign', 'finish']);
const PRIMARY = new Set(['receive', 'claim', 'forward', 'approve', 'sign', 'finish', 'return_result']);
const lines = (s: string | undefined) =>
  (s ?? '')
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);

/** Actions after which the applicant is told something (Decree 118/2025 arts. 17, 19, 21, 22). */
const TOLD_APPLICANT = new Set([
  'receive',
  'request_supplement',
  'refuse',
  'request_fee',
  'extend',
  'stop',
  'finish',
  'return_result',
]);

type Values = Record<string, unknown> & {
  note?: string;
  items?: string;
  reasons?: string;
  toStep?: string;
  consultations?: string[];
  openChildDossier?: boolean;
  consultationId?: string;
  outcome?: string;
  method?: string;
  stage?: string;
  amount?: number;
  newDue?: Dayjs;
  reason?: string;
  main?: string;
  checklist?: string[];
  opinion?: string;
};

/**
 * The actions the current step allows this officer (from the API's `availableActions`), each with
 * the fields it needs: reasons, supplement items, consultation targets, outcome, result files…
 */
export function ActionPanel(props: {
  dossier: StaffDossier;
  files: Attachment[];
  documents: { name: string }[];
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const d = props.dossier;
  const [open, setOpen] = useState<string | null>(null);
  // The dialog keeps its title while it animates out: a dialog without a name fails WCAG (axe aria-dialog-name).
  const lastOpen = useRef<string | null>(null);
  if (open) lastOpen.current = open;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<Values>();
  const users = useQuery({
    queryKey: ['users-for-assign'],
    enabled: open === 'assign',
    queryFn: async () => ok(await api.GET('/api/v1/users', { params: { query: { pageSize: 100 } } })).items,
  });
  const actions = d.availableActions.filter((a) => a !== 'rate' && a !== 'withdraw');

  function body(type: string, v: Values): Record<string, unknown> {
    // The internal note stays with the staff; the message is what the applicant is told (Decree 118/2025).
    const note = {
      ...(v.note?.trim() ? { note: v.note.trim() } : {}),
      ...(typeof v.message === 'string' && v.message.trim() ? { message: v.message.trim() } : {}),
    };
    switch (type) {
      case 'receive': {
        const ticked = v.checklist ?? [];
        const checklist = ticked.length ? `${t('office.checklist')}: ${ticked.join('; ')}` : '';
        const text = [checklist, v.note?.trim()].filter(Boolean).join('\n');
        return { ...note, ...(text ? { note: text.slice(0, 2000) } : {}) };
      }
      case 'request_supplement':
        return { items: lines(v.items), ...note };
      case 'refuse':
        return { reasons: lines(v.reasons), ...note };
      case 'send_back':
        return { toStep: v.toStep, ...note };
      case 'consult':
        return {
          targets: (v.consultations ?? []).map((c) => ({
            consultationId: c,
            ...(v.openChildDossier ? { openChildDossier: true } : {}),
          })),
          ...note,
        };
      case 'consultation_result':
        return { consultationId: v.consultationId, outcome: v.outcome, ...note };
      case 'return_result': {
        const results = props.files.filter((f) => f.kind === 'result').map((f) => f.id);
        return { method: v.method ?? 'counter', ...(results.length ? { attachmentIds: results } : {}), ...note };
      }
      case 'request_fee':
        return { stage: v.stage ?? 'full', amount: v.amount ?? 0, ...note };
      case 'extend':
        return { newDue: v.newDue?.toISOString(), reason: v.reason, ...note };
      case 'stop':
        return { reason: v.reason, ...note };
      case 'assign':
        return { main: v.main, ...note };
      case 'approve':
        return { ...(v.opinion?.trim() ? { opinion: v.opinion.trim() } : {}), ...note };
      default:
        return note;
    }
  }

  async function run(type: string, v: Values) {
    setBusy(true);
    setError(null);
    try {
      await sendCommand(d.id, d.version, type, body(type, v));
      message.success(`${t(`actions.${type}`)}: ${t('app.done')}`);
      setOpen(null);
      form.resetFields();
      props.onDone();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  const en = i18n.language === 'en';
  const stepName = (s: { id: string; name_vi: string; name_en?: string | null }) =>
    (en ? s.name_en : null) ?? s.name_vi;
  const consultationName = (id: string) => {
    const def = d.currentStep?.consultations.find((c) => c.id === id);
    return def ? stepName(def) : t('office.consultations');
  };
  const consultOptions = (d.currentStep?.consultations ?? []).map((c) => ({ value: c.id, label: stepName(c) }));
  // "Xác minh của UBND xã — Phường Hải Châu", never the consultation's id ("xac_minh_xa").
  const openConsultations = d.consultations.map((c) => ({
    value: c.consultationId,
    label: `${consultationName(c.consultationId)} — ${c.agency?.name ?? c.agencyCode}`,
  }));
  const resultFile = resultAttachment(d, props.files);

  return (
    <div>
      {error && !open && <Alert type="error" title={error} showIcon style={{ marginBottom: 8 }} />}
      <Space wrap>
        {actions.map((a) => (
          <Button
            key={a}
            type={PRIMARY.has(a) ? 'primary' : 'default'}
            danger={a === 'refuse' || a === 'stop'}
            loading={busy && open === null}
            data-action={a}
            onClick={() => {
              setError(null);
              if (ONE_CLICK.has(a)) void run(a, {});
              else setOpen(a);
            }}
          >
            {t(`actions.${a}`)}
          </Button>
        ))}
      </Space>
      <Modal
        open={open !== null && open !== 'receive'}
        title={lastOpen.current ? t(`actions.${lastOpen.current}`) : ''}
        onCancel={() => setOpen(null)}
        okText={t('app.confirm')}
        cancelText={t('app.cancel')}
        confirmLoading={busy}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 8 }} />}
        <Form form={form} layout="vertical" onFinish={(v) => open && run(open, v)} preserve={false}>
          {open === 'receive' && props.documents.length > 0 && (
            <Form.Item name="checklist" label={t('office.checklist')}>
              <Checkbox.Group
                style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
                options={props.documents.map((x) => ({ value: x.name, label: x.name }))}
              />
            </Form.Item>
          )}
          {open === 'request_supplement' && (
            <Form.Item name="items" label={t('office.items')} rules={[{ required: true }]}>
              <Input.TextArea rows={3} />
            </Form.Item>
          )}
          {open === 'refuse' && (
            <Form.Item name="reasons" label={t('office.reasons')} rules={[{ required: true }]}>
              <Input.TextArea rows={3} />
            </Form.Item>
          )}
          {(open === 'stop' || open === 'extend') && (
            <Form.Item name="reason" label={t('office.reasons')} rules={[{ required: true }]}>
              <Input.TextArea rows={2} />
            </Form.Item>
          )}
          {open === 'extend' && (
            <Form.Item name="newDue" label={t('office.due')} rules={[{ required: true }]}>
              <DatePicker showTime format="DD/MM/YYYY HH:mm" />
            </Form.Item>
          )}
          {open === 'send_back' && (
            <Form.Item name="toStep" label={t('office.workflow')} rules={[{ required: true }]}>
              <Select
                options={d.workflow
                  .filter((s) => d.path?.includes(s.id) && s.id !== d.currentStep?.id)
                  .map((s) => ({ value: s.id, label: stepName(s) }))}
              />
            </Form.Item>
          )}
          {open === 'consult' && (
            <>
              {/* A validator, not `required`: antd would put aria-required on the checkbox group, which ARIA does not allow there. */}
              <Form.Item
                name="consultations"
                label={t('office.consultWith')}
                rules={[
                  {
                    validator: (_r, v?: string[]) =>
                      v?.length ? Promise.resolve() : Promise.reject(new Error(t('staff.chooseConsultation'))),
                  },
                ]}
              >
                <Checkbox.Group options={consultOptions} />
              </Form.Item>
              <Form.Item name="openChildDossier" valuePropName="checked">
                <Checkbox>{t('office.openChild')}</Checkbox>
              </Form.Item>
            </>
          )}
          {open === 'consultation_result' && (
            <>
              <Form.Item
                name="consultationId"
                label={t('office.consultWith')}
                rules={[{ required: true }]}
                initialValue={openConsultations[0]?.value}
              >
                <Select options={openConsultations} />
              </Form.Item>
              <Form.Item name="outcome" label={t('office.outcome')} rules={[{ required: true }]} initialValue="agreed">
                <Select
                  options={[
                    { value: 'agreed', label: t('office.agreed') },
                    { value: 'disagreed', label: t('office.disagreed') },
                  ]}
                />
              </Form.Item>
            </>
          )}
          {open === 'return_result' && (
            <Form.Item name="method" label={t('office.returnMethod')} initialValue="counter">
              <Select
                options={[
                  { value: 'counter', label: t('counter.returnMethods.counter') },
                  { value: 'post', label: t('counter.returnMethods.post') },
                  { value: 'online', label: t('counter.returnMethods.online') },
                ]}
              />
            </Form.Item>
          )}
          {open === 'request_fee' && (
            <Form.Item name="amount" label="VND" rules={[{ required: true }]}>
              <InputNumber min={0} step={1000} style={{ width: 200 }} />
            </Form.Item>
          )}
          {open === 'assign' && (
            <Form.Item name="main" label={t('office.assignTo')} rules={[{ required: true }]}>
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                loading={users.isLoading}
                options={(users.data ?? []).map((u) => ({ value: u.id, label: `${u.fullName} (${u.username})` }))}
              />
            </Form.Item>
          )}
          {open !== null && RESULT_ACTIONS.has(open) && (
            <div data-testid="result-confirmation" style={{ marginBottom: 12 }}>
              <p style={{ marginTop: 0 }}>{t(`staff.confirm.${open}`)}</p>
              {open !== 'finish' && (
                <p>
                  {t('staff.result.current')}:{' '}
                  {resultFile ? <strong>{resultFile.fileName}</strong> : <em>{t('staff.result.noneShort')}</em>}
                </p>
              )}
            </div>
          )}
          {open === 'approve' && (
            <Form.Item name="opinion" label={t('staff.opinion')} extra={t('staff.opinionHint')}>
              <Input.TextArea rows={3} maxLength={2000} data-testid="approve-opinion" />
            </Form.Item>
          )}
          {open !== null && TOLD_APPLICANT.has(open) && (
            <Form.Item name="message" label={t('citizen.messageToApplicant')} extra={t('citizen.messageHint')}>
              <Input.TextArea rows={2} maxLength={2000} data-testid="message-to-applicant" />
            </Form.Item>
          )}
          {open !== null && (
            <Form.Item name="note" label={t('citizen.internalNote')}>
              <Input.TextArea rows={2} />
            </Form.Item>
          )}
        </Form>
      </Modal>
      {/* Receiving: the checklist with originals/copies and the supplement offer (ReceiveDialog.tsx). */}
      <ReceiveDialog
        open={open === 'receive'}
        dossier={d}
        documents={props.documents}
        onClose={() => setOpen(null)}
        onDone={() => {
          setOpen(null);
          props.onDone();
        }}
      />
    </div>
  );
}

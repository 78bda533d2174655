import { Button, Card, Checkbox, Form, Input, InputNumber, Select, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import type { paths } from '../api/schema';
import { useAllAgencies, useLifeEvents } from '../shared/catalogQueries.ts';

type DraftBody = paths['/api/v1/procedures/{id}/draft']['put']['requestBody']['content']['application/json'];
/** Every field of a version except the e-form and the workflow, which have their own designers. */
export type ProcedureInfo = Pick<
  DraftBody,
  | 'field'
  | 'level'
  | 'channels'
  | 'applicantKinds'
  | 'lifeEvents'
  | 'documents'
  | 'fees'
  | 'legalBasis'
  | 'result'
  | 'onlineLevel'
  | 'source'
  | 'agencyIds'
>;
type Doc = ProcedureInfo['documents'][number];
type Fee = ProcedureInfo['fees'][number];

const LEVELS = ['province', 'district', 'commune'] as const;
const CHANNELS = ['counter', 'online', 'postal'] as const;
const KINDS = ['citizen', 'organization'] as const;
const ONLINE = ['full', 'partial', 'none'] as const;
const RESULT_KINDS = ['licence', 'certificate', 'extract', 'certified_copy', 'decision', 'notice', 'other'] as const;

/** Blank optional text is "not stated" (null), as the API stores it. */
const orNull = (s: string) => (s.trim() === '' ? null : s);

/**
 * The procedure's public record (Decree 63/2010 art. 8: what a published procedure must state —
 * name, sequence, channels, documents, time limit, who applies, who decides, result, fees, legal
 * basis) plus our catalog fields: level, online level (Decree 42/2022 art. 11), life events.
 */
export default function ProcedureInfoForm({
  value,
  onChange,
}: {
  value: ProcedureInfo;
  onChange: (v: ProcedureInfo) => void;
}) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const set = (patch: Partial<ProcedureInfo>) => onChange({ ...value, ...patch });
  const agencies = useAllAgencies();
  const lifeEvents = useLifeEvents();
  const setDoc = (i: number, patch: Partial<Doc>) =>
    set({ documents: value.documents.map((d, j) => (j === i ? { ...d, ...patch } : d)) });
  const setFee = (i: number, patch: Partial<Fee>) =>
    set({ fees: value.fees.map((f, j) => (j === i ? { ...f, ...patch } : f)) });

  return (
    <Card>
      <Form layout="vertical" component="div">
        <div className="form-grid">
          <Form.Item label={t('home.field')} htmlFor="proc-field">
            <Input
              id="proc-field"
              value={value.field.name}
              onChange={(e) => set({ field: { ...value.field, name: e.target.value } })}
            />
          </Form.Item>
          <Form.Item label={t('admin.level')} htmlFor="proc-level">
            <Select
              id="proc-level"
              value={value.level}
              onChange={(level) => set({ level })}
              options={LEVELS.map((l) => ({ value: l, label: t(`levels.${l}`) }))}
            />
          </Form.Item>
          <Form.Item label={t('admin.onlineLevel')} htmlFor="proc-online">
            <Select
              id="proc-online"
              allowClear
              value={value.onlineLevel}
              onChange={(v) => set({ onlineLevel: v ?? null })}
              options={ONLINE.map((l) => ({ value: l, label: t(`admin.online.${l}`) }))}
            />
          </Form.Item>
        </div>
        <div className="form-grid">
          <Form.Item label={t('admin.channels')}>
            <Checkbox.Group
              value={value.channels}
              onChange={(v) => set({ channels: v as ProcedureInfo['channels'] })}
              options={CHANNELS.map((c) => ({ value: c, label: t(`admin.channel.${c}`) }))}
            />
          </Form.Item>
          <Form.Item label={t('admin.applicantKinds')}>
            <Checkbox.Group
              value={value.applicantKinds}
              onChange={(v) => set({ applicantKinds: v as ProcedureInfo['applicantKinds'] })}
              options={KINDS.map((k) => ({ value: k, label: t(`office.walkIn.${k}`) }))}
            />
          </Form.Item>
        </div>
        <Form.Item label={t('home.lifeEvents')} htmlFor="proc-events">
          <Select
            id="proc-events"
            mode="multiple"
            value={value.lifeEvents ?? []}
            onChange={(lifeEvents) => set({ lifeEvents })}
            options={(lifeEvents.data ?? []).map((e) => ({ value: e.code, label: en ? e.nameEn : e.name }))}
          />
        </Form.Item>
        <Form.Item label={t('procedure.agencies')} htmlFor="proc-agencies">
          <Select
            id="proc-agencies"
            mode="multiple"
            optionFilterProp="label"
            value={value.agencyIds}
            onChange={(agencyIds) => set({ agencyIds })}
            options={(agencies.data ?? []).map((a) => ({ value: a.id, label: `${a.name} (${a.code})` }))}
          />
        </Form.Item>
        <div className="form-grid">
          <Form.Item label={t('procedure.result')} htmlFor="proc-result">
            <Input
              id="proc-result"
              value={value.result.name}
              onChange={(e) => set({ result: { ...value.result, name: e.target.value } })}
            />
          </Form.Item>
          <Form.Item label={t('admin.resultKind')} htmlFor="proc-result-kind">
            <Select
              id="proc-result-kind"
              value={value.result.kind}
              onChange={(kind) => set({ result: { ...value.result, kind } })}
              options={RESULT_KINDS.map((k) => ({ value: k, label: t(`admin.resultKinds.${k}`) }))}
            />
          </Form.Item>
        </div>
        <Form.Item label={t('admin.legalBasisLines')} htmlFor="proc-legal">
          <Input.TextArea
            id="proc-legal"
            autoSize={{ minRows: 2, maxRows: 8 }}
            value={value.legalBasis.join('\n')}
            onChange={(e) => set({ legalBasis: e.target.value.split('\n') })}
          />
        </Form.Item>
      </Form>

      <h2 className="section-title">{t('procedure.documents')}</h2>
      <Table
        rowKey={(_d, i) => String(i)}
        size="small"
        pagination={false}
        scroll={{ x: true }}
        dataSource={value.documents}
        columns={[
          {
            title: t('admin.name'),
            render: (_v, d, i) => (
              <Input.TextArea
                aria-label={`${t('procedure.documents')} ${i + 1}`}
                autoSize
                value={d.name}
                onChange={(e) => setDoc(i, { name: e.target.value.replace(/[\r\n]/g, ' ') })}
              />
            ),
          },
          {
            title: t('procedure.original'),
            width: 90,
            render: (_v, d, i) => (
              <InputNumber
                aria-label={`${t('procedure.original')} ${i + 1}`}
                min={0}
                max={100}
                value={d.original}
                onChange={(v) => setDoc(i, { original: v ?? null })}
              />
            ),
          },
          {
            title: t('procedure.copy'),
            width: 90,
            render: (_v, d, i) => (
              <InputNumber
                aria-label={`${t('procedure.copy')} ${i + 1}`}
                min={0}
                max={100}
                value={d.copy}
                onChange={(v) => setDoc(i, { copy: v ?? null })}
              />
            ),
          },
          {
            title: t('admin.requirement'),
            render: (_v, d, i) => (
              <Select
                aria-label={`${t('admin.requirement')} ${i + 1}`}
                value={d.requirement}
                style={{ minWidth: 130 }}
                onChange={(requirement) =>
                  setDoc(i, { requirement, ...(requirement === 'mandatory' ? { condition: null } : {}) })
                }
                options={[
                  { value: 'mandatory', label: t('procedure.mandatory') },
                  { value: 'conditional', label: t('procedure.conditional') },
                ]}
              />
            ),
          },
          {
            title: t('admin.condition'),
            render: (_v, d, i) => (
              <Input
                aria-label={`${t('admin.condition')} ${i + 1}`}
                disabled={d.requirement !== 'conditional'}
                value={d.condition ?? ''}
                onChange={(e) => setDoc(i, { condition: orNull(e.target.value) })}
              />
            ),
          },
          {
            title: '',
            render: (_v, _d, i) => (
              <Button
                danger
                size="small"
                onClick={() => set({ documents: value.documents.filter((_x, j) => j !== i) })}
              >
                {t('admin.remove')}
              </Button>
            ),
          },
        ]}
      />
      <Button
        style={{ marginTop: 8 }}
        onClick={() =>
          set({
            documents: [
              ...value.documents,
              {
                name: '',
                original: 1,
                copy: 0,
                requirement: 'mandatory',
                condition: null,
                templateFile: null,
                templateUrl: null,
              },
            ],
          })
        }
      >
        {t('admin.addDocument')}
      </Button>

      <h2 className="section-title">{t('procedure.fees')}</h2>
      <Table
        rowKey={(_f, i) => String(i)}
        size="small"
        pagination={false}
        scroll={{ x: true }}
        dataSource={value.fees}
        columns={[
          {
            title: t('admin.name'),
            render: (_v, f, i) => (
              <Input
                aria-label={`${t('procedure.fees')} ${i + 1}`}
                value={f.name}
                onChange={(e) => setFee(i, { name: e.target.value })}
              />
            ),
          },
          {
            title: t('admin.amountVnd'),
            width: 160,
            render: (_v, f, i) => (
              <InputNumber
                aria-label={`${t('admin.amountVnd')} ${i + 1}`}
                min={0}
                step={1000}
                style={{ width: '100%' }}
                value={f.amountVnd}
                formatter={(v) =>
                  v === undefined || v === null || String(v) === '' ? '' : Number(v).toLocaleString('vi-VN')
                }
                parser={(v) => Number((v ?? '').replace(/\D/g, '')) as 0}
                onChange={(v) => setFee(i, { amountVnd: v ?? null })}
              />
            ),
          },
          {
            title: t('admin.feeRule'),
            render: (_v, f, i) => (
              <Input
                aria-label={`${t('admin.feeRule')} ${i + 1}`}
                value={f.text ?? ''}
                onChange={(e) => setFee(i, { text: orNull(e.target.value) })}
              />
            ),
          },
          {
            title: '',
            render: (_v, _f, i) => (
              <Button danger size="small" onClick={() => set({ fees: value.fees.filter((_x, j) => j !== i) })}>
                {t('admin.remove')}
              </Button>
            ),
          },
        ]}
      />
      <Button
        style={{ marginTop: 8 }}
        onClick={() => set({ fees: [...value.fees, { name: '', amountVnd: 0, text: null }] })}
      >
        {t('admin.addFee')}
      </Button>
    </Card>
  );
}

/** The info part of a stored version, for the form. */
export function infoOf(v: {
  field: ProcedureInfo['field'];
  level: ProcedureInfo['level'];
  channels: ProcedureInfo['channels'];
  applicantKinds: ProcedureInfo['applicantKinds'];
  lifeEvents?: ProcedureInfo['lifeEvents'];
  documents: ProcedureInfo['documents'];
  fees: ProcedureInfo['fees'];
  legalBasis: string[];
  result: ProcedureInfo['result'];
  onlineLevel: ProcedureInfo['onlineLevel'];
  source: ProcedureInfo['source'];
  agencies: { id: string }[];
}): ProcedureInfo {
  return {
    field: v.field,
    level: v.level,
    channels: v.channels,
    applicantKinds: v.applicantKinds,
    lifeEvents: v.lifeEvents ?? [],
    documents: v.documents,
    fees: v.fees,
    legalBasis: v.legalBasis,
    result: v.result,
    onlineLevel: v.onlineLevel,
    source: v.source,
    agencyIds: v.agencies.map((a) => a.id),
  };
}

/** Blank lines of the legal-basis text area are not legal bases. */
export function cleanInfo(info: ProcedureInfo): ProcedureInfo {
  return { ...info, legalBasis: info.legalBasis.map((l) => l.trim()).filter(Boolean) };
}

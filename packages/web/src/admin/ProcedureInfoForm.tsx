import { useQuery } from '@tanstack/react-query';
import { AutoComplete, Button, Card, Checkbox, Form, Input, InputNumber, Select, Table } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client.ts';
import type { paths } from '../api/schema';
import { useLifeEvents } from '../shared/catalogQueries.ts';
import { AgencyPicker } from './AgencyPicker.tsx';
import { fieldCodeOf, fold, type Issue, messageOf } from './procedureModel.ts';

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
  | 'identityLevel'
  | 'source'
  | 'agencyIds'
>;
type Doc = ProcedureInfo['documents'][number];
type Fee = ProcedureInfo['fees'][number];

/** Two levels of local government since 1 July 2025 (Law on the Organisation of Local Government 2025, art. 1). */
const LEVELS = ['province', 'commune'] as const;
const CHANNELS = ['counter', 'online', 'postal'] as const;
const KINDS = ['citizen', 'organization'] as const;
const ONLINE = ['full', 'partial', 'none'] as const;
/** The least VNeID level to apply online (Decree 69/2024/NĐ-CP art. 12); 0 stands for "not required" (null). */
const IDENTITY_LEVELS = [
  [0, 'none'],
  [1, 'l1'],
  [2, 'l2'],
] as const;
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
  issues = [],
}: {
  value: ProcedureInfo;
  onChange: (v: ProcedureInfo) => void;
  issues?: Issue[];
}) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const set = (patch: Partial<ProcedureInfo>) => onChange({ ...value, ...patch });
  const lifeEvents = useLifeEvents();
  const fields = useQuery({
    queryKey: ['fields'],
    queryFn: async () => ok(await api.GET('/api/v1/fields')).items,
    staleTime: 5 * 60_000,
  });
  /** The messages of the problems at `path` (or under it). */
  const errs = (path: string) =>
    issues.filter((e) => e.path === path || e.path.startsWith(`${path}.`)).map((e) => messageOf(t, e));
  const status = (path: string) => (errs(path).length ? ('error' as const) : undefined);
  /** A labelled field with its problems written under it. */
  const item = (label: string, path: string, node: ReactNode, htmlFor?: string, extra?: string) => (
    <Form.Item
      label={label}
      htmlFor={htmlFor}
      validateStatus={status(path)}
      help={errs(path).length ? errs(path).join('; ') : undefined}
      extra={extra}
    >
      {node}
    </Form.Item>
  );
  /** Problems of one cell of a table row, under its input. */
  const cellErr = (path: string) =>
    errs(path).length ? (
      <div role="alert" style={{ color: '#cf1322', fontSize: 12 }}>
        {errs(path).join('; ')}
      </div>
    ) : null;
  const fieldOptions = (fields.data ?? [])
    .filter((f) => fold(f.name).includes(fold(value.field.name.trim())))
    .map((f) => ({ value: f.name, label: f.name }));
  const setDoc = (i: number, patch: Partial<Doc>) =>
    set({ documents: value.documents.map((d, j) => (j === i ? { ...d, ...patch } : d)) });
  const setFee = (i: number, patch: Partial<Fee>) =>
    set({ fees: value.fees.map((f, j) => (j === i ? { ...f, ...patch } : f)) });

  return (
    <Card>
      <Form layout="vertical" component="div">
        <div className="form-grid">
          {item(
            t('pe.field'),
            'field',
            <AutoComplete
              id="proc-field"
              value={value.field.name}
              options={fieldOptions}
              onChange={(name: string) => {
                const known = fields.data?.find((f) => f.name === name);
                set({ field: { code: known?.code ?? fieldCodeOf(name), name } });
              }}
            />,
            'proc-field',
            t('pe.fieldHint'),
          )}
          {item(
            t('pe.level'),
            'level',
            <Select
              id="proc-level"
              value={value.level}
              onChange={(level) => set({ level })}
              options={[...LEVELS, ...(value.level === 'district' ? (['district'] as const) : [])].map((l) => ({
                value: l,
                label: t(`pe.levels.${l}`),
              }))}
            />,
            'proc-level',
            t('pe.levelHint'),
          )}
          <Form.Item label={t('admin.onlineLevel')} htmlFor="proc-online">
            <Select
              id="proc-online"
              allowClear
              value={value.onlineLevel}
              onChange={(v) => set({ onlineLevel: v ?? null })}
              options={ONLINE.map((l) => ({ value: l, label: t(`admin.online.${l}`) }))}
            />
          </Form.Item>
          {item(
            t('pe.identityLevel'),
            'identityLevel',
            <Select
              id="proc-identity-level"
              data-testid="identity-level"
              value={value.identityLevel ?? 0}
              onChange={(v: 0 | 1 | 2) => set({ identityLevel: v === 0 ? null : v })}
              options={IDENTITY_LEVELS.map(([v, k]) => ({ value: v, label: t(`pe.identityLevels.${k}`) }))}
            />,
            'proc-identity-level',
            t('pe.identityLevelHint'),
          )}
        </div>
        <div className="form-grid">
          {item(
            t('admin.channels'),
            'channels',
            <Checkbox.Group
              aria-label={t('admin.channels')}
              value={value.channels}
              onChange={(v) => set({ channels: v as ProcedureInfo['channels'] })}
              options={CHANNELS.map((c) => ({ value: c, label: t(`admin.channel.${c}`) }))}
            />,
          )}
          {item(
            t('admin.applicantKinds'),
            'applicantKinds',
            <Checkbox.Group
              aria-label={t('admin.applicantKinds')}
              value={value.applicantKinds}
              onChange={(v) => set({ applicantKinds: v as ProcedureInfo['applicantKinds'] })}
              options={KINDS.map((k) => ({ value: k, label: t(`office.walkIn.${k}`) }))}
            />,
          )}
        </div>
        <Form.Item label={t('pe.lifeEvents')} htmlFor="proc-events">
          <Select
            id="proc-events"
            mode="multiple"
            value={value.lifeEvents ?? []}
            onChange={(lifeEvents) => set({ lifeEvents })}
            options={(lifeEvents.data ?? []).map((e) => ({ value: e.code, label: en ? e.nameEn : e.name }))}
          />
        </Form.Item>
        {item(
          t('pe.handlingAgencies'),
          'agencyIds',
          <AgencyPicker
            id="proc-agencies"
            by="id"
            label={t('pe.handlingAgencies')}
            status={status('agencyIds')}
            value={value.agencyIds}
            onChange={(agencyIds: string[]) => set({ agencyIds })}
          />,
          'proc-agencies',
        )}
        <div className="form-grid">
          {item(
            t('pe.resultName'),
            'result',
            <Input
              id="proc-result"
              value={value.result.name}
              status={status('result')}
              onChange={(e) => set({ result: { ...value.result, name: e.target.value } })}
            />,
            'proc-result',
          )}
          <Form.Item label={t('admin.resultKind')} htmlFor="proc-result-kind">
            <Select
              id="proc-result-kind"
              value={value.result.kind}
              onChange={(kind) => set({ result: { ...value.result, kind } })}
              options={RESULT_KINDS.map((k) => ({ value: k, label: t(`admin.resultKinds.${k}`) }))}
            />
          </Form.Item>
        </div>
        {item(
          t('admin.legalBasisLines'),
          'legalBasis',
          <Input.TextArea
            id="proc-legal"
            autoSize={{ minRows: 2, maxRows: 8 }}
            value={value.legalBasis.join('\n')}
            onChange={(e) => set({ legalBasis: e.target.value.split('\n') })}
          />,
          'proc-legal',
        )}
      </Form>

      <h2 className="section-title">{t('procedure.documents')}</h2>
      {cellErr('documents')}
      <Table
        rowKey={(_d, i) => String(i)}
        size="small"
        pagination={false}
        scroll={{ x: true }}
        dataSource={value.documents}
        locale={{ emptyText: t('pe.noDocuments') }}
        columns={[
          {
            title: t('pe.docName'),
            render: (_v, d, i) => (
              <>
                <Input.TextArea
                  aria-label={`${t('procedure.documents')} ${i + 1}`}
                  autoSize
                  style={{ minWidth: 260 }}
                  value={d.name}
                  status={status(`documents.${i}.name`)}
                  onChange={(e) => setDoc(i, { name: e.target.value.replace(/[\r\n]/g, ' ') })}
                />
                {cellErr(`documents.${i}.name`)}
              </>
            ),
          },
          {
            title: t('pe.docOriginal'),
            width: 90,
            render: (_v, d, i) => (
              <>
                <InputNumber
                  aria-label={`${t('procedure.original')} ${i + 1}`}
                  min={0}
                  max={100}
                  precision={0}
                  value={d.original}
                  onChange={(v) => setDoc(i, { original: v ?? null })}
                />
                {cellErr(`documents.${i}.original`)}
              </>
            ),
          },
          {
            title: t('pe.docCopy'),
            width: 90,
            render: (_v, d, i) => (
              <>
                <InputNumber
                  aria-label={`${t('procedure.copy')} ${i + 1}`}
                  min={0}
                  max={100}
                  precision={0}
                  value={d.copy}
                  onChange={(v) => setDoc(i, { copy: v ?? null })}
                />
                {cellErr(`documents.${i}.copy`)}
              </>
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
              <>
                <Input
                  aria-label={`${t('admin.condition')} ${i + 1}`}
                  disabled={d.requirement !== 'conditional'}
                  value={d.condition ?? ''}
                  onChange={(e) => setDoc(i, { condition: orNull(e.target.value) })}
                />
                {cellErr(`documents.${i}.condition`)}
              </>
            ),
          },
          {
            title: '',
            render: (_v, _d, i) => (
              <Button
                danger
                size="small"
                aria-label={`${t('admin.remove')} ${t('procedure.documents')} ${i + 1}`}
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
        locale={{ emptyText: t('pe.noFees') }}
        columns={[
          {
            title: t('pe.feeName'),
            render: (_v, f, i) => (
              <>
                <Input
                  aria-label={`${t('procedure.fees')} ${i + 1}`}
                  style={{ minWidth: 220 }}
                  value={f.name}
                  status={status(`fees.${i}.name`)}
                  onChange={(e) => setFee(i, { name: e.target.value })}
                />
                {cellErr(`fees.${i}.name`)}
              </>
            ),
          },
          {
            title: t('admin.amountVnd'),
            width: 160,
            render: (_v, f, i) => (
              <>
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
                {cellErr(`fees.${i}.amountVnd`)}
              </>
            ),
          },
          {
            title: t('admin.feeRule'),
            render: (_v, f, i) => (
              <>
                <Input
                  aria-label={`${t('admin.feeRule')} ${i + 1}`}
                  value={f.text ?? ''}
                  status={status(`fees.${i}.text`)}
                  onChange={(e) => setFee(i, { text: orNull(e.target.value) })}
                />
                {cellErr(`fees.${i}.text`)}
              </>
            ),
          },
          {
            title: '',
            render: (_v, _f, i) => (
              <Button
                danger
                size="small"
                aria-label={`${t('admin.remove')} ${t('procedure.fees')} ${i + 1}`}
                onClick={() => set({ fees: value.fees.filter((_x, j) => j !== i) })}
              >
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

      <h2 className="section-title">{t('pe.sourceNotes')}</h2>
      <Input.TextArea
        aria-label={t('pe.sourceNotes')}
        autoSize={{ minRows: 2, maxRows: 6 }}
        value={value.source.notes ?? ''}
        onChange={(e) => set({ source: { ...value.source, notes: orNull(e.target.value) } })}
      />
      {cellErr('source')}
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
  identityLevel?: ProcedureInfo['identityLevel'];
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
    identityLevel: v.identityLevel ?? null,
    source: v.source,
    agencyIds: v.agencies.map((a) => a.id),
  };
}

/** Blank lines of the legal-basis text area are not legal bases. */
export function cleanInfo(info: ProcedureInfo): ProcedureInfo {
  return { ...info, legalBasis: info.legalBasis.map((l) => l.trim()).filter(Boolean) };
}

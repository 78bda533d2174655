import { Alert, Button, Card, Checkbox, Input, Select, Space, Table } from 'antd';
import { type Dispatch, lazy, type SetStateAction, Suspense, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Loading } from '../shared/Loading.tsx';
import {
  type EField,
  eFormOf,
  type Issue,
  keyFromTitle,
  messageOf,
  newRowId,
  PREFILL_SOURCES,
  PREFILLABLE,
  type PrefillSource,
} from './procedureModel.ts';

const EForm = lazy(() => import('../shared/EForm.tsx'));

const TYPES: EField['type'][] = ['string', 'number', 'date', 'boolean', 'select'];

/**
 * The e-form designer: one row per box the applicant fills in (label, type, required, choices),
 * in the order of the rows, with the form rendered below exactly as the portal renders it.
 * The box's key is made from its label; administrators never type JSON Schema. A text, date or
 * list box may be filled from the national registers or the VNeID identity ("Điền sẵn từ",
 * issue 17), stored as the e-form's `prefill` map.
 */
export function EFormDesigner({
  fields,
  onChange,
  uiSchema,
  issues,
}: {
  fields: EField[];
  /** A state setter: every edit is applied to the latest rows, never to a render's stale copy. */
  onChange: Dispatch<SetStateAction<EField[]>>;
  uiSchema: Record<string, unknown> | null;
  issues: Issue[];
}) {
  const { t } = useTranslation();
  const form = useMemo(() => eFormOf(fields, uiSchema), [fields, uiSchema]);
  // Updaters, not values: antd's Table keeps cell renderers between renders, so a handler may
  // close over an older `fields` (a label's blur followed by a click on its checkbox lost the tick).
  const set = (i: number, patch: Partial<EField>) =>
    onChange((rows) => rows.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  const move = (i: number, by: -1 | 1) =>
    onChange((rows) => {
      const j = i + by;
      if (j < 0 || j >= rows.length) return rows;
      const copy = [...rows];
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      return copy;
    });
  const general = issues.filter((e) => e.path.startsWith('eForm'));
  const sourceOptions = PREFILL_SOURCES.map((v) => ({ value: v, label: t(`pe.prefillSources.${v}`) }));
  return (
    <Card>
      <p style={{ marginTop: 0 }}>{fields.length ? t('pe.eformIntro') : t('pe.eformNone')}</p>
      {fields.length > 0 && <p style={{ fontSize: 13 }}>{t('pe.prefillHint')}</p>}
      {general.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={general.map((e) => messageOf(t, e)).join('; ')}
        />
      )}
      {fields.length > 0 && (
        <Table
          rowKey={(f) => f.rid}
          size="small"
          pagination={false}
          // Fixed column widths: a key that grows when a label loses focus, or the choices box that
          // appears for a list, must not shift the row under the pointer (a click on "Bắt buộc"
          // right after typing a label was lost when its column moved between press and release).
          tableLayout="fixed"
          scroll={{ x: 1440 }}
          dataSource={fields}
          columns={[
            { title: '#', width: 40, render: (_v, _f, i) => i + 1 },
            {
              title: t('pe.fieldLabel'),
              width: 250,
              render: (_v, f, i) => (
                <Input
                  aria-label={`${t('pe.fieldLabel')} ${i + 1}`}
                  value={f.title}
                  status={f.title.trim() ? undefined : 'warning'}
                  onChange={(e) => set(i, { title: e.target.value })}
                  onBlur={() => {
                    // A new box takes its key from its label once, so saved dossiers keep their keys.
                    if (/^truong\d*$/.test(f.key) && f.title.trim())
                      set(i, {
                        key: keyFromTitle(
                          f.title,
                          fields.filter((_x, j) => j !== i).map((x) => x.key),
                        ),
                      });
                  }}
                />
              ),
            },
            {
              title: t('pe.fieldType'),
              width: 210,
              render: (_v, f, i) => (
                <Select
                  aria-label={`${t('pe.fieldType')} ${i + 1}`}
                  value={f.type}
                  style={{ width: 190 }}
                  onChange={(type) => set(i, { type })}
                  options={TYPES.map((v) => ({ value: v, label: t(`pe.fieldTypes.${v}`) }))}
                />
              ),
            },
            {
              title: t('pe.fieldRequired'),
              width: 90,
              render: (_v, f, i) => (
                <Checkbox
                  aria-label={`${t('pe.fieldRequired')} ${i + 1}`}
                  checked={f.required}
                  onChange={(e) => set(i, { required: e.target.checked })}
                />
              ),
            },
            {
              title: t('pe.fieldOptions'),
              width: 220,
              render: (_v, f, i) =>
                f.type === 'select' ? (
                  <Input
                    aria-label={`${t('pe.fieldOptions')} ${i + 1}`}
                    value={f.options}
                    status={f.options.trim() ? undefined : 'error'}
                    onChange={(e) => set(i, { options: e.target.value })}
                  />
                ) : null,
            },
            {
              title: t('pe.prefill'),
              width: 280,
              render: (_v, f, i) =>
                PREFILLABLE.has(f.type) ? (
                  <Select<PrefillSource[]>
                    mode="multiple"
                    allowClear
                    aria-label={`${t('pe.prefill')} ${i + 1}`}
                    data-testid={`prefill-${f.key}`}
                    placeholder={t('pe.prefillNone')}
                    value={f.prefill ?? []}
                    style={{ width: 260 }}
                    optionFilterProp="label"
                    onChange={(prefill) => set(i, { prefill })}
                    options={sourceOptions}
                  />
                ) : null,
            },
            {
              title: t('pe.fieldKey'),
              width: 170,
              ellipsis: true,
              render: (_v, f) => (
                <code title={f.key} style={{ fontSize: 12, color: '#555' }}>
                  {f.key}
                </code>
              ),
            },
            {
              title: '',
              width: 180,
              render: (_v, _f, i) => (
                <Space size={4}>
                  <Button
                    size="small"
                    aria-label={`↑ ${t('pe.fieldNo', { n: i + 1 })}`}
                    disabled={i === 0}
                    onClick={() => move(i, -1)}
                  >
                    ↑
                  </Button>
                  <Button
                    size="small"
                    aria-label={`↓ ${t('pe.fieldNo', { n: i + 1 })}`}
                    disabled={i === fields.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    ↓
                  </Button>
                  <Button
                    danger
                    size="small"
                    aria-label={`${t('admin.remove')} ${t('pe.fieldNo', { n: i + 1 })}`}
                    onClick={() => onChange((rows) => rows.filter((_x, j) => j !== i))}
                  >
                    {t('admin.remove')}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      )}
      <Button
        style={{ marginTop: 8 }}
        onClick={() =>
          onChange((rows) => [
            ...rows,
            {
              rid: newRowId(),
              key: keyFromTitle(
                'truong',
                rows.map((f) => f.key),
              ),
              title: '',
              type: 'string',
              required: false,
              options: '',
            },
          ])
        }
      >
        {t('pe.addField')}
      </Button>
      {fields.length > 0 && (
        <>
          <h2 className="section-title">{t('pe.eformPreview')}</h2>
          <div style={{ maxWidth: 640, border: '1px solid #d9d9d9', borderRadius: 6, padding: 16 }}>
            <Suspense fallback={<Loading />}>
              <EForm schema={form.schema} uiSchema={form.uiSchema} formData={{}} />
            </Suspense>
          </div>
        </>
      )}
    </Card>
  );
}

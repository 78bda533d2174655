import { Alert, Button, Card, Checkbox, Input, Select, Space, Table } from 'antd';
import { lazy, Suspense, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Loading } from '../shared/Loading.tsx';
import { type EField, eFormOf, type Issue, keyFromTitle, messageOf, newRowId } from './procedureModel.ts';

const EForm = lazy(() => import('../shared/EForm.tsx'));

const TYPES: EField['type'][] = ['string', 'number', 'date', 'boolean', 'select'];

/**
 * The e-form designer: one row per box the applicant fills in (label, type, required, choices),
 * in the order of the rows, with the form rendered below exactly as the portal renders it.
 * The box's key is made from its label; administrators never type JSON Schema.
 */
export function EFormDesigner({
  fields,
  onChange,
  uiSchema,
  issues,
}: {
  fields: EField[];
  onChange: (f: EField[]) => void;
  uiSchema: Record<string, unknown> | null;
  issues: Issue[];
}) {
  const { t } = useTranslation();
  const form = useMemo(() => eFormOf(fields, uiSchema), [fields, uiSchema]);
  const set = (i: number, patch: Partial<EField>) => onChange(fields.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  const move = (i: number, by: -1 | 1) => {
    const j = i + by;
    if (j < 0 || j >= fields.length) return;
    const copy = [...fields];
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    onChange(copy);
  };
  const general = issues.filter((e) => e.path.startsWith('eForm'));
  return (
    <Card>
      <p style={{ marginTop: 0 }}>{fields.length ? t('pe.eformIntro') : t('pe.eformNone')}</p>
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
          scroll={{ x: true }}
          dataSource={fields}
          columns={[
            { title: '#', width: 40, render: (_v, _f, i) => i + 1 },
            {
              title: t('pe.fieldLabel'),
              render: (_v, f, i) => (
                <Input
                  aria-label={`${t('pe.fieldLabel')} ${i + 1}`}
                  style={{ minWidth: 220 }}
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
              render: (_v, f, i) =>
                f.type === 'select' ? (
                  <Input
                    aria-label={`${t('pe.fieldOptions')} ${i + 1}`}
                    style={{ minWidth: 200 }}
                    value={f.options}
                    status={f.options.trim() ? undefined : 'error'}
                    onChange={(e) => set(i, { options: e.target.value })}
                  />
                ) : null,
            },
            {
              title: t('pe.fieldKey'),
              render: (_v, f) => <code style={{ fontSize: 12, color: '#555' }}>{f.key}</code>,
            },
            {
              title: '',
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
                    onClick={() => onChange(fields.filter((_x, j) => j !== i))}
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
          onChange([
            ...fields,
            {
              rid: newRowId(),
              key: keyFromTitle(
                'truong',
                fields.map((f) => f.key),
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

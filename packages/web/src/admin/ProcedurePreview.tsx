import { Alert, Button, Card, Descriptions, Table, Tag } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { fmtVnd } from '../format.ts';
import { useAllAgencies } from '../shared/catalogQueries.ts';
import { Loading } from '../shared/Loading.tsx';
import type { Content } from './procedureModel.ts';

const EForm = lazy(() => import('../shared/EForm.tsx'));

/**
 * The content being edited shown as the portal's procedure page shows a published procedure
 * (same sections, same wording), then the e-form as the applicant will fill it in. Nothing here
 * reads the public API: the draft is not public until it is published.
 */
export function ProcedurePreview({ content }: { content: Content }) {
  const { t } = useTranslation();
  const agencies = useAllAgencies();
  const names = content.agencyIds.map((id) => agencies.data?.find((a) => a.id === id)?.name ?? '').filter(Boolean);
  const online = content.channels.includes('online') && names.length > 0;
  const tl = content.timeLimit;
  const limitText = !tl
    ? t('pe.noLimit')
    : tl.unit === 'text'
      ? (tl.text ?? '')
      : `${(tl.value ?? 0).toLocaleString('vi-VN')} ${t(`pe.units.${tl.unit}`)}`;
  const eForm = content.eForm as { schema: Record<string, unknown>; uiSchema: Record<string, unknown> | null } | null;
  return (
    <Card>
      <Alert type="info" showIcon title={t('pe.previewIntro')} style={{ marginBottom: 16 }} />
      <article aria-label={t('pe.tabs.preview')} style={{ maxWidth: 900 }}>
        <h2 style={{ fontSize: 22, marginTop: 0 }}>{content.name || '—'}</h2>
        <div style={{ marginBottom: 16 }}>
          {online ? (
            <Button type="primary" size="large" tabIndex={-1} aria-disabled>
              {t('pe.previewApply')}
            </Button>
          ) : (
            <Alert type="info" title={t('pe.previewNotOnline')} />
          )}
        </div>
        <Descriptions column={1} bordered size="small" styles={{ label: { width: 200 } }}>
          <Descriptions.Item label={t('pe.field')}>{content.field.name}</Descriptions.Item>
          <Descriptions.Item label={t('pe.level')}>{t(`pe.levels.${content.level}`)}</Descriptions.Item>
          <Descriptions.Item label={t('pe.previewAgencies')}>
            {names.length ? names.join('; ') : t('pe.previewNone')}
          </Descriptions.Item>
          <Descriptions.Item label={t('pe.timeLimit')}>
            {limitText}
            {tl?.text && tl.unit !== 'text' && <div style={{ fontSize: 13, color: '#444' }}>{tl.text}</div>}
          </Descriptions.Item>
          <Descriptions.Item label={t('admin.channels')}>
            {content.channels.map((c) => (
              <Tag key={c}>{t(`admin.channel.${c}`)}</Tag>
            ))}
          </Descriptions.Item>
          <Descriptions.Item label={t('procedure.fees')}>
            {content.fees.length === 0
              ? t('pe.previewFree')
              : content.fees.map((f) => (
                  <div key={`${f.name}-${f.amountVnd}-${f.text}`}>
                    {f.name}:{' '}
                    {f.amountVnd !== null ? (f.amountVnd === 0 ? t('pe.previewFree') : fmtVnd(f.amountVnd)) : f.text}
                  </div>
                ))}
          </Descriptions.Item>
          <Descriptions.Item label={t('pe.resultName')}>{content.result.name}</Descriptions.Item>
        </Descriptions>
        <h3 style={{ fontSize: 18, marginTop: 24 }}>{t('procedure.documents')}</h3>
        <Table
          size="small"
          rowKey={(_d, i) => String(i)}
          pagination={false}
          scroll={{ x: true }}
          dataSource={content.documents}
          locale={{ emptyText: t('pe.noDocuments') }}
          columns={[
            { title: '#', render: (_v, _d, i) => i + 1, width: 40 },
            {
              title: t('pe.docName'),
              render: (_v, d) => (
                <>
                  {d.name}
                  {d.condition && <div style={{ fontSize: 12 }}>{d.condition}</div>}
                </>
              ),
            },
            {
              title: t('pe.docRequirement'),
              render: (_v, d) =>
                d.requirement === 'mandatory' ? t('procedure.mandatory') : t('procedure.conditional'),
            },
            { title: t('pe.docOriginal'), render: (_v, d) => d.original ?? '—' },
            { title: t('pe.docCopy'), render: (_v, d) => d.copy ?? '—' },
          ]}
        />
        {content.legalBasis.filter((l) => l.trim()).length > 0 && (
          <>
            <h3 style={{ fontSize: 18, marginTop: 24 }}>{t('procedure.legalBasis')}</h3>
            <ul>
              {content.legalBasis
                .filter((l) => l.trim())
                .map((l) => (
                  <li key={l}>{l}</li>
                ))}
            </ul>
          </>
        )}
        {eForm && Object.keys((eForm.schema.properties as object | undefined) ?? {}).length > 0 && (
          <>
            <h3 style={{ fontSize: 18, marginTop: 24 }}>{t('pe.eformPreview')}</h3>
            <div style={{ maxWidth: 640, border: '1px solid #d9d9d9', borderRadius: 6, padding: 16 }}>
              <Suspense fallback={<Loading />}>
                <EForm schema={eForm.schema} uiSchema={eForm.uiSchema} formData={{}} />
              </Suspense>
            </div>
          </>
        )}
      </article>
    </Card>
  );
}

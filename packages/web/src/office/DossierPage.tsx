import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Card, Col, Descriptions, Row, Steps, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, ok } from '../api/client.ts';
import { fmtDate, fmtDateTime, pick } from '../format.ts';
import { DossierTimeline } from '../shared/DossierTimeline.tsx';
import { FileUpload } from '../shared/FileUpload.tsx';
import { ErrorText, Loading } from '../shared/Loading.tsx';
import { RemainingTag } from '../shared/Remaining.tsx';
import { useDossier } from '../shared/useDossier.ts';
import { ActionPanel } from './ActionPanel.tsx';
import { FileList } from './FileList.tsx';

/**
 * A dossier for the officer: form data, files with preview, history, remaining time of the step and
 * of the dossier, workflow position, and the actions the step allows.
 */
export default function DossierPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const qc = useQueryClient();
  const { detail, history, files } = useDossier(id);
  const procedureId = detail.data?.procedure.id;
  const procedure = useQuery({
    queryKey: ['procedure', procedureId],
    enabled: !!procedureId,
    queryFn: async () => ok(await api.GET('/api/v1/procedures/{id}', { params: { path: { id: procedureId! } } })),
  });
  if (detail.isLoading) return <Loading />;
  if (detail.error || !detail.data) return <ErrorText error={detail.error} />;
  const d = detail.data;
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['dossier', id] });
    void qc.invalidateQueries({ queryKey: ['queue'] });
    void qc.invalidateQueries({ queryKey: ['queue-counts'] });
  };
  const lang = i18n.language;
  const stepIndex = d.currentStep ? d.workflow.findIndex((s) => s.id === d.currentStep!.id) : -1;
  const schemaProps = (procedure.data?.eForm?.schema?.properties ?? {}) as Record<string, { title?: string }>;
  const canUploadResult =
    d.status === 'processing' || d.status === 'result_ready' || d.availableActions.includes('return_result');

  return (
    <>
      <h1 style={{ fontSize: 22, marginTop: 0 }}>
        {d.code}{' '}
        <Tag color="blue" data-testid="dossier-status">
          {pick(d, lang)}
        </Tag>
        {d.subStatus && <Tag>{pick(d.subStatus, lang)}</Tag>}
      </h1>
      <Card style={{ marginBottom: 16 }}>
        <h2 style={{ fontSize: 16, marginTop: 0 }}>{t('office.actions')}</h2>
        <ActionPanel
          dossier={d}
          files={files.data ?? []}
          documents={procedure.data?.documents ?? []}
          onDone={refresh}
        />
        <div style={{ marginTop: 12, display: 'flex', gap: 16, flexWrap: 'wrap' }} className="no-print">
          {d.receivedAt && (
            <a href={`/api/v1/dossiers/${d.id}/documents/01`} target="_blank" rel="noreferrer" data-testid="receipt">
              {t('office.receipt')}
            </a>
          )}
          {d.receivedAt && (
            <a href={`/api/v1/dossiers/${d.id}/documents/06`} target="_blank" rel="noreferrer">
              {t('office.slip')}
            </a>
          )}
        </div>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card>
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label={t('office.procedure')}>{d.procedure.name}</Descriptions.Item>
              <Descriptions.Item label={t('office.applicant')}>
                {d.applicant.name}
                {d.applicant.idNumber && ` · ${d.applicant.idNumber}`}
                {d.applicant.phone && ` · ${d.applicant.phone}`}
              </Descriptions.Item>
              <Descriptions.Item label={t('my.submittedAt')}>{fmtDateTime(d.submittedAt)}</Descriptions.Item>
              <Descriptions.Item label={t('office.due')}>
                {fmtDate(d.due)} <RemainingTag remaining={d.remaining} />
              </Descriptions.Item>
              {d.currentStep && (
                <Descriptions.Item label={t('office.currentStep')}>
                  {lang === 'en' ? (d.currentStep.name_en ?? d.currentStep.name_vi) : d.currentStep.name_vi}
                  {d.currentStep.agency && ` — ${d.currentStep.agency.name}`}
                  <div>
                    {t('office.stepRemaining')}: <RemainingTag remaining={d.currentStep.remaining} />
                  </div>
                </Descriptions.Item>
              )}
              <Descriptions.Item label={t('office.assignee')}>{d.assignees.main?.name ?? '—'}</Descriptions.Item>
              {d.consultations.length > 0 && (
                <Descriptions.Item label={t('office.consultations')}>
                  {d.consultations.map((c) => (
                    <div key={c.consultationId}>
                      {c.agency?.name ?? c.agencyCode} — {fmtDate(c.due)}
                      {c.childDossierId && (
                        <>
                          {' '}
                          · <Link to={`/office/dossiers/${c.childDossierId}`}>{t('office.childOf')}</Link>
                        </>
                      )}
                    </div>
                  ))}
                </Descriptions.Item>
              )}
              {d.supplement.items.length > 0 && (
                <Descriptions.Item label={t('my.asked')}>{d.supplement.items.join('; ')}</Descriptions.Item>
              )}
            </Descriptions>
          </Card>
          <Card title={t('office.formData')} style={{ marginTop: 16 }}>
            {Object.keys(d.formData).length === 0 ? (
              <p>{t('app.none')}</p>
            ) : (
              <Descriptions column={1} size="small" bordered>
                {Object.entries(d.formData).map(([k, v]) => (
                  <Descriptions.Item key={k} label={schemaProps[k]?.title ?? k}>
                    {typeof v === 'object' ? JSON.stringify(v) : String(v)}
                  </Descriptions.Item>
                ))}
              </Descriptions>
            )}
          </Card>
          <Card title={t('office.files')} style={{ marginTop: 16 }}>
            <FileList files={files.data ?? []} />
            {canUploadResult && (
              <FileUpload
                label={t('office.resultFile')}
                url={`/api/v1/dossiers/${d.id}/attachments`}
                slot="result"
                kind="result"
                testId="result-upload"
                onUploaded={() => void qc.invalidateQueries({ queryKey: ['dossier', id, 'files'] })}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('office.workflow')}>
            <Steps
              direction="vertical"
              size="small"
              current={d.status === 'result_ready' || d.status === 'returned' ? d.workflow.length : stepIndex}
              items={d.workflow.map((s) => ({ title: lang === 'en' ? (s.name_en ?? s.name_vi) : s.name_vi }))}
            />
          </Card>
          <Card title={t('office.history')} style={{ marginTop: 16 }}>
            {history.data && <DossierTimeline items={history.data} />}
          </Card>
        </Col>
      </Row>
    </>
  );
}

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Card, Col, Descriptions, Row, Steps, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, ok } from '../api/client.ts';
import { isOfficerView } from '../api/types.ts';
import { fmtDate, fmtDateTime, pick } from '../format.ts';
import { DossierTimeline } from '../shared/DossierTimeline.tsx';
import { ErrorText, Loading } from '../shared/Loading.tsx';
import { DueStatus, RemainingTag } from '../shared/Remaining.tsx';
import { useDossier } from '../shared/useDossier.ts';
import { ActionPanel } from './ActionPanel.tsx';
import { FileList } from './FileList.tsx';
import { FormDataView } from './FormDataView.tsx';
import { ResultPanel } from './ResultPanel.tsx';
import type { StaffDossier } from './result.ts';

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
  // Staff always get the officers' view; anything else is not a page for this screen.
  if (detail.error || !detail.data || !isOfficerView(detail.data)) return <ErrorText error={detail.error} />;
  const d: StaffDossier = detail.data;
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['dossier', id] });
    void qc.invalidateQueries({ queryKey: ['queue'] });
    void qc.invalidateQueries({ queryKey: ['queue-counts'] });
  };
  const lang = i18n.language;
  const named = (s: { name_vi: string; name_en?: string | null }) => (lang === 'en' ? s.name_en : null) ?? s.name_vi;
  const consultationName = (id: string) => {
    const def = d.currentStep?.consultations.find((c) => c.id === id);
    return def ? named(def) : t('office.consultations');
  };
  // "10 ngày làm việc", never `{ days: 10 }` or `working_days`.
  const limit = d.legalLimit;
  const limitText =
    limit === null
      ? t('staff.noLimit')
      : 'days' in limit
        ? t('staff.limit.working_days', { value: limit.days })
        : 'hours' in limit
          ? t('staff.limit.working_hours', { value: limit.hours })
          : t('staff.limit.calendar_days', { value: limit.calendarDays });
  const stepIndex = d.currentStep ? d.workflow.findIndex((s) => s.id === d.currentStep!.id) : -1;
  // The result document is drafted by the step's handler (then forwarded) or attached where it is
  // approved and confirmed, or returned; not by a consulted agency.
  const STEP_HANDLING = ['forward', 'send_back', 'refuse', 'approve', 'sign', 'finish'];
  const resultStep = !!d.currentStep && d.availableActions.some((a) => STEP_HANDLING.includes(a));
  // After finishing, only the counter adds files (e.g. the scan of what it hands back): a new
  // result file then would bypass the approval of the one confirmed.
  const canUploadResult = (d.status === 'processing' && resultStep) || d.availableActions.includes('return_result');

  return (
    <>
      <h1 style={{ fontSize: 22, marginTop: 0 }}>
        {d.code}{' '}
        <Tag color="blue" data-testid="dossier-status">
          {pick(d, lang)}
        </Tag>
        {/* A sub-status named like its status ("Đang xử lý") is not shown twice. */}
        {d.subStatus && pick(d.subStatus, lang) !== pick(d, lang) && <Tag>{pick(d.subStatus, lang)}</Tag>}
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
              <Descriptions.Item label={t('staff.legalLimit')}>{limitText}</Descriptions.Item>
              <Descriptions.Item label={t('office.due')}>
                {fmtDate(d.due)} <DueStatus dossier={d} />
              </Descriptions.Item>
              {d.currentStep && (
                <Descriptions.Item label={t('office.currentStep')}>
                  {named(d.currentStep)}
                  {d.currentStep.agency && ` — ${d.currentStep.agency.name}`}
                  {' · '}
                  {t(`staff.roles.${d.currentStep.role}`, { defaultValue: t('staff.roles.officer') })}
                  {d.currentStep.remaining && (
                    <div>
                      {t('office.stepRemaining')}: <RemainingTag remaining={d.currentStep.remaining} />
                    </div>
                  )}
                </Descriptions.Item>
              )}
              <Descriptions.Item label={t('office.assignee')}>{d.assignees.main?.name ?? '—'}</Descriptions.Item>
              {d.consultations.length > 0 && (
                <Descriptions.Item label={t('office.consultations')}>
                  {d.consultations.map((c) => (
                    <div key={c.consultationId}>
                      {consultationName(c.consultationId)}: {c.agency?.name ?? c.agencyCode} — {t('office.due')}{' '}
                      {fmtDate(c.due)}
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
              <FormDataView
                data={d.formData}
                schema={procedure.data?.eForm?.schema as never}
                uiSchema={procedure.data?.eForm?.uiSchema}
                verified={d.verifiedFields}
              />
            )}
          </Card>
          <Card title={t('office.files')} style={{ marginTop: 16 }}>
            <FileList files={files.data ?? []} documents={d.documents} />
          </Card>
          {(canUploadResult || d.resultFile) && (
            <Card title={t('staff.result.title')} style={{ marginTop: 16 }}>
              <ResultPanel
                dossier={d}
                files={files.data ?? []}
                canUpload={canUploadResult}
                onUploaded={() => {
                  // The approval offered depends on the file: reload the dossier and its files.
                  void qc.invalidateQueries({ queryKey: ['dossier', id] });
                }}
              />
            </Card>
          )}
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('office.workflow')}>
            <Steps
              direction="vertical"
              size="small"
              current={d.status === 'result_ready' || d.status === 'returned' ? d.workflow.length : stepIndex}
              items={d.workflow.map((s) => ({ title: named(s) }))}
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

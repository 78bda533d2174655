import { Alert, Descriptions, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Attachment } from '../api/types.ts';
import { fmtDateTime } from '../format.ts';
import { FileUpload } from '../shared/FileUpload.tsx';
import { resultAttachment, resultState, type StaffDossier } from './result.ts';

const TONE = { none: undefined, attached: '#595959', approved: '#003eb3', stale: '#ad4e00', confirmed: '#135200' };
const short = (sha: string | undefined) => (sha ? `${sha.slice(0, 12)}…` : '');

/**
 * The result document (văn bản kết quả: giấy chứng nhận, quyết định, văn bản trả lời…) and where
 * it stands: attached, approved (by whom it is the leader's opinion), confirmed — and a warning
 * when the file changed after approval. Digital signatures do not exist yet (issue 18): the
 * confirmation says so.
 */
export function ResultPanel(props: {
  dossier: StaffDossier;
  files: Attachment[];
  canUpload: boolean;
  onUploaded: () => void;
}) {
  const { t } = useTranslation();
  const d = props.dossier;
  const state = resultState(d);
  const file = resultAttachment(d, props.files);
  const step = d.currentStep;
  const needsResult = !!step && (step.actions.includes('approve') || step.actions.includes('sign'));
  return (
    <div data-testid="result-panel">
      {state === 'none' && needsResult && (
        <Alert type="info" showIcon title={t('staff.result.none')} style={{ marginBottom: 12 }} />
      )}
      {state === 'stale' && (
        <Alert type="warning" showIcon title={t('staff.result.stale')} style={{ marginBottom: 12 }} />
      )}
      {file && (
        <Descriptions column={1} size="small" bordered style={{ marginBottom: 12 }}>
          <Descriptions.Item label={t('staff.result.current')}>
            {/* The file itself opens from the list of files above (one link per file). */}
            <strong data-testid="result-file-name">{file.fileName}</strong> · {fmtDateTime(file.uploadedAt)}
            {d.resultFile?.sha256 && (
              <div style={{ fontSize: 12 }}>
                SHA-256: <code>{short(d.resultFile.sha256)}</code>
              </div>
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('staff.result.state')}>
            {/* Solid dark tones: white text on them meets 4.5:1 (WCAG AA). */}
            <Tag color={TONE[state]} data-testid="result-state">
              {t(`staff.result.states.${state}`)}
            </Tag>
          </Descriptions.Item>
          {d.marks?.approved && d.marks.approvalOpinion && (
            <Descriptions.Item label={t('staff.result.opinion')}>
              <span data-testid="approval-opinion">{d.marks.approvalOpinion}</span>
            </Descriptions.Item>
          )}
        </Descriptions>
      )}
      {props.canUpload && (
        <FileUpload
          label={t('office.resultFile')}
          url={`/api/v1/dossiers/${d.id}/attachments`}
          slot="result"
          kind="result"
          testId="result-upload"
          onUploaded={props.onUploaded}
        />
      )}
    </div>
  );
}

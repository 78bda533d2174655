import { App, Button } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * "Hủy bản nháp": asks first (the draft's values and files are deleted for good), then runs
 * `discard` (DELETE /api/v1/drafts/{id}) and `onDone`. A failure is shown, nothing else changes.
 */
export function DiscardDraftButton({
  procedureName,
  discard,
  onDone,
  testId,
}: {
  procedureName: string;
  discard: () => Promise<void>;
  onDone: () => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  return (
    <Button
      danger
      size="small"
      data-testid={testId}
      onClick={() =>
        modal.confirm({
          title: t('apply.discardTitle', { name: procedureName }),
          content: t('apply.discardText'),
          okText: t('apply.discard'),
          okButtonProps: { danger: true },
          cancelText: t('apply.discardKeep'),
          onOk: async () => {
            try {
              await discard();
              message.success(t('apply.discarded'));
              onDone();
            } catch (e) {
              message.error(e instanceof Error ? e.message : String(e));
            }
          },
        })
      }
    >
      {t('apply.discard')}
    </Button>
  );
}

import { Alert, type FormInstance, Modal } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** The frame of an administration form dialog: Save submits the form, the server's refusal on top. */
export function FormDialog({
  title,
  form,
  busy,
  error,
  onClose,
  children,
}: {
  title: string;
  form: FormInstance;
  busy: boolean;
  error: string | null;
  onClose: () => void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      okText={t('app.save')}
      cancelText={t('app.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 12 }} />}
      {children}
    </Modal>
  );
}

import { Alert, Button, Form, Input } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { accountRules } from './accountRules.ts';

/**
 * The one-time code step of registration and of a forgotten password: where the code went, the
 * 6-digit code (and whatever else the step asks, e.g. the new password), submit, start over.
 */
export function CodeStep<V extends { code: string }>(props: {
  /** Where the code was sent. */
  notice: string;
  submitLabel: string;
  busy: boolean;
  onFinish: (values: V) => void;
  onStartOver: () => void;
  /** Fields after the code. */
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const rules = accountRules(t);
  return (
    <Form<V> layout="vertical" onFinish={props.onFinish}>
      <Alert type="info" title={props.notice} style={{ marginBottom: 16 }} />
      <Form.Item name="code" label={t('account.code')} rules={rules.code}>
        <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} autoFocus />
      </Form.Item>
      {props.children}
      <Button type="primary" htmlType="submit" loading={props.busy} block>
        {props.submitLabel}
      </Button>
      <Button type="link" onClick={props.onStartOver} style={{ marginTop: 8 }}>
        {t('account.startOver')}
      </Button>
    </Form>
  );
}

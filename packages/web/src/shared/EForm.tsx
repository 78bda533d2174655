import Form from '@rjsf/antd';
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import type { ComponentProps, Ref } from 'react';

type RjsfForm = ComponentProps<typeof Form>;

/**
 * A procedure's e-form: its JSON Schema rendered by react-jsonschema-form with the Ant Design
 * theme; the server validates the same schema with Ajv on submission. Lives in its own chunk.
 */
export default function EForm(props: {
  schema: Record<string, unknown>;
  uiSchema?: Record<string, unknown> | null;
  formData: Record<string, unknown>;
  onChange?: (data: Record<string, unknown>) => void;
  onSubmit?: (data: Record<string, unknown>) => void;
  formRef?: Ref<unknown>;
  readonly?: boolean;
  children?: RjsfForm['children'];
}) {
  return (
    <Form
      ref={props.formRef as RjsfForm['ref']}
      schema={props.schema as RJSFSchema}
      uiSchema={(props.uiSchema ?? {}) as UiSchema}
      formData={props.formData}
      validator={validator}
      readonly={props.readonly}
      showErrorList={false}
      liveValidate={false}
      onChange={(e) => props.onChange?.((e.formData ?? {}) as Record<string, unknown>)}
      onSubmit={(e) => props.onSubmit?.((e.formData ?? {}) as Record<string, unknown>)}
    >
      {props.children ?? <span />}
    </Form>
  );
}

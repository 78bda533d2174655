import { eformErrorOf, eformErrorText, eformValidate, renderableUiSchema } from '@motcua/core/eform/index';
import Form from '@rjsf/antd';
import {
  englishStringTranslator,
  type RJSFSchema,
  type RJSFValidationError,
  TranslatableString,
  type UiSchema,
  type ValidatorType,
  type WidgetProps,
} from '@rjsf/utils';
import processRawValidationErrors from '@rjsf/validator-ajv8/lib/processRawValidationErrors.js';
import { DatePicker, Select } from 'antd';
import dayjs from 'dayjs';
import { type ComponentProps, type Ref, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import './EForm.css';

type RjsfForm = ComponentProps<typeof Form>;

/**
 * The e-form check: core eformValidate, which gives Ajv's errors for the keywords the e-forms use
 * (eforms.test.ts compares it with the server's Ajv on every seeded form). rjsf's own Ajv
 * validator cannot run here: Ajv compiles schemas with `new Function`, which the portal's
 * Content-Security-Policy forbids. The errors then go through rjsf's usual processing.
 */
const validator: ValidatorType = {
  rawValidation: <R,>(schema: unknown, formData: unknown) => ({ errors: eformValidate(schema, formData) as R[] }),
  isValid: (schema, formData) => eformValidate(schema, formData).length === 0,
  validateFormData(formData, schema, customValidate, transformErrors, uiSchema) {
    return processRawValidationErrors(
      validator,
      { errors: eformValidate(schema, formData) as never[] },
      formData,
      schema,
      customValidate,
      transformErrors,
      uiSchema,
    );
  },
};

/** Texts rjsf shows itself (array buttons…), in Vietnamese when Vietnamese is chosen. */
const VI_STRINGS: Partial<Record<TranslatableString, string>> = {
  [TranslatableString.ArrayItemTitle]: 'Dòng',
  [TranslatableString.EmptyArray]: 'Chưa có dòng nào. Bấm nút bên dưới để thêm.',
  [TranslatableString.YesLabel]: 'Có',
  [TranslatableString.NoLabel]: 'Không',
  [TranslatableString.CloseLabel]: 'Đóng',
  [TranslatableString.ErrorsLabel]: 'Lỗi',
  [TranslatableString.AddButton]: 'Thêm',
  [TranslatableString.AddItemButton]: 'Thêm dòng',
  [TranslatableString.CopyButton]: 'Sao chép',
  [TranslatableString.MoveDownButton]: 'Chuyển xuống',
  [TranslatableString.MoveUpButton]: 'Chuyển lên',
  [TranslatableString.RemoveButton]: 'Xóa',
  [TranslatableString.ClearLabel]: 'Xóa',
  [TranslatableString.ClearButton]: 'Xóa nội dung',
  [TranslatableString.AriaDateLabel]: 'Chọn ngày',
  [TranslatableString.OptionalObjectAdd]: 'Thêm thông tin',
  [TranslatableString.OptionalObjectRemove]: 'Bỏ thông tin',
  [TranslatableString.OptionalObjectEmptyMsg]: 'Chưa có thông tin',
};

/**
 * A select without a blank choice: a required one shows only the official options (nothing is
 * chosen until the applicant chooses, and "nothing" cannot be submitted: the required check
 * says so); an optional one can be cleared.
 */
function SelectWidget(props: WidgetProps) {
  const { t } = useTranslation();
  const { id, value, required, disabled, readonly, options, onChange, onBlur, onFocus, placeholder, multiple } = props;
  const choices = (options.enumOptions ?? []).map((o) => ({ value: o.value as string, label: String(o.label) }));
  return (
    <Select
      id={id}
      value={value ?? undefined}
      mode={multiple ? 'multiple' : undefined}
      options={choices}
      allowClear={!required}
      showSearch={{ optionFilterProp: 'label' }}
      placeholder={placeholder || t('eform.choose')}
      disabled={disabled || readonly}
      onChange={(v) => onChange(v ?? options.emptyValue)}
      onBlur={() => onBlur(id, value)}
      onFocus={() => onFocus(id, value)}
      style={{ width: '100%' }}
      aria-required={required}
    />
  );
}

/** Dates shown and typed as dd/MM/yyyy, stored as ISO yyyy-MM-dd (JSON Schema `format: date`). */
function DateWidget(props: WidgetProps) {
  const { id, value, required, disabled, readonly, onChange, onBlur, onFocus } = props;
  return (
    <DatePicker
      id={id}
      format="DD/MM/YYYY"
      placeholder="dd/mm/yyyy"
      value={value ? dayjs(value as string, 'YYYY-MM-DD') : null}
      onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : undefined)}
      onBlur={() => onBlur(id, value)}
      onFocus={() => onFocus(id, value)}
      disabled={disabled || readonly}
      allowClear={!required}
      style={{ width: '100%' }}
      aria-required={required}
    />
  );
}

const WIDGETS = { SelectWidget, DateWidget };

/** Long texts (1 000 characters or more allowed) get a text area unless the uiSchema says otherwise. */
function withTextareas(schema: unknown, ui: Record<string, unknown>): Record<string, unknown> {
  const s = schema as { properties?: Record<string, unknown>; items?: unknown; maxLength?: number; type?: unknown };
  const out: Record<string, unknown> = { ...ui };
  if (s.type === 'string' && (s.maxLength ?? 0) >= 1000 && out['ui:widget'] === undefined)
    out['ui:widget'] = 'textarea';
  for (const [k, child] of Object.entries(s.properties ?? {})) {
    const next = withTextareas(child, (ui[k] as Record<string, unknown>) ?? {});
    if (Object.keys(next).length) out[k] = next;
  }
  if (s.items && typeof s.items === 'object' && !Array.isArray(s.items)) {
    const next = withTextareas(s.items, (ui.items as Record<string, unknown>) ?? {});
    if (Object.keys(next).length) out.items = next;
  }
  return out;
}

/**
 * A procedure's e-form: its JSON Schema rendered by react-jsonschema-form with the Ant Design
 * theme, fields in the designed order (`ui:order`), errors in the chosen language naming the field
 * by its title (core eformErrorText, the same words as the server's). Lives in its own chunk.
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
  const { i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const uiSchema = useMemo(
    () => withTextareas(props.schema, renderableUiSchema(props.schema, props.uiSchema)),
    [props.schema, props.uiSchema],
  );
  const transformErrors = (errors: RJSFValidationError[]) =>
    errors.map((e) => {
      const text = eformErrorText(eformErrorOf(e), props.schema)[lang];
      return { ...e, message: text, stack: text };
    });
  const translateString = (s: TranslatableString, params?: string[]) =>
    lang === 'vi' && VI_STRINGS[s] ? VI_STRINGS[s]! : englishStringTranslator(s, params);
  return (
    <div className="motcua-eform">
      <Form
        ref={props.formRef as RjsfForm['ref']}
        schema={props.schema as RJSFSchema}
        uiSchema={uiSchema as UiSchema}
        formData={props.formData}
        validator={validator}
        widgets={WIDGETS}
        transformErrors={transformErrors}
        translateString={translateString}
        readonly={props.readonly}
        showErrorList={false}
        liveValidate={false}
        onChange={(e) => props.onChange?.((e.formData ?? {}) as Record<string, unknown>)}
        onSubmit={(e) => props.onSubmit?.((e.formData ?? {}) as Record<string, unknown>)}
      >
        {props.children ?? <span />}
      </Form>
    </div>
  );
}

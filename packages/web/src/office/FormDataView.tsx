import { Descriptions } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** The part of a JSON Schema the officer's reading of an e-form needs. */
type Schema = {
  title?: string;
  type?: string | string[];
  format?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  oneOf?: { const?: unknown; title?: string }[];
  anyOf?: { const?: unknown; title?: string }[];
};

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The applicant's e-form values as an officer reads them: fields by their titles in the form's
 * order, dates as dd/MM/yyyy, yes/no, a choice by its label, nested groups as lines — never a
 * field's key or raw JSON.
 */
export function FormDataView({ data, schema }: { data: Record<string, unknown>; schema?: Schema | null }) {
  const { t } = useTranslation();
  const props = schema?.properties ?? {};
  const keys = [...Object.keys(props).filter((k) => k in data), ...Object.keys(data).filter((k) => !(k in props))];

  function value(v: unknown, s: Schema | undefined): ReactNode {
    if (v === null || v === undefined || v === '') return '—';
    const choice = [...(s?.oneOf ?? []), ...(s?.anyOf ?? [])].find((o) => o.const === v);
    if (choice?.title) return choice.title;
    if (typeof v === 'boolean') return v ? t('app.yes') : t('app.no');
    if (typeof v === 'string') {
      const m = ISO_DATE.exec(v);
      return m ? `${m[3]}/${m[2]}/${m[1]}` : v;
    }
    if (typeof v === 'number') return new Intl.NumberFormat('vi-VN').format(v);
    if (Array.isArray(v)) {
      // biome-ignore lint/suspicious/noArrayIndexKey: a read-only list of values, never reordered
      return v.map((x, i) => <div key={i}>{value(x, s?.items)}</div>);
    }
    if (typeof v === 'object') {
      const sub = s?.properties ?? {};
      return Object.entries(v as Record<string, unknown>).map(([k, x]) => (
        <div key={k}>
          {sub[k]?.title ?? k}: {value(x, sub[k])}
        </div>
      ));
    }
    return String(v);
  }

  return (
    <Descriptions column={1} size="small" bordered>
      {keys.map((k) => (
        <Descriptions.Item key={k} label={props[k]?.title ?? k}>
          {value(data[k], props[k])}
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

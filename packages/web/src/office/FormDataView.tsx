import { Descriptions, Tag } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import '../shared/identityMessages.ts';

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

/** Where a verified value came from (dossier `verifiedFields`); `account` is the applicant's own word, not verified. */
export type VerifiedOrigin = 'vneid' | 'population_register' | 'business_registry' | 'account';
const VERIFIED = new Set<VerifiedOrigin>(['vneid', 'population_register', 'business_registry']);

/** "Đã xác thực: CSDL dân cư": the value came from VNeID or a national register, the applicant could not change it. */
export function VerifiedTag({ origin }: { origin: VerifiedOrigin | undefined }) {
  const { t } = useTranslation();
  if (!origin || !VERIFIED.has(origin)) return null;
  return (
    <Tag
      data-testid="verified-tag"
      data-origin={origin}
      style={{ color: '#135200', background: '#f6ffed', borderColor: '#b7eb8f' }}
    >
      {t(`identity.verified.${origin}`)}
    </Tag>
  );
}

/**
 * The applicant's e-form values as an officer reads them: fields by their titles in the form's
 * order, dates as dd/MM/yyyy, yes/no, a choice by its label, nested groups as lines — never a
 * field's key or raw JSON. A value verified by VNeID or a national register (`verified`, by field
 * path: `name` or `group.name`) carries a tag saying so.
 */
export function FormDataView({
  data,
  schema,
  uiSchema,
  verified = {},
}: {
  data: Record<string, unknown>;
  schema?: Schema | null;
  /** The form's `ui:order` (the official form's order; the stored schema's own order is not kept). */
  uiSchema?: Record<string, unknown> | null;
  verified?: Partial<Record<string, VerifiedOrigin>>;
}) {
  const { t } = useTranslation();
  const props = schema?.properties ?? {};
  const order = Array.isArray(uiSchema?.['ui:order']) ? (uiSchema['ui:order'] as string[]) : [];
  const inForm = [...order.filter((k) => k in props), ...Object.keys(props).filter((k) => !order.includes(k))];
  const keys = [...inForm.filter((k) => k in data), ...Object.keys(data).filter((k) => !(k in props))];

  function value(v: unknown, s: Schema | undefined, path = ''): ReactNode {
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
          {sub[k]?.title ?? k}: {value(x, sub[k], `${path}.${k}`)} <VerifiedTag origin={verified[`${path}.${k}`]} />
        </div>
      ));
    }
    return String(v);
  }

  return (
    <Descriptions column={1} size="small" bordered>
      {keys.map((k) => (
        <Descriptions.Item key={k} label={props[k]?.title ?? k}>
          {value(data[k], props[k], k)} <VerifiedTag origin={verified[k]} />
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

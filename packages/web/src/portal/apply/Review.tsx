import { Button, Descriptions, Grid } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { OriginTag } from './PrefillNotice.tsx';
import type { DraftFile, DraftState } from './useApplyDraft.ts';
import type { Marks } from './usePrefill.ts';

type SchemaNode = {
  title?: string;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  enum?: unknown[];
  oneOf?: { const?: unknown; title?: string }[];
  format?: string;
};

/** Keys of an object node in the designed order (`ui:order`), then the rest. */
function orderedKeys(node: SchemaNode | undefined, ui: Record<string, unknown> | undefined, data: object): string[] {
  const declared = Object.keys(node?.properties ?? {});
  const extra = Object.keys(data).filter((k) => !declared.includes(k));
  const all = [...declared, ...extra];
  const order = Array.isArray(ui?.['ui:order']) ? (ui!['ui:order'] as unknown[]) : [];
  const listed = order.filter((k): k is string => typeof k === 'string' && all.includes(k));
  return [...listed, ...all.filter((k) => !listed.includes(k))];
}

/** One answer as a person reads it: dates dd/MM/yyyy, yes/no, choices by their title. */
function answerText(v: unknown, node: SchemaNode | undefined, yes: string, no: string): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? yes : no;
  if (typeof v === 'string' && node?.format === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const [y, m, d] = v.split('-');
    return `${d}/${m}/${y}`;
  }
  const choice = node?.oneOf?.find((o) => o.const === v);
  if (choice?.title) return choice.title;
  if (typeof v === 'number') return new Intl.NumberFormat('vi-VN').format(v);
  if (Array.isArray(v)) return v.map((x) => answerText(x, node?.items, yes, no)).join('; ');
  return String(v);
}

/** A labelled row of the review. */
type ReviewRow = { key: string; label: string; value: ReactNode };

/**
 * Flatten the e-form answers into labelled rows ("Mẹ › Họ và tên"), in the form's order; a value
 * prefilled from VNeID or a register carries its origin tag, as on the form.
 */
function answerRows(
  data: Record<string, unknown>,
  node: SchemaNode | undefined,
  ui: Record<string, unknown> | undefined,
  prefix: string,
  yes: string,
  no: string,
  marks: Marks,
  pathPrefix = '',
): ReviewRow[] {
  return orderedKeys(node, ui, data).flatMap((k) => {
    const child = node?.properties?.[k];
    const label = `${prefix}${child?.title ?? k}`;
    const path = `${pathPrefix}${k}`;
    const v = data[k];
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return answerRows(
        v as Record<string, unknown>,
        child,
        ui?.[k] as Record<string, unknown> | undefined,
        `${label} › `,
        yes,
        no,
        marks,
        `${path}.`,
      );
    }
    const text = answerText(v, child, yes, no);
    const mark = marks[path];
    const value = mark ? (
      <span key={path} data-testid="review-prefilled" data-path={path}>
        {text}
        <br />
        <OriginTag mark={mark} />
      </span>
    ) : (
      text
    );
    return [{ key: `${prefix}${k}`, label, value }];
  });
}

/** One titled block of the review: labelled rows and a link back to the step they came from. */
function ReviewSection(props: { title: string; onEdit: () => void; rows: ReviewRow[]; first?: boolean }) {
  const { t } = useTranslation();
  // On a phone the label goes above its value: side by side, the value column is a few letters wide.
  const wide = Grid.useBreakpoint().md ?? true;
  return (
    <Descriptions
      title={<h2 style={{ fontSize: 18, margin: 0 }}>{props.title}</h2>}
      extra={
        <Button type="link" size="small" onClick={props.onEdit} style={{ padding: 0 }}>
          {t('apply.edit')}
        </Button>
      }
      column={1}
      bordered
      size="small"
      layout={wide ? 'horizontal' : 'vertical'}
      styles={{ label: wide ? { width: '40%' } : undefined }}
      style={props.first ? undefined : { marginTop: 16 }}
    >
      {props.rows.map((r) => (
        <Descriptions.Item key={r.key} label={r.label}>
          {r.value}
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

/**
 * The review step: everything the citizen entered, as it will be sent — applicant, contact
 * details, residence, the chosen unit, every e-form answer, the files of each document.
 */
export function Review(props: {
  applicant: { name: string; idNumber: string };
  contact: { phone: string; email: string; address: string; residence: string };
  unit: string | null;
  state: DraftState;
  eForm: { schema: Record<string, unknown>; uiSchema: Record<string, unknown> | null } | null;
  documents: { name: string; requirement: string }[];
  files: Record<string, DraftFile[]>;
  /** Fields prefilled from VNeID, a register or the account (path → origin, locked). */
  marks?: Marks;
  onEdit: (step: number) => void;
}) {
  const { t } = useTranslation();
  const answers = props.eForm
    ? answerRows(
        props.state.formData,
        props.eForm.schema as SchemaNode,
        props.eForm.uiSchema ?? undefined,
        '',
        t('app.yes'),
        t('app.no'),
        props.marks ?? {},
      )
    : [];
  const dash = (s: string) => (s.trim() === '' ? '—' : s);
  const contact: ReviewRow[] = [
    { key: 'applicant', label: t('apply.applicant'), value: props.applicant.name },
    { key: 'idNumber', label: t('apply.idNumber'), value: props.applicant.idNumber },
    { key: 'phone', label: t('apply.phone'), value: dash(props.contact.phone) },
    { key: 'email', label: t('apply.email'), value: dash(props.contact.email) },
    { key: 'address', label: t('apply.address'), value: dash(props.contact.address) },
    { key: 'commune', label: t('apply.commune'), value: dash(props.contact.residence) },
    {
      key: 'unit',
      label: t('apply.unit'),
      value: <span data-testid="review-unit">{props.unit ?? t('apply.unitMissing')}</span>,
    },
  ];
  const attached: ReviewRow[] = props.documents.map((d, i) => ({
    key: d.name,
    label: `${i + 1}. ${d.name}${d.requirement === 'mandatory' ? ` (${t('procedure.mandatory')})` : ''}`,
    value: (props.files[`doc-${i}`] ?? []).map((f) => f.fileName).join(', ') || t('apply.notAttached'),
  }));
  return (
    <div data-testid="review">
      <ReviewSection title={t('apply.contact')} onEdit={() => props.onEdit(0)} rows={contact} first />
      {props.eForm && <ReviewSection title={t('apply.answers')} onEdit={() => props.onEdit(0)} rows={answers} />}
      <ReviewSection title={t('apply.attached')} onEdit={() => props.onEdit(1)} rows={attached} />
    </div>
  );
}

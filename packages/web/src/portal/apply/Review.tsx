import { Button, Descriptions, Grid } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DraftFile, DraftState } from './useApplyDraft.ts';

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

type Row = { key: string; label: string; value: string };

/** Flatten the e-form answers into labelled rows ("Mẹ › Họ và tên"), in the form's order. */
function answerRows(
  data: Record<string, unknown>,
  node: SchemaNode | undefined,
  ui: Record<string, unknown> | undefined,
  prefix: string,
  yes: string,
  no: string,
): Row[] {
  return orderedKeys(node, ui, data).flatMap((k) => {
    const child = node?.properties?.[k];
    const label = `${prefix}${child?.title ?? k}`;
    const v = data[k];
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return answerRows(
        v as Record<string, unknown>,
        child,
        ui?.[k] as Record<string, unknown> | undefined,
        `${label} › `,
        yes,
        no,
      );
    }
    return [{ key: `${prefix}${k}`, label, value: answerText(v, child, yes, no) }];
  });
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
  onEdit: (step: number) => void;
}) {
  const { t } = useTranslation();
  // On a phone the label goes above its value: side by side, the value column is a few letters wide.
  const wide = Grid.useBreakpoint().md ?? true;
  const layout = wide ? ('horizontal' as const) : ('vertical' as const);
  const labelStyle = wide ? { width: '40%' } : undefined;
  const rows = props.eForm
    ? answerRows(
        props.state.formData,
        props.eForm.schema as SchemaNode,
        props.eForm.uiSchema ?? undefined,
        '',
        t('app.yes'),
        t('app.no'),
      )
    : [];
  const dash = (s: string) => (s.trim() === '' ? '—' : s);
  const edit = (step: number) => (
    <Button type="link" size="small" onClick={() => props.onEdit(step)} style={{ padding: 0 }}>
      {t('apply.edit')}
    </Button>
  );
  return (
    <div data-testid="review">
      <Descriptions
        title={<h2 style={{ fontSize: 18, margin: 0 }}>{t('apply.contact')}</h2>}
        extra={edit(0)}
        column={1}
        bordered
        size="small"
        layout={layout}
        styles={{ label: labelStyle }}
      >
        <Descriptions.Item label={t('apply.applicant')}>{props.applicant.name}</Descriptions.Item>
        <Descriptions.Item label={t('apply.idNumber')}>{props.applicant.idNumber}</Descriptions.Item>
        <Descriptions.Item label={t('apply.phone')}>{dash(props.contact.phone)}</Descriptions.Item>
        <Descriptions.Item label={t('apply.email')}>{dash(props.contact.email)}</Descriptions.Item>
        <Descriptions.Item label={t('apply.address')}>{dash(props.contact.address)}</Descriptions.Item>
        <Descriptions.Item label={t('apply.commune')}>{dash(props.contact.residence)}</Descriptions.Item>
        <Descriptions.Item label={t('apply.unit')}>
          <span data-testid="review-unit">{props.unit ?? t('apply.unitMissing')}</span>
        </Descriptions.Item>
      </Descriptions>
      {props.eForm && (
        <Descriptions
          title={<h2 style={{ fontSize: 18, margin: 0 }}>{t('apply.answers')}</h2>}
          extra={edit(0)}
          column={1}
          bordered
          size="small"
          layout={layout}
          styles={{ label: labelStyle }}
          style={{ marginTop: 16 }}
        >
          {rows.map((r) => (
            <Descriptions.Item key={r.key} label={r.label}>
              {r.value}
            </Descriptions.Item>
          ))}
        </Descriptions>
      )}
      <Descriptions
        title={<h2 style={{ fontSize: 18, margin: 0 }}>{t('apply.attached')}</h2>}
        extra={edit(1)}
        column={1}
        bordered
        size="small"
        layout={layout}
        styles={{ label: labelStyle }}
        style={{ marginTop: 16 }}
      >
        {props.documents.map((d, i) => (
          <Descriptions.Item
            key={d.name}
            label={`${i + 1}. ${d.name}${d.requirement === 'mandatory' ? ` (${t('procedure.mandatory')})` : ''}`}
          >
            {(props.files[`doc-${i}`] ?? []).map((f) => f.fileName).join(', ') || t('apply.notAttached')}
          </Descriptions.Item>
        ))}
      </Descriptions>
    </div>
  );
}

import { Checkbox, InputNumber, Tag } from 'antd';
import { useTranslation } from 'react-i18next';

/** A document of the procedure as the counter checks it (GET /procedures/:id `documents`). */
export type ProcedureDocument = {
  name: string;
  requirement?: 'mandatory' | 'conditional' | string;
  condition?: string | null;
  original?: number | null;
  copy?: number | null;
};

/** One line of the checklist: ticked or not, and how many originals and copies were received. */
export type CheckRow = {
  name: string;
  mandatory: boolean;
  condition: string | null;
  checked: boolean;
  original: number;
  copy: number;
};

/**
 * The rows for a dossier: its frozen version's documents (`names`, the server checks against
 * those) with what the published procedure says of each (mandatory, how many originals/copies).
 */
export function initialRows(documents: ProcedureDocument[], names?: string[]): CheckRow[] {
  const list = names?.length ? names.map((n) => documents.find((d) => d.name === n) ?? { name: n }) : documents;
  return list.map((d) => {
    const original = d.original ?? 0;
    const copy = d.copy ?? 0;
    return {
      name: d.name,
      mandatory: d.requirement === 'mandatory',
      condition: d.condition ?? null,
      checked: false,
      original: original + copy === 0 ? 1 : original,
      copy,
    };
  });
}

/** Mandatory components not (properly) checked: receiving is refused until there are none. */
export function missingOf(rows: CheckRow[]): string[] {
  return rows.filter((r) => r.mandatory && !(r.checked && r.original + r.copy > 0)).map((r) => r.name);
}

/** The checklist of the receive command (Decree 118/2025 art. 17(3); form 01 prints it). */
export function checklistOf(rows: CheckRow[]): { name: string; original: number; copy: number }[] {
  return rows
    .filter((r) => r.checked && r.original + r.copy > 0)
    .map((r) => ({ name: r.name, original: r.original, copy: r.copy }));
}

/**
 * The reception checklist: each component with a tick, its requirement, and the number of
 * originals and copies received (what the receipt, form 01, will list).
 */
export function ReceptionChecklist(props: { rows: CheckRow[]; onChange: (rows: CheckRow[]) => void }) {
  const { t } = useTranslation();
  const set = (i: number, patch: Partial<CheckRow>) =>
    props.onChange(props.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <table className="reception-checklist" data-testid="reception-checklist">
      <caption style={{ textAlign: 'left', fontWeight: 600, marginBottom: 4 }}>{t('counter.checklistTitle')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('counter.document')}</th>
          <th scope="col">{t('counter.original')}</th>
          <th scope="col">{t('counter.copy')}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r, i) => (
          <tr key={r.name} data-mandatory={r.mandatory}>
            <td>
              <Checkbox checked={r.checked} onChange={(e) => set(i, { checked: e.target.checked })}>
                {r.name}{' '}
                {r.mandatory ? (
                  <Tag color="red">{t('counter.mandatory')}</Tag>
                ) : (
                  <Tag>{r.condition ? `${t('counter.conditional')}: ${r.condition}` : t('counter.conditional')}</Tag>
                )}
              </Checkbox>
            </td>
            <td>
              <InputNumber
                min={0}
                max={100}
                size="small"
                style={{ width: 64 }}
                value={r.original}
                disabled={!r.checked}
                aria-label={`${t('counter.original')}: ${r.name}`}
                onChange={(v) => set(i, { original: v ?? 0 })}
              />
            </td>
            <td>
              <InputNumber
                min={0}
                max={100}
                size="small"
                style={{ width: 64 }}
                value={r.copy}
                disabled={!r.checked}
                aria-label={`${t('counter.copy')}: ${r.name}`}
                onChange={(v) => set(i, { copy: v ?? 0 })}
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

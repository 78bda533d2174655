import { TreeSelect } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useAllAgencies } from '../shared/catalogQueries.ts';
import { fold } from './procedureModel.ts';

type Node = { value: string; title: string; search: string; children: Node[] };

/**
 * Choose agencies by name in the province's tree (departments with their divisions, communes…),
 * typing without accents. The value is the agency's id (handling agencies) or its code (a
 * workflow step's agency, which the definition names by code).
 */
export function AgencyPicker({
  id,
  label,
  by,
  value,
  onChange,
  status,
  width,
}: {
  id?: string;
  label: string;
  by: 'id' | 'code';
  /** An array: choose several; a string (or undefined): choose one. */
  value: string[] | string | undefined;
  onChange: ((v: string[]) => void) | ((v: string) => void);
  status?: 'error';
  width?: number | string;
}) {
  const { t } = useTranslation();
  const agencies = useAllAgencies();
  const tree = useMemo(() => {
    const list = agencies.data ?? [];
    const nodes = new Map<string, Node>();
    for (const a of list) {
      const key = by === 'id' ? a.id : a.code;
      nodes.set(a.id, { value: key, title: a.name, search: fold(`${a.name} ${a.code}`), children: [] });
    }
    const roots: Node[] = [];
    for (const a of list) {
      const n = nodes.get(a.id)!;
      const parent = a.parentId ? nodes.get(a.parentId) : undefined;
      if (parent) parent.children.push(n);
      else roots.push(n);
    }
    return roots;
  }, [agencies.data, by]);
  const multiple = Array.isArray(value);
  return (
    <TreeSelect
      id={id}
      aria-label={label}
      style={{ width: width ?? '100%' }}
      status={status}
      loading={agencies.isLoading}
      treeData={tree}
      value={value}
      multiple={multiple}
      treeDefaultExpandedKeys={tree.map((n) => n.value)}
      placeholder={t('pe.agencySearch')}
      showSearch={{
        filterTreeNode: (input, node) => (node as unknown as Node).search.includes(fold(input.trim())),
      }}
      popupMatchSelectWidth={false}
      listHeight={320}
      onChange={(v: string | string[]) => (onChange as (x: string | string[]) => void)(v)}
      allowClear={multiple}
    />
  );
}

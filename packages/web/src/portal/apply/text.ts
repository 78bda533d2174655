/**
 * Accent- and case-insensitive matching for the wizard's pickers, as the server's search does
 * (unaccent + lower): "hai chau" finds "Phường Hải Châu", "DA NANG" finds "Đà Nẵng". NFD input
 * (combining marks, as some keyboards send) folds the same way.
 */
export function foldText(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** antd Select `showSearch.filterOption`: every typed word appears in the option's label. */
export function foldedFilter(input: string, option?: { label?: unknown }): boolean {
  const label = foldText(String(option?.label ?? ''));
  return foldText(input)
    .split(' ')
    .every((w) => label.includes(w));
}

/**
 * Vietnamese text is stored NFC (DESIGN.md "Text"). Browsers and some keyboards (macOS, older
 * Unikey settings) send NFD — "đăng ký" as base letters plus combining marks — which would neither
 * compare equal nor search right. Normalize every string at the edge, keys included.
 */
export function normalizeNfc<T>(value: T, depth = 0): T {
  if (depth > 64) return value; // bounded: pathological nesting is rejected by validation anyway
  if (typeof value === 'string') return value.normalize('NFC') as T;
  if (Array.isArray(value)) return value.map((v) => normalizeNfc(v, depth + 1)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k.normalize('NFC')] = normalizeNfc(v, depth + 1);
    return out as T;
  }
  return value;
}

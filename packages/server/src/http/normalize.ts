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

/**
 * Whether a string anywhere in the value (keys included) holds text PostgreSQL cannot store:
 * U+0000 (refused by text and jsonb) or an unpaired UTF-16 surrogate (`"\ud800"` in JSON: not a
 * character; jsonb refuses its escape). Such input is refused at the edge (a 400), not in SQL (a 500).
 */
export function hasUnstorableText(value: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (typeof value === 'string') return !storable(value);
  if (Array.isArray(value)) return value.some((v) => hasUnstorableText(v, depth + 1));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).some(([k, v]) => !storable(k) || hasUnstorableText(v, depth + 1));
  return false;
}

const storable = (s: string) => !s.includes('\u0000') && s.isWellFormed();

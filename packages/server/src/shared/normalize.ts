/** How deeply a request body may nest (objects and arrays): far above any form, far below a stack. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether `value` nests deeper than `limit` levels. Iterative, so a body of 100,000 nested arrays
 * is measured without a deep stack; everything below the limit is then normalized and checked at
 * every depth by the recursive functions below.
 */
export function nestsDeeperThan(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * Vietnamese text is stored NFC (DESIGN.md "Text"). Browsers and some keyboards (macOS, older
 * Unikey settings) send NFD — "đăng ký" as base letters plus combining marks — which would neither
 * compare equal nor search right. Normalize every string at the edge, keys included.
 */
export function normalizeNfc<T>(value: T, depth = 0): T {
  if (depth > MAX_JSON_DEPTH) return value; // unreachable for request bodies: deeper ones are refused first (app.ts)
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
  if (depth > MAX_JSON_DEPTH) return false;
  if (typeof value === 'string') return !storable(value);
  if (Array.isArray(value)) return value.some((v) => hasUnstorableText(v, depth + 1));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).some(([k, v]) => !storable(k) || hasUnstorableText(v, depth + 1));
  return false;
}

const storable = (s: string) => !s.includes('\u0000') && s.isWellFormed();

/**
 * A fill of an e-form generated from its JSON Schema: every field (or only the required ones)
 * with a value the schema accepts. For tests and the catalog's preview; it understands the
 * keywords the e-forms use (type, properties, required, enum, const, format date/email, the
 * KNOWN_PATTERNS, min/max, minLength/maxLength, items/minItems).
 */
type Node = {
  type?: string | string[];
  properties?: Record<string, Node>;
  required?: string[];
  items?: Node;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  default?: unknown;
};

/** One value per known pattern (the keys of KNOWN_PATTERNS in messages.ts). */
const PATTERN_SAMPLES: Record<string, string> = {
  '^[0-9]{12}$': '048090001234',
  '^0[0-9]{9}$': '0905123456',
  '^[0-9]{10}(-[0-9]{3})?$': '0401234567',
  '^[0-9]{4}$': '1990',
  '^([01][0-9]|2[0-3]):[0-5][0-9]$': '14:30',
};

const FORMAT_SAMPLES: Record<string, string> = {
  date: '2026-01-15',
  'date-time': '2026-01-15T08:30:00+07:00',
  time: '08:30:00',
  email: 'nguyen.van.an@example.vn',
  uri: 'https://example.vn/',
};

export function sampleFill(schema: unknown, opts: { requiredOnly?: boolean } = {}): Record<string, unknown> {
  const v = sampleValue(schema as Node, opts.requiredOnly ?? false);
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function sampleValue(node: Node, requiredOnly: boolean): unknown {
  if (node.const !== undefined) return node.const;
  if (node.default !== undefined) return node.default;
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[0];
  const type = Array.isArray(node.type) ? node.type.find((t) => t !== 'null') : node.type;
  switch (type ?? (node.properties ? 'object' : 'string')) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set(node.required ?? []);
      for (const [k, child] of Object.entries(node.properties ?? {})) {
        if (requiredOnly && !required.has(k)) continue;
        out[k] = sampleValue(child, requiredOnly);
      }
      return out;
    }
    case 'array': {
      const n = Math.max(node.minItems ?? 0, requiredOnly ? (node.minItems ?? 0) : 1);
      return Array.from({ length: n }, () => sampleValue(node.items ?? {}, requiredOnly));
    }
    case 'integer':
    case 'number': {
      const low = node.minimum ?? (node.exclusiveMinimum !== undefined ? node.exclusiveMinimum + 1 : 1);
      return node.maximum !== undefined ? Math.min(low, node.maximum) : low;
    }
    case 'boolean':
      return true;
    default: {
      if (node.pattern && node.pattern in PATTERN_SAMPLES) {
        return PATTERN_SAMPLES[node.pattern];
      }
      if (node.format && node.format in FORMAT_SAMPLES) return FORMAT_SAMPLES[node.format];
      let s = 'Nội dung mẫu';
      while (s.length < (node.minLength ?? 0)) s += ' mẫu';
      return node.maxLength !== undefined ? s.slice(0, Math.max(node.maxLength, node.minLength ?? 0)) : s;
    }
  }
}

/**
 * Prefilling an e-form from what the national registers and the electronic identity say about the
 * applicant (issue 17; Decision 1565/QĐ-TTg: the form filled from national databases, not typed
 * again). A procedure's e-form declares which field takes which register fact (`EForm.prefill`,
 * set by an administrator in the designer); this module maps the facts onto the fields, in the
 * field's own format, and names the fields whose value is verified (the applicant may not change
 * them). Pure: the server fetches the facts, logs the reads and stores the result.
 */

/** The facts a field can take, by register. */
export const PREFILL_SOURCES = [
  'person.fullName',
  'person.personalId',
  'person.dateOfBirth',
  'person.birthYear',
  'person.sex',
  'person.nationality',
  'person.ethnicity',
  'person.permanentResidence',
  'person.currentResidence',
  'person.householdHeadName',
  'person.householdHeadPersonalId',
  'person.relationToHead',
  'person.spouseName',
  'person.fatherName',
  'person.motherName',
  'business.name',
  'business.taxCode',
  'business.headOfficeAddress',
  'business.legalRepresentative',
  'contact.phone',
  'contact.email',
] as const;
export type PrefillSource = (typeof PREFILL_SOURCES)[number];

/** Where a value came from: the sign-in identity, the population DB, the business registry, the account. */
export type FactOrigin = 'vneid' | 'population_register' | 'business_registry' | 'account';
export const FACT_ORIGINS: readonly FactOrigin[] = ['vneid', 'population_register', 'business_registry', 'account'];

/** A fact with its origin; `verified` facts lock the field they fill (contact details do not). */
export type Fact = { value: string; origin: FactOrigin; verified: boolean };
export type Facts = Partial<Record<PrefillSource, Fact>>;

/**
 * field path ("name" or "group.name") → the fact it takes, or facts in order of preference (the
 * first one present that fits): e.g. a land user's name is the business's for an organization,
 * the person's otherwise.
 */
export type PrefillMap = Record<string, PrefillSource | PrefillSource[]>;
const sourcesOf = (s: PrefillSource | readonly PrefillSource[]): readonly PrefillSource[] =>
  typeof s === 'string' ? [s] : s;

type Node = { type?: unknown; enum?: unknown; pattern?: unknown; format?: unknown; properties?: Record<string, Node> };

/** The schema node at a dotted path, or undefined. */
export function fieldAt(schema: unknown, path: string): Node | undefined {
  let node = schema as Node | undefined;
  for (const key of path.split('.')) {
    const props = node?.properties;
    if (!props || !Object.hasOwn(props, key)) return undefined;
    node = props[key];
  }
  return node;
}

/** Paths of the mapping that name no string field of the schema (the designer refuses them). */
export function invalidPrefillPaths(schema: unknown, map: PrefillMap): string[] {
  return Object.entries(map)
    .filter(
      ([path, source]) =>
        fieldAt(schema, path)?.type !== 'string' ||
        sourcesOf(source).length === 0 ||
        !sourcesOf(source).every((x) => PREFILL_SOURCES.includes(x)),
    )
    .map(([path]) => path);
}

/** The fact written as the field expects it: the sex as one of the field's options, a date ISO… */
function fitted(node: Node, source: PrefillSource, value: string): string | undefined {
  let v = value.normalize('NFC').trim();
  if (source === 'person.sex') {
    const options = Array.isArray(node.enum) ? (node.enum as unknown[]).map(String) : ['Nam', 'Nữ'];
    const wanted = v === 'male' ? 'Nam' : v === 'female' ? 'Nữ' : v;
    v = options.find((o) => o.toLowerCase() === wanted.toLowerCase()) ?? '';
  }
  if (v === '') return undefined;
  if (Array.isArray(node.enum) && !(node.enum as unknown[]).includes(v)) return undefined;
  if (node.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) return undefined;
  if (typeof node.pattern === 'string' && !new RegExp(node.pattern, 'u').test(v)) return undefined;
  return v;
}

export type Prefill = {
  /** field path → value to put in the form. */
  values: Record<string, string>;
  /** field path → where its value came from. */
  origins: Record<string, FactOrigin>;
  /** The paths the applicant may not change (verified facts). */
  locked: string[];
};

/** Map the facts onto the form. A fact missing, or not fitting the field, leaves the field to type. */
export function prefillForm(schema: unknown, map: PrefillMap, facts: Facts): Prefill {
  const out: Prefill = { values: {}, origins: {}, locked: [] };
  for (const [path, sources] of Object.entries(map)) {
    const node = fieldAt(schema, path);
    if (node?.type !== 'string') continue;
    for (const source of sourcesOf(sources)) {
      const fact = facts[source];
      const v = fact && fitted(node, source, fact.value);
      if (!fact || v === undefined) continue;
      out.values[path] = v;
      out.origins[path] = fact.origin;
      if (fact.verified) out.locked.push(path);
      break;
    }
  }
  return out;
}

/** The value at a dotted path of form data (undefined when a group on the way is missing). */
export const valueAt = (data: Record<string, unknown>, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), data);

/** The form data with the values set at their paths (nested groups created as needed). */
export function withValues(data: Record<string, unknown>, values: Record<string, string>): Record<string, unknown> {
  const out = structuredClone(data);
  for (const [path, value] of Object.entries(values)) {
    const keys = path.split('.');
    let o = out;
    for (const k of keys.slice(0, -1)) {
      const next = o[k];
      o[k] = next && typeof next === 'object' && !Array.isArray(next) ? next : {};
      o = o[k] as Record<string, unknown>;
    }
    o[keys.at(-1)!] = value;
  }
  return out;
}

/** The locked paths whose value in `data` is no longer the verified one (NFC-compared). */
export function changedVerifiedFields(data: Record<string, unknown>, verified: Record<string, string>): string[] {
  return Object.entries(verified)
    .filter(([path, value]) => {
      const now = valueAt(data, path);
      return typeof now !== 'string' || now.normalize('NFC').trim() !== value.normalize('NFC').trim();
    })
    .map(([path]) => path);
}

/** Which registers a map reads from: only those are asked (no personal data read for nothing). */
export function registersNeeded(map: PrefillMap): { person: boolean; business: boolean } {
  const all = Object.values(map).flatMap(sourcesOf);
  return { person: all.some((s) => s.startsWith('person.')), business: all.some((s) => s.startsWith('business.')) };
}

/**
 * Field order of an e-form. PostgreSQL's jsonb keeps an object's keys sorted by length and bytes,
 * not in the order written, so the order of `properties` does not survive storage; arrays do.
 * The order therefore travels as rjsf's `ui:order` array in the uiSchema, for the form and for
 * every nested object.
 */

type Obj = Record<string, unknown>;
type SchemaNode = { type?: unknown; properties?: Record<string, SchemaNode>; items?: unknown };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The uiSchema to store: `ui:order` set, for the form and each nested object (arrays: their item
 * object), from the order of the schema's `properties` as received — unless the uiSchema already
 * has one, which is kept (the designer sends it).
 */
export function withFieldOrder(schema: unknown, uiSchema: Obj | null | undefined): Obj | null {
  const out = orderNode(schema as SchemaNode, uiSchema ?? {});
  return Object.keys(out).length === 0 ? (uiSchema ?? null) : out;
}

function orderNode(node: SchemaNode | undefined, ui: Obj): Obj {
  if (!isObj(node)) return ui;
  const result: Obj = { ...ui };
  if (isObj(node.properties)) {
    const keys = Object.keys(node.properties);
    if (!Array.isArray(result['ui:order']) && keys.length > 1) result['ui:order'] = keys;
    for (const k of keys) {
      const child = orderNode(node.properties[k], isObj(result[k]) ? (result[k] as Obj) : {});
      if (Object.keys(child).length > 0) result[k] = child;
    }
  }
  if (isObj(node.items)) {
    const child = orderNode(node.items as SchemaNode, isObj(result.items) ? (result.items as Obj) : {});
    if (Object.keys(child).length > 0) result.items = child;
  }
  return result;
}

/** The keys of the form (or a nested object) in their designed order: `ui:order` first, then any left out. */
export function orderedKeys(properties: Obj, uiOrder: unknown): string[] {
  const keys = Object.keys(properties);
  if (!Array.isArray(uiOrder)) return keys;
  const listed = uiOrder.filter((k): k is string => typeof k === 'string' && keys.includes(k));
  return [...listed, ...keys.filter((k) => !listed.includes(k))];
}

/**
 * A uiSchema rjsf accepts whatever an administrator stored: each `ui:order` reduced to the
 * properties that exist, with the others after them (rjsf refuses an order naming an unknown
 * property or missing one without '*').
 */
export function renderableUiSchema(schema: unknown, uiSchema: Obj | null | undefined): Obj {
  return fixNode(schema as SchemaNode, uiSchema ?? {});
}

function fixNode(node: SchemaNode | undefined, ui: Obj): Obj {
  if (!isObj(node)) return ui;
  const result: Obj = { ...ui };
  if (isObj(node.properties)) {
    if (Array.isArray(ui['ui:order'])) result['ui:order'] = orderedKeys(node.properties, ui['ui:order']);
    for (const k of Object.keys(node.properties)) {
      if (isObj(ui[k])) result[k] = fixNode(node.properties[k], ui[k] as Obj);
    }
  }
  if (isObj(node.items) && isObj(ui.items)) result.items = fixNode(node.items as SchemaNode, ui.items as Obj);
  return result;
}

/**
 * The lean form of a tool's JSON Schemas for tools/list. Every definition is paid for in every
 * conversation, so we publish what a model needs to call correctly (argument names, types, enums,
 * defaults, bounds, descriptions) and leave the rest to the server-side zod validation, which still
 * runs on every call and names the argument that is wrong.
 *
 * Pure functions over the JSON Schema that zod derives from the one record per tool.
 */
import { compactFilterSchema } from '../../thruk/filter-schema.js';

export type JsonSchema = { [key: string]: unknown };

/** Checks on lengths and key names: sanity limits that teach a model nothing about a correct call. */
const STRING_CHECKS = ['minLength', 'maxLength', 'pattern', 'format', 'propertyNames', 'minItems', 'maxItems'] as const;
/** Bounds beyond this are sanity limits against abuse, not advice: they are not published. */
const SANITY_BOUND = 1000;

const isObject = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);

function refTarget(root: JsonSchema, ref: unknown): JsonSchema | undefined {
  if (typeof ref !== 'string' || !ref.startsWith('#/$defs/')) return undefined;
  const defs = root.$defs;
  const target = isObject(defs) ? defs[ref.slice('#/$defs/'.length)] : undefined;
  return isObject(target) ? target : undefined;
}

/** The allowed fields when `node` is the structured filter (a leaf/group union), else undefined. */
function filterFields(node: JsonSchema): string[] | undefined {
  const branches = node.anyOf;
  if (!Array.isArray(branches) || branches.length !== 2) return undefined;
  const [leaf, group] = branches as unknown[];
  if (!isObject(leaf) || !isObject(group) || !isObject(leaf.properties) || !isObject(group.properties)) return undefined;
  const field = leaf.properties.field;
  if (!isObject(field) || !Array.isArray(field.enum) || !('conditions' in group.properties)) return undefined;
  return field.enum.filter((f): f is string => typeof f === 'string');
}

/** One argument: string checks and sanity bounds dropped; the filter grammar in its compact form. */
function leanProperty(root: JsonSchema, prop: JsonSchema): JsonSchema {
  const target = refTarget(root, prop.$ref);
  const fields = target !== undefined ? filterFields(target) : filterFields(prop);
  if (fields !== undefined) return compactFilterSchema(fields, typeof prop.description === 'string' ? prop.description : undefined);
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(prop)) {
    if ((STRING_CHECKS as readonly string[]).includes(k)) continue;
    if ((k === 'maximum' || k === 'minimum') && typeof v === 'number' && Math.abs(v) > SANITY_BOUND) continue;
    // A count or size below 0 (or 1) is obviously wrong; the validation error says so if asked.
    if (k === 'minimum' && (v === 0 || v === 1)) continue;
    // An omitted flag is off and an omitted offset is 0 without being told.
    if (k === 'default' && (v === false || v === 0)) continue;
    // An enum already says its type.
    if (k === 'type' && Array.isArray(prop.enum)) continue;
    if ((k === 'items' || k === 'additionalProperties') && isObject(v)) out[k] = leanProperty(root, v);
    else if (k === 'anyOf' && Array.isArray(v))
      Object.assign(out, leanUnion((v as unknown[]).map((b): unknown => (isObject(b) ? leanProperty(root, b) : b))));
    else if (k === 'properties' && isObject(v)) out.properties = mapValues(v, (p) => leanProperty(root, p));
    else if (k === 'additionalProperties' && v === false) continue;
    else out[k] = v;
  }
  return out;
}

/**
 * A union of bare types (`string | number`) becomes one anyOf branch per type, flattened: never a
 * `type` list, which the Inspector's strict mode warns about and some clients reject (issue 15).
 */
function leanUnion(branches: unknown[]): JsonSchema {
  const types: string[] = [];
  for (const b of branches) {
    if (!isObject(b) || Object.keys(b).some((k) => k !== 'type'))
      return {
        anyOf: branches.flatMap((x) =>
          isObject(x) && Array.isArray(x.anyOf) && Object.keys(x).length === 1 ? (x.anyOf as unknown[]) : [x],
        ),
      };
    if (typeof b.type === 'string') types.push(b.type);
    else if (Array.isArray(b.type)) types.push(...b.type.filter((t): t is string => typeof t === 'string'));
    else return { anyOf: branches };
  }
  return { anyOf: [...new Set(types)].map((type) => ({ type })) };
}

function mapValues(o: JsonSchema, f: (v: JsonSchema) => JsonSchema): JsonSchema {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, isObject(v) ? f(v) : v]));
}

/**
 * The published inputSchema. Deprecated arguments are still accepted but not offered any more.
 * `additionalProperties: false` is left out (the record stays strict:
 * an unknown argument is refused with the list of valid ones); `$defs` go once the filter is
 * inlined in its compact form.
 */
export function leanInputSchema(full: JsonSchema): JsonSchema & { type: 'object' } {
  const out: JsonSchema & { type: 'object' } = { type: 'object' };
  const props = isObject(full.properties) ? full.properties : {};
  const published = Object.fromEntries(Object.entries(props).filter(([, p]) => !(isObject(p) && p.deprecated === true)));
  out.properties = mapValues(published, (p) => leanProperty(full, p));
  const required = Array.isArray(full.required) ? full.required.filter((r) => typeof r === 'string' && r in published) : [];
  if (required.length > 0) out.required = required;
  return out;
}

/**
 * The published outputSchema: an object, nothing more. Clients hand the model only the name,
 * description and inputSchema, so every further word here is paid for in every tools/list without
 * helping a call; even the top-level property names with their types cost 4 700 tokens over the
 * catalog (a third of the 15 000 budget). Every exact structuredContent validates against it; the
 * full schema stays in the record and docs/tools.md lists what each tool returns.
 */
export function leanOutputSchema(full: JsonSchema): JsonSchema & { type: 'object' } {
  if (full.type !== 'object') throw new Error('a tool output schema must describe an object');
  return { type: 'object' };
}

export interface PublishedAnnotations {
  readOnlyHint: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint: false;
}

/**
 * The annotations as published: the title is the tool's own top-level `title`; for a read tool
 * destructiveHint/idempotentHint are left out, as the spec gives them meaning only when
 * readOnlyHint is false, and idempotentHint is stated only when true (its default is false).
 * destructiveHint and openWorldHint are always stated on a write (their defaults are true).
 */
export function leanAnnotations(full: {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}): PublishedAnnotations {
  if (full.readOnlyHint) return { readOnlyHint: true, openWorldHint: false };
  return {
    readOnlyHint: false,
    destructiveHint: full.destructiveHint,
    ...(full.idempotentHint ? { idempotentHint: true } : {}),
    openWorldHint: false,
  };
}

/**
 * `thruk-mcp call`'s arguments: key=value pairs typed by the tool's own input schema (so a string
 * argument stays a string, `comment=42` included), `call TOOL --help`, and near-name suggestions.
 */
import { fullSchemas } from '../tools/core/adapter.js';
import { closest } from '../tools/lib/closest.js';
import type { ToolDef } from '../tools/core/define.js';

type Schema = Record<string, unknown>;

const isObj = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

function deref(s: Schema, root: Schema): Schema {
  const ref = s.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/$defs/')) {
    const defs = isObj(root.$defs) ? root.$defs : {};
    const target = defs[ref.slice('#/$defs/'.length)];
    if (isObj(target)) return { ...target, ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== '$ref')) };
  }
  return s;
}

/** The JSON types a value may take under this schema ('any' when the schema does not say). */
export function jsonTypes(schema: Schema, root: Schema = schema): Set<string> {
  const s = deref(schema, root);
  const out = new Set<string>();
  const t = s.type;
  for (const x of Array.isArray(t) ? t : t !== undefined ? [t] : []) if (typeof x === 'string') out.add(x);
  for (const v of [...(Array.isArray(s.enum) ? (s.enum as unknown[]) : []), ...('const' in s ? [s.const] : [])])
    out.add(v === null ? 'null' : typeof v);
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
    const members = s[k];
    if (Array.isArray(members)) for (const m of members) if (isObj(m)) for (const x of jsonTypes(m, root)) out.add(x);
  }
  if (out.size === 0) out.add('any');
  return out;
}

function typeOfValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function accepts(types: Set<string>, v: unknown): boolean {
  const t = typeOfValue(v);
  if (types.has('any') || types.has(t)) return true;
  return t === 'number' && types.has('integer') && Number.isInteger(v);
}

/** One value typed by its schema: JSON when its JSON type fits, else the text itself for a string, else a comma list for an array. */
export function coerceValue(raw: string, schema: Schema | undefined, root: Schema): unknown {
  const types = schema !== undefined ? jsonTypes(schema, root) : new Set(['any']);
  let parsed: unknown;
  let parsedOk = false;
  try {
    parsed = JSON.parse(raw);
    parsedOk = true;
  } catch {
    parsedOk = false;
  }
  // A string argument takes the text as typed, even when it looks like a number or `true`.
  if (types.has('string') && !(parsedOk && typeOfValue(parsed) !== 'string' && accepts(types, parsed) && !types.has('any'))) return raw;
  if (parsedOk && accepts(types, parsed)) return parsed;
  if (types.has('array') && schema !== undefined) {
    const s = deref(schema, root);
    const items = isObj(s.items) ? s.items : undefined;
    return raw === '' ? [] : raw.split(',').map((x) => coerceValue(x.trim(), items, root));
  }
  // Let the tool's own validation name what was expected.
  return parsedOk ? parsed : raw;
}

/** key=value pairs → arguments typed by the tool's input schema. Throws on a pair without `=`. */
export function typedArgs(pairs: readonly string[], def: ToolDef): Record<string, unknown> {
  const root = fullSchemas(def).input;
  const props = isObj(root.properties) ? root.properties : {};
  const args: Record<string, unknown> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new Error(`expected key=value, got '${p}'`);
    const key = p.slice(0, i);
    const prop = props[key];
    args[key] = coerceValue(p.slice(i + 1), isObj(prop) ? prop : undefined, root);
  }
  return args;
}

/** The message for a tool name that does not exist, with the nearest names. */
export function unknownToolMessage(name: string, names: readonly string[]): string {
  const near = closest(name.startsWith('thruk_') ? name : `thruk_${name}`, names, 3);
  return `unknown tool '${name}'${near.length > 0 ? `; did you mean ${near.map((n) => `'${n}'`).join(' or ')}?` : ''} Run 'thruk-mcp tools' to list them.`;
}

function typeText(prop: Schema, root: Schema): string {
  const s = deref(prop, root);
  if (Array.isArray(s.enum)) return `one of ${s.enum.map(String).join('|')}`;
  const types = [...jsonTypes(s, root)].filter((t) => t !== 'null');
  if (types.includes('array') && types.length === 1) {
    const items = isObj(s.items) ? typeText(s.items, root) : 'value';
    return `list of ${items} (a,b or JSON)`;
  }
  if (types.length === 1 && types[0] === 'object') return 'JSON object';
  let t = types.includes('any') ? 'any (JSON or text)' : types.join('|');
  const min = typeof s.minimum === 'number' ? s.minimum : undefined;
  const max = typeof s.maximum === 'number' ? s.maximum : undefined;
  if (min !== undefined || max !== undefined) t += ` ${min ?? ''}..${max ?? ''}`;
  return t;
}

/** A value the schema accepts, for the example lines: enum's first, the minimum, required keys of objects. */
function exampleOf(key: string, prop: Schema, root: Schema, depth = 0): unknown {
  const s = deref(prop, root);
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if ('const' in s) return s.const;
  const union = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined;
  const first: unknown = union?.[0];
  if (isObj(first) && depth < 5) return exampleOf(key, first, root, depth + 1);
  const types = jsonTypes(s, root);
  if (types.has('string')) return key === 'host' ? 'web-01' : key === 'service' ? 'HTTP' : key.toUpperCase();
  if (types.has('integer') || types.has('number')) return typeof s.minimum === 'number' && s.minimum > 0 ? s.minimum : 1;
  if (types.has('boolean')) return true;
  if (types.has('array')) return isObj(s.items) && depth < 5 ? [exampleOf(key, s.items, root, depth + 1)] : [];
  if (types.has('object') && depth < 5) {
    const props = isObj(s.properties) ? s.properties : {};
    const req = Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : [];
    return Object.fromEntries(req.map((k) => [k, isObj(props[k]) ? exampleOf(k, props[k], root, depth + 1) : null]));
  }
  return null;
}

const asPair = (k: string, v: unknown) => `${k}=${typeof v === 'string' ? v : `'${JSON.stringify(v)}'`}`;

/** `call TOOL --help`: what the tool does, each argument with type, default and meaning, and an example. */
export function toolHelp(def: ToolDef): string {
  const root = fullSchemas(def).input;
  const props = Object.entries(isObj(root.properties) ? root.properties : {}).filter(
    (e): e is [string, Schema] => isObj(e[1]) && e[1].deprecated !== true,
  );
  const required = new Set(Array.isArray(root.required) ? root.required.filter((r): r is string => typeof r === 'string') : []);
  const rows = props.map(([k, p]) => {
    const s = deref(p, root);
    const desc = typeof p.description === 'string' ? p.description : typeof s.description === 'string' ? s.description : '';
    const meta = [
      typeText(p, root),
      required.has(k) ? 'required' : 'default' in p ? `default ${JSON.stringify(p.default)}` : 'optional',
    ].join(', ');
    return [k, meta, desc] as const;
  });
  const w0 = Math.max(4, ...rows.map((r) => r[0].length));
  const w1 = Math.max(4, ...rows.map((r) => r[1].length));
  const example = Object.fromEntries(props.filter(([k]) => required.has(k)).map(([k, p]) => [k, exampleOf(k, p, root)]));
  const lines = [
    `${def.name} — ${def.title} (toolset ${def.toolset}, ${def.access})`,
    '',
    def.description,
    '',
    rows.length > 0 ? 'Arguments:' : 'No arguments.',
    ...rows.map(([k, m, d]) => `  ${k.padEnd(w0)}  ${m.padEnd(w1)}  ${d}`.trimEnd()),
    '',
    'Example:',
    `  thruk-mcp call ${def.name}${Object.entries(example)
      .map(([k, v]) => ` ${asPair(k, v)}`)
      .join('')}`,
    `  thruk-mcp call ${def.name} --json '${JSON.stringify(example)}'`,
    '',
    'key=value is typed by the argument: numbers and true/false where the argument is one, text as typed',
    'for a text argument (comment=42 stays "42"), lists as a,b or JSON, objects as JSON.',
    def.access !== 'read' ? 'A write shows its plan with dry_run=true and is carried out with confirm=true.' : '',
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

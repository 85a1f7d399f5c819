/**
 * Property-based fuzzing kit: arguments for every registered tool derived from its JSON Schema,
 * hostile strings and numbers mixed in, structured filters over the simulator's estate, and a
 * reference evaluator that says which objects a structured filter means.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { z } from 'zod';
import type { Simulator } from '../../src/sim/index.js';
import type { HostRecord, ServiceRecord } from '../../src/sim/index.js';
import type { ToolDef } from '../../src/tools/define.js';
import { allTools } from '../../src/tools/registry.js';
import type { CallResult } from './harness.js';
import { recordingWrap, rig, type Answered, type Rig } from './rig.js';
import { demoConfig } from './config.js';

// ------------------------------------------------------------------ hostile values

export const HOSTILE_STRINGS: readonly string[] = [
  "'", '"', '\\', '\n', '\r\n', '\0', 'a\0b', '~~', ';', '"; DROP', "it's", 'say "hi"', 'back\\slash', 'x\\"y', "x\\'y",
  ') or (name != "', "') or name ~~ '.*", 'a ~~ b', 'name[ne]=x', 'q=', '%2F..%2F', '../..', '.', '..', '*', '.*', '(', '[', '{', '$(id)',
  'COMMAND [1] SCHEDULE_HOST_DOWNTIME;x;1;2', 'é漢字🚀', '\u202e', '\ud800', '\u00a0', '\t', ' ', '', '0', '-1', 'null', 'true',
  'a'.repeat(10_240), '"'.repeat(2_000), '\\'.repeat(1_000), 'web-01', 'WEB-01',
];

export const HOSTILE_NUMBERS: readonly number[] = [
  -1, -100, 0, 1, 1.5, -0.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, -(2 ** 31), 1e-9,
];

export const hostileString = fc.constantFrom(...HOSTILE_STRINGS);
export const hostileNumber = fc.constantFrom(...HOSTILE_NUMBERS);

// ------------------------------------------------------------------ JSON Schema → arbitrary

type Js = Record<string, any>;

export interface Pools {
  hosts: string[];
  services: string[];
  hostgroups: string[];
  servicegroups: string[];
}

export function poolsOf(sim: Simulator): Pools {
  const hosts = sim.state.hosts.map((h) => h.name);
  const services = [...new Set(sim.state.services.map((s) => s.description))];
  const hostgroups = [...new Set(sim.state.hosts.flatMap((h) => h.groups))];
  const servicegroups = [...new Set(sim.state.services.flatMap((s) => s.groups))];
  return { hosts, services, hostgroups, servicegroups };
}

/** Plausible values by argument name, so that many cases get past validation into the tools. */
function plausible(key: string, p: Pools): fc.Arbitrary<unknown> | undefined {
  const k = key.toLowerCase();
  if (k === 'host' || k === 'host_name' || k === 'name') return fc.constantFrom(...p.hosts);
  if (k === 'service' || k === 'description') return fc.constantFrom(...p.services);
  if (k === 'hostgroup') return fc.constantFrom(...p.hostgroups);
  if (k === 'servicegroup') return fc.constantFrom(...p.servicegroups);
  if (['since', 'until', 'start_time', 'end_time', 'timestamp', 't1', 't2', 'entered_after', 'expire'].includes(k)) {
    return fc.constantFrom('-24h', '-7d', '-1h', 'now', 'today', 'yesterday 06:00', '2026-01-01T00:00:00Z', '+2h', 'not a time');
  }
  if (k === 'columns') return fc.constantFrom('name,state', 'host_name,description,state', '', 'name,no_such_column');
  if (k === 'sort') return fc.constantFrom('name', '-last_check', 'state,-name', '-time');
  if (k === 'backends') return fc.constantFrom('icinga2', 'nope', '', 'icinga2,other');
  if (k === 'path') return fc.constantFrom('/hosts', '/services', '/hosts/totals', '/sites', '/processinfo', '/hosts/web-01', '/nope');
  if (k === 'duration' || k === 'lookback') return fc.constantFrom('1h', '30m', '2d', '-5m');
  if (k === 'what') return fc.constantFrom('hosts', 'services', '/hosts', 'logs', 'endpoints');
  return undefined;
}

export interface GenOptions {
  pools: Pools;
  /** Probability-ish weight of hostile values vs schema-valid ones (0..10). */
  hostility: number;
}

function weighted<T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<unknown>, h: number): fc.Arbitrary<unknown> {
  if (h <= 0) return valid;
  const w = Math.max(1, Math.round(h));
  return fc.oneof({ arbitrary: valid, weight: Math.max(1, 10 - w) }, { arbitrary: hostile, weight: w });
}

export function arbitraryOf(schema: Js, root: Js, o: GenOptions, depth = 0, key = ''): fc.Arbitrary<unknown> {
  if (schema.$ref !== undefined) {
    const name = String(schema.$ref).replace('#/$defs/', '');
    const target = root.$defs?.[name] as Js | undefined;
    if (target === undefined) return fc.constant({});
    return arbitraryOf(target, root, o, depth + 1, key);
  }
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return weighted(fc.constantFrom(...schema.enum), hostileString, o.hostility / 2);
  if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) {
    const branches = (schema.anyOf ?? schema.oneOf) as Js[];
    // Deep enough: stop recursing into object branches (a filter tree stops at a leaf).
    const usable = depth > 6 ? branches.filter((b) => b.type !== 'object' || !JSON.stringify(b).includes('$ref')) : branches;
    return fc.oneof(...(usable.length > 0 ? usable : branches.slice(0, 1)).map((b) => arbitraryOf(b, root, o, depth + 1, key)));
  }
  const type = schema.type;
  if (Array.isArray(type)) return fc.oneof(...type.map((t: string) => arbitraryOf({ ...schema, type: t }, root, o, depth, key)));
  const named = plausible(key, o.pools);
  switch (type) {
    case 'string': {
      const valid = named ?? fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
      return weighted(valid, fc.oneof(hostileString, fc.string({ unit: 'grapheme', maxLength: 30 }), fc.integer()), o.hostility);
    }
    case 'integer': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : -1000;
      const max = typeof schema.maximum === 'number' ? Math.min(schema.maximum, min + 5000) : min + 5000;
      return weighted(fc.integer({ min, max }), fc.oneof(hostileNumber, hostileString), o.hostility);
    }
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : -1000;
      const max = typeof schema.maximum === 'number' ? schema.maximum : min + 5000;
      return weighted(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), fc.oneof(hostileNumber, hostileString), o.hostility);
    }
    case 'boolean':
      return weighted(fc.boolean(), fc.constantFrom('true', 1, 0, null, 'yes'), o.hostility / 2);
    case 'array': {
      const items = schema.items !== undefined ? arbitraryOf(schema.items as Js, root, o, depth + 1, key) : fc.anything();
      return fc.array(items, { minLength: 0, maxLength: depth > 4 ? 2 : 4 });
    }
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Js>;
      const required = new Set<string>((schema.required ?? []) as string[]);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, s] of Object.entries(props)) record[k] = arbitraryOf(s, root, o, depth + 1, k);
      if (Object.keys(props).length === 0 && schema.additionalProperties !== undefined && schema.additionalProperties !== false) {
        const val = arbitraryOf(schema.additionalProperties as Js, root, o, depth + 1, '');
        return fc.dictionary(fc.oneof(fc.constantFrom('columns', 'q', 'name[ne]', 'limit', 'sort'), hostileString.filter((s) => s.length > 0 && s.length < 200)), val, { maxKeys: 3 });
      }
      const base = fc.record(record, { requiredKeys: [...required].filter((k) => k in record) });
      // Sometimes an unknown key, sometimes a required key dropped.
      return fc.tuple(base, o.hostility > 0 ? fc.option(fc.constantFrom('unknown_key', 'Host', 'filter ', '__proto__x'), { freq: 8 }) : fc.constant(null)).map(([v, extra]) => {
        const out: Record<string, unknown> = { ...(v as object) };
        if (extra !== null) out[extra] = 'x';
        return out;
      });
    }
    default:
      return fc.anything({ maxDepth: 1 });
  }
}

export function inputJsonSchema(def: ToolDef): Js {
  return z.toJSONSchema(def.input, { io: 'input', unrepresentable: 'any' });
}

/** Arguments for `def`: schema-derived, with hostile values, and dry_run forced on writes. */
export function argsFor(def: ToolDef, o: GenOptions): fc.Arbitrary<Record<string, unknown>> {
  const root = inputJsonSchema(def);
  return (arbitraryOf(root, root, o) as fc.Arbitrary<Record<string, unknown>>).map((a) => forceSafe(def, a));
}

export function forceSafe(def: ToolDef, args: Record<string, unknown>): Record<string, unknown> {
  const out = { ...args };
  if ('dry_run' in def.input.shape) out.dry_run = true;
  // Background queries poll a job; keep them short.
  if (def.name === 'thruk_run_background_query') {
    out.timeout_s = 5;
    if (typeof out.max_rows !== 'number' || out.max_rows > 2000) out.max_rows = 500;
  }
  return out;
}

// ------------------------------------------------------------------ invariants for one call

/** Escape hatches pass the caller's raw query through; Thruk may legitimately answer 500 to those. */
const RAW_TOOLS = new Set(['thruk_query', 'thruk_run_background_query']);

export interface CallCheck {
  def: ToolDef;
  args: Record<string, unknown>;
  result: CallResult;
  answered: readonly Answered[];
  requests: Simulator['requests'];
}

export function checkCall(c: CallCheck): 'invalid' | 'error' | 'ok' {
  const { def, args, result } = c;
  assert.ok(Array.isArray(result.raw.content), `${def.name}: result without content`);
  assert.ok(!result.text.includes('Internal error in'), `${def.name} failed unexpectedly: ${result.text.slice(0, 300)} args=${short(args)}`);
  for (const r of c.requests) {
    assert.ok(!(r.method !== 'GET' && /^\/(sites\/[^/]+\/)?(cmd|hosts\/[^/]+\/cmd|services\/.+\/cmd|system\/cmd)/.test(r.path) && r.path.includes('cmd')),
      `${def.name} sent a command despite dry_run: ${r.method} ${r.path}`);
  }
  if (!RAW_TOOLS.has(def.name)) {
    for (const a of c.answered) {
      // Thruk's own "no such object" for availability is a 500; anything else (parse errors above all) is ours.
      if (a.status === 500 && /did not return any data/.test(a.body)) continue;
      assert.ok(a.status < 500, `${def.name}: simulator answered ${a.status} to ${a.method} ${a.path}${a.search.slice(0, 300)}: ${a.body.slice(0, 300)} args=${short(args)}`);
    }
  }
  const local = def.input.safeParse(args);
  if (!local.success) {
    assert.equal(result.isError, true, `${def.name}: invalid args accepted: ${short(args)}`);
    assert.match(result.text, /Invalid arguments for /, `${def.name}: ${result.text.slice(0, 200)}`);
    for (const issue of local.error.issues) {
      if (issue.code === 'unrecognized_keys') for (const k of issue.keys) assert.ok(result.text.includes(k), `${def.name}: message does not name unknown '${k}': ${result.text.slice(0, 300)}`);
      else {
        const first = issue.path[0];
        if (first !== undefined) assert.ok(result.text.includes(String(first)), `${def.name}: message does not name '${String(first)}': ${result.text.slice(0, 300)}`);
      }
    }
    return 'invalid';
  }
  return result.isError === true ? 'error' : 'ok';
}

export function short(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > 400 ? `${s.slice(0, 400)}…` : s;
}

// ------------------------------------------------------------------ structured filters + reference

export type Op = 'eq' | 'neq' | 'regex' | 'in' | 'not_in';
export interface Leaf { field: string; op: Op; value: unknown }
export interface Group { operator: 'and' | 'or'; conditions: Node[] }
export type Node = Leaf | Group;

export interface FilterTableSpec {
  tool: 'thruk_list_hosts' | 'thruk_list_services';
  columns: string;
  key(row: Record<string, unknown>): string;
  objects(sim: Simulator): Array<{ key: string; obj: HostRecord | ServiceRecord }>;
  leaf(p: Pools): fc.Arbitrary<Leaf>;
  evalLeaf(leaf: Leaf, obj: HostRecord | ServiceRecord): boolean;
}

/** Literals hostile to any quoting, which never equal an estate name (even ignoring case). */
const HOSTILE_LITERALS = HOSTILE_STRINGS.filter((s) => s !== '' && s.length < 3000 && !/^web-01$/i.test(s) && !/^[\w-]+$/.test(s));

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

const literal = (names: string[]) => fc.oneof({ arbitrary: fc.constantFrom(...names), weight: 4 }, { arbitrary: fc.constantFrom(...HOSTILE_LITERALS), weight: 1 });

function regexPattern(names: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...names).chain((n) => fc.tuple(fc.nat(n.length), fc.nat(n.length)).map(([a, b]) => escapeRe(n.slice(Math.min(a, b), Math.max(a, b) + 1)))),
    fc.constantFrom(...names).map((n) => `^${escapeRe(n)}$`),
    fc.constantFrom('^web', '-0[12]$', 'db|web', '^(?:core|dist)-', 'SWITCH', '\\d$', '^$', '.'),
    fc.constantFrom(...HOSTILE_LITERALS).map(escapeRe),
  );
}

function textLeaf(field: string, names: string[]): fc.Arbitrary<Leaf> {
  return fc.oneof(
    fc.record({ field: fc.constant(field), op: fc.constantFrom<Op>('eq', 'neq'), value: literal(names) }),
    fc.record({ field: fc.constant(field), op: fc.constant<Op>('regex'), value: regexPattern(names) }),
    fc.record({ field: fc.constant(field), op: fc.constantFrom<Op>('in', 'not_in'), value: fc.array(literal(names), { minLength: 1, maxLength: 4 }) }),
  );
}

function memberLeaf(field: string, names: string[]): fc.Arbitrary<Leaf> {
  return fc.oneof(
    fc.record({ field: fc.constant(field), op: fc.constantFrom<Op>('eq', 'neq'), value: literal(names) }),
    fc.record({ field: fc.constant(field), op: fc.constantFrom<Op>('in', 'not_in'), value: fc.array(literal(names), { minLength: 1, maxLength: 4 }) }),
  );
}

function enumLeaf(field: string, names: readonly (string | number)[]): fc.Arbitrary<Leaf> {
  return fc.oneof(
    fc.record({ field: fc.constant(field), op: fc.constantFrom<Op>('eq', 'neq'), value: fc.constantFrom(...names) }),
    fc.record({ field: fc.constant(field), op: fc.constantFrom<Op>('in', 'not_in'), value: fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 3 }) }),
  );
}

const HOST_STATES: Record<string, number> = { up: 0, down: 1, unreachable: 2 };
const SERVICE_STATES: Record<string, number> = { ok: 0, warning: 1, critical: 2, unknown: 3 };

function stateMatches(obj: HostRecord | ServiceRecord, v: unknown, names: Record<string, number>): boolean {
  if (v === 'pending') return !obj.hasBeenChecked;
  const n = typeof v === 'number' ? v : names[String(v)];
  return obj.state === n;
}

function evalGeneric(leaf: Leaf, test: (v: unknown) => boolean, regexTarget: () => string[]): boolean {
  const vals = Array.isArray(leaf.value) ? leaf.value : [leaf.value];
  switch (leaf.op) {
    case 'eq': return test(leaf.value);
    case 'neq': return !test(leaf.value);
    case 'in': return vals.some(test);
    case 'not_in': return !vals.some(test);
    case 'regex': { const re = new RegExp(String(leaf.value), 'i'); return regexTarget().some((s) => re.test(s)); }
  }
}

function varOf(vars: Readonly<Record<string, string | number>>, name: string): string {
  const want = name.replace(/^_/, '').toUpperCase();
  for (const [k, v] of Object.entries(vars)) if (k.toUpperCase() === want) return String(v);
  return '';
}

export const HOSTS_SPEC: FilterTableSpec = {
  tool: 'thruk_list_hosts',
  columns: 'name',
  key: (r) => String(r.name),
  objects: (sim) => sim.state.hosts.map((h) => ({ key: h.name, obj: h })),
  leaf: (p) => {
    const oses = ['linux', 'windows', 'ios', 'LINUX'.toLowerCase()];
    const cv = fc.record({
      field: fc.constant('custom_var'),
      op: fc.constantFrom<Op>('eq', 'neq', 'regex', 'in', 'not_in'),
      v: fc.constantFrom('OS', 'os', '_OS', 'PARENT', 'parent'),
      val: fc.oneof(literal([...oses, ...p.hosts.slice(0, 8)]), fc.constantFrom('^li', 'dows$', '^$')),
      list: fc.array(literal([...oses, ...p.hosts.slice(0, 8)]), { minLength: 1, maxLength: 3 }),
    }).map(({ field, op, v, val, list }): Leaf => ({ field, op, value: { var: v, val: op === 'in' || op === 'not_in' ? list : op === 'regex' ? escapeRe(String(val)) : val } }));
    return fc.oneof(
      textLeaf('name', p.hosts),
      enumLeaf('state', ['up', 'down', 'unreachable', 'pending', 0, 1, 2]),
      memberLeaf('hostgroup', p.hostgroups),
      cv,
    );
  },
  evalLeaf: (leaf, o) => {
    const h = o as HostRecord;
    switch (leaf.field) {
      case 'name': return evalGeneric(leaf, (v) => h.name === v, () => [h.name]);
      case 'state': return evalGeneric(leaf, (v) => stateMatches(h, v, HOST_STATES), () => []);
      case 'hostgroup': return evalGeneric(leaf, (v) => h.groups.includes(String(v)), () => []);
      case 'custom_var': {
        const { var: name, val } = leaf.value as { var: string; val: unknown };
        const actual = varOf(h.cfg.vars, name);
        return evalGeneric({ ...leaf, value: val }, (v) => actual.toLowerCase() === String(v).toLowerCase(), () => [actual]);
      }
      default: throw new Error(`no reference for ${leaf.field}`);
    }
  },
};

export const SERVICES_SPEC: FilterTableSpec = {
  tool: 'thruk_list_services',
  columns: 'host_name,description',
  key: (r) => `${String(r.host_name)};${String(r.description)}`,
  objects: (sim) => sim.state.services.map((s) => ({ key: `${s.host.name};${s.description}`, obj: s })),
  leaf: (p) => fc.oneof(
    textLeaf('host', p.hosts),
    textLeaf('description', p.services),
    enumLeaf('state', ['ok', 'warning', 'critical', 'unknown', 'pending', 0, 1, 2, 3]),
    memberLeaf('hostgroup', p.hostgroups),
    memberLeaf('servicegroup', p.servicegroups),
  ),
  evalLeaf: (leaf, o) => {
    const s = o as ServiceRecord;
    switch (leaf.field) {
      case 'host': return evalGeneric(leaf, (v) => s.host.name === v, () => [s.host.name]);
      case 'description': return evalGeneric(leaf, (v) => s.description === v, () => [s.description]);
      case 'state': return evalGeneric(leaf, (v) => stateMatches(s, v, SERVICE_STATES), () => []);
      case 'hostgroup': return evalGeneric(leaf, (v) => s.host.groups.includes(String(v)), () => []);
      case 'servicegroup': return evalGeneric(leaf, (v) => s.groups.includes(String(v)), () => []);
      default: throw new Error(`no reference for ${leaf.field}`);
    }
  },
};

/** Trees up to the maximum depth (4 nested group levels) and ≤ 50 leaves. */
export function filterTree(spec: FilterTableSpec, p: Pools): fc.Arbitrary<Node> {
  const leaf = spec.leaf(p);
  const { tree } = fc.letrec<{ tree: Node; group: Node }>((tie) => ({
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('group')),
    group: fc.record({ operator: fc.constantFrom<'and' | 'or'>('and', 'or'), conditions: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
  }));
  return tree.filter((n) => depthOf(n) <= 4);
}

export function depthOf(n: Node, level = 1): number {
  if (!('conditions' in n)) return 0;
  return Math.max(level, ...n.conditions.map((c) => depthOf(c, level + 1)));
}

export function evalNode(spec: FilterTableSpec, n: Node, obj: HostRecord | ServiceRecord): boolean {
  if ('conditions' in n) return n.operator === 'and' ? n.conditions.every((c) => evalNode(spec, c, obj)) : n.conditions.some((c) => evalNode(spec, c, obj));
  return spec.evalLeaf(n, obj);
}

/** A filter tree nested exactly to `levels` group levels (max is 4; 5 must be refused). */
export function nestedTree(levels: number, inner: Node): Node {
  let n: Node = inner;
  for (let i = 0; i < levels; i++) n = { operator: i % 2 === 0 ? 'or' : 'and', conditions: [n, { field: 'name', op: 'neq', value: `x${i}` }] };
  return n;
}

/** All rows of a list tool for one filter, paged; undefined when the tool refused the filter. */
export async function listAll(h: Rig, spec: FilterTableSpec, filter: Node): Promise<{ keys: string[] } | { refused: string }> {
  const keys: string[] = [];
  let offset = 0;
  for (let page = 0; page < 20; page++) {
    const r = await h.call(spec.tool, { filter, limit: 1000, offset, columns: spec.columns });
    if (r.isError === true) return { refused: r.text };
    for (const row of r.structured.rows as Array<Record<string, unknown>>) keys.push(spec.key(row));
    if (r.structured.next_offset === undefined) return { keys };
    offset = r.structured.next_offset as number;
  }
  throw new Error('more than 20 pages');
}

// ------------------------------------------------------------------ the properties, shared by the test and scripts/fuzz.ts

export interface FuzzStats { cases: number; invalid: number; error: number; ok: number; perTool: Map<string, number>; filterCases: number; filterRefused: number; filterMatched: number }

export function newStats(): FuzzStats {
  return { cases: 0, invalid: 0, error: 0, ok: 0, perTool: new Map(), filterCases: 0, filterRefused: 0, filterMatched: 0 };
}

export async function fuzzRig(): Promise<{ h: Rig; answered: Answered[] }> {
  const answered: Answered[] = [];
  const h = await rig({ config: { ...demoConfig(), readOnly: false, auditLog: false }, wrap: recordingWrap(answered), logLevel: 'silent' });
  return { h, answered };
}

/** Property 1: every tool, schema-derived + hostile arguments, through a real MCP client. */
export async function fuzzTools(h: Rig, answered: Answered[], numRuns: number, stats: FuzzStats, seed?: number, only?: readonly string[]): Promise<void> {
  const tools = allTools().filter((d) => only === undefined || only.includes(d.name));
  const pools = poolsOf(h.sim);
  const byName = new Map(tools.map((d) => [d.name, d]));
  const perTool = tools.map((def) => fc.tuple(fc.constant(def.name), fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 6 }), weight: 2 }).chain((hostility) => argsFor(def, { pools, hostility }))));
  await fc.assert(
    fc.asyncProperty(fc.oneof(...perTool), async ([name, args]) => {
      const def = byName.get(name) as ToolDef;
      answered.length = 0;
      const before = h.sim.requests.length;
      let result: CallResult;
      try {
        result = await h.call(def.name, args, { timeout: 20_000 });
      } catch (err) {
        throw new Error(`${def.name}: callTool threw (protocol error) for ${short(args)}: ${String(err)}`);
      }
      const outcome = checkCall({ def, args, result, answered: [...answered], requests: h.sim.requests.slice(Math.min(before, h.sim.requests.length)) });
      stats.cases++;
      stats[outcome]++;
      stats.perTool.set(def.name, (stats.perTool.get(def.name) ?? 0) + 1);
    }),
    { numRuns, ...(seed !== undefined ? { seed } : {}), endOnFailure: false, interruptAfterTimeLimit: 10 * 60_000 },
  );
}

/** Property 2: what a structured filter selects equals the reference evaluation over the simulator's state. */
export async function fuzzFilters(h: Rig, answered: Answered[], spec: FilterTableSpec, numRuns: number, stats: FuzzStats, seed?: number): Promise<void> {
  const pools = poolsOf(h.sim);
  await fc.assert(
    fc.asyncProperty(filterTree(spec, pools), async (tree) => {
      answered.length = 0;
      const got = await listAll(h, spec, tree);
      stats.filterCases++;
      for (const a of answered) assert.ok(a.status < 500, `simulator answered ${a.status} to ${a.path}${a.search.slice(0, 500)}: ${a.body.slice(0, 300)} for filter ${short(tree)}`);
      if ('refused' in got) {
        stats.filterRefused++;
        // Refused only for a reason we can name: a value no filter may carry, or an over-limit tree.
        assert.match(got.refused, /Filter (value|field)|control characters|line break|Invalid filter|non-empty|invalid|Invalid arguments/i, `refused without a reason: ${got.refused.slice(0, 300)} filter=${short(tree)}`);
        return;
      }
      const expected = spec.objects(h.sim).filter(({ obj }) => evalNode(spec, tree, obj)).map((o) => o.key).sort();
      assert.deepEqual([...got.keys].sort(), expected, `filter ${short(tree)} selected the wrong objects`);
      if (expected.length > 0) stats.filterMatched++;
    }),
    { numRuns, ...(seed !== undefined ? { seed } : {}), interruptAfterTimeLimit: 10 * 60_000 },
  );
}

/**
 * Structured filters for the fuzzer: random trees over the simulator's estate (hostile literals
 * included), a reference evaluator that says which objects a tree means, and the property that a
 * list tool selects exactly those, both in its answer and on the wire (the parameters the
 * simulator received, asked again on their own, select the same objects).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { HostRecord, RecordedRequest, ServiceRecord, Simulator } from '../../src/sim/index.js';
import { HOSTILE_STRINGS, poolsOf, runProperty, short, type FuzzRig, type FuzzStats, type Pools, type RunOptions } from './fuzzkit.js';
import type { Harness } from './harness.js';

export type Op = 'eq' | 'neq' | 'regex' | 'in' | 'not_in';
export interface Leaf {
  field: string;
  op: Op;
  value: unknown;
}
export interface Group {
  operator: 'and' | 'or';
  conditions: Node[];
}
export type Node = Leaf | Group;

export interface FilterTableSpec {
  tool: 'thruk_list_hosts' | 'thruk_list_services';
  /** The Thruk table path the tool reads (where the wire check looks). */
  path: '/hosts' | '/services';
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

const literal = (names: string[]) =>
  fc.oneof({ arbitrary: fc.constantFrom(...names), weight: 4 }, { arbitrary: fc.constantFrom(...HOSTILE_LITERALS), weight: 1 });

function regexPattern(names: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc
      .constantFrom(...names)
      .chain((n) => fc.tuple(fc.nat(n.length), fc.nat(n.length)).map(([a, b]) => escapeRe(n.slice(Math.min(a, b), Math.max(a, b) + 1)))),
    fc.constantFrom(...names).map((n) => `^${escapeRe(n)}$`),
    fc.constantFrom('^web', '-0[12]$', 'db|web', '^(?:core|dist)-', 'SWITCH', '\\d$', '^$', '.'),
    fc.constantFrom(...HOSTILE_LITERALS).map(escapeRe),
  );
}

function textLeaf(field: string, names: string[]): fc.Arbitrary<Leaf> {
  return fc.oneof(
    fc.record({ field: fc.constant(field), op: fc.constantFrom<Op>('eq', 'neq'), value: literal(names) }),
    fc.record({ field: fc.constant(field), op: fc.constant<Op>('regex'), value: regexPattern(names) }),
    fc.record({
      field: fc.constant(field),
      op: fc.constantFrom<Op>('in', 'not_in'),
      value: fc.array(literal(names), { minLength: 1, maxLength: 4 }),
    }),
  );
}

function memberLeaf(field: string, names: string[]): fc.Arbitrary<Leaf> {
  return fc.oneof(
    fc.record({ field: fc.constant(field), op: fc.constantFrom<Op>('eq', 'neq'), value: literal(names) }),
    fc.record({
      field: fc.constant(field),
      op: fc.constantFrom<Op>('in', 'not_in'),
      value: fc.array(literal(names), { minLength: 1, maxLength: 4 }),
    }),
  );
}

function enumLeaf(field: string, names: readonly (string | number)[]): fc.Arbitrary<Leaf> {
  return fc.oneof(
    fc.record({ field: fc.constant(field), op: fc.constantFrom<Op>('eq', 'neq'), value: fc.constantFrom(...names) }),
    fc.record({
      field: fc.constant(field),
      op: fc.constantFrom<Op>('in', 'not_in'),
      value: fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 3 }),
    }),
  );
}

const HOST_STATES: Record<string, number> = { up: 0, down: 1, unreachable: 2 };
const SERVICE_STATES: Record<string, number> = { ok: 0, warning: 1, critical: 2, unknown: 3 };

/**
 * eq/in "up"/"ok" (0) mean checked and 0: a never-checked object is PENDING, as the totals count
 * it (issue 12). neq/not_in 0 stay `state != 0`, the problems.
 */
function stateMatches(obj: HostRecord | ServiceRecord, v: unknown, names: Record<string, number>, op: Op | undefined): boolean {
  if (v === 'pending') return !obj.hasBeenChecked;
  const n = typeof v === 'number' ? v : names[String(v)];
  if (n === 0 && op !== 'neq' && op !== 'not_in') return obj.state === 0 && obj.hasBeenChecked;
  return obj.state === n;
}

function evalGeneric(leaf: Leaf, test: (v: unknown) => boolean, regexTarget: () => string[]): boolean {
  const vals = Array.isArray(leaf.value) ? leaf.value : [leaf.value];
  switch (leaf.op) {
    case 'eq':
      return test(leaf.value);
    case 'neq':
      return !test(leaf.value);
    case 'in':
      return vals.some(test);
    case 'not_in':
      return !vals.some(test);
    case 'regex': {
      const re = new RegExp(String(leaf.value), 'i');
      return regexTarget().some((s) => re.test(s));
    }
  }
}

function varOf(vars: Readonly<Record<string, string | number>>, name: string): string {
  const want = name.replace(/^_/, '').toUpperCase();
  for (const [k, v] of Object.entries(vars)) if (k.toUpperCase() === want) return String(v);
  return '';
}

export const HOSTS_SPEC: FilterTableSpec = {
  tool: 'thruk_list_hosts',
  path: '/hosts',
  columns: 'name',
  key: (r) => String(r.name),
  objects: (sim) => sim.state.hosts.map((h) => ({ key: h.name, obj: h })),
  leaf: (p) => {
    const oses = ['linux', 'windows', 'ios', 'LINUX'.toLowerCase()];
    const cv = fc
      .record({
        field: fc.constant('custom_var'),
        op: fc.constantFrom<Op>('eq', 'neq', 'regex', 'in', 'not_in'),
        v: fc.constantFrom('OS', 'os', '_OS', 'PARENT', 'parent'),
        val: fc.oneof(literal([...oses, ...p.hosts.slice(0, 8)]), fc.constantFrom('^li', 'dows$', '^$')),
        list: fc.array(literal([...oses, ...p.hosts.slice(0, 8)]), { minLength: 1, maxLength: 3 }),
      })
      .map(({ field, op, v, val, list }): Leaf => ({
        field,
        op,
        value: { var: v, val: op === 'in' || op === 'not_in' ? list : op === 'regex' ? escapeRe(String(val)) : val },
      }));
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
      case 'name':
        return evalGeneric(
          leaf,
          (v) => h.name === v,
          () => [h.name],
        );
      case 'state':
        return evalGeneric(
          leaf,
          (v) => stateMatches(h, v, HOST_STATES, leaf.op),
          () => [],
        );
      case 'hostgroup':
        return evalGeneric(
          leaf,
          (v) => h.groups.includes(String(v)),
          () => [],
        );
      case 'custom_var': {
        const { var: name, val } = leaf.value as { var: string; val: unknown };
        const actual = varOf(h.cfg.vars, name);
        return evalGeneric(
          { ...leaf, value: val },
          (v) => actual.toLowerCase() === String(v).toLowerCase(),
          () => [actual],
        );
      }
      default:
        throw new Error(`no reference for ${leaf.field}`);
    }
  },
};

export const SERVICES_SPEC: FilterTableSpec = {
  tool: 'thruk_list_services',
  path: '/services',
  columns: 'host_name,description',
  key: (r) => `${String(r.host_name)};${String(r.description)}`,
  objects: (sim) => sim.state.services.map((s) => ({ key: `${s.host.name};${s.description}`, obj: s })),
  leaf: (p) =>
    fc.oneof(
      textLeaf('host', p.hosts),
      textLeaf('description', p.services),
      enumLeaf('state', ['ok', 'warning', 'critical', 'unknown', 'pending', 0, 1, 2, 3]),
      memberLeaf('hostgroup', p.hostgroups),
      memberLeaf('servicegroup', p.servicegroups),
    ),
  evalLeaf: (leaf, o) => {
    const s = o as ServiceRecord;
    switch (leaf.field) {
      case 'host':
        return evalGeneric(
          leaf,
          (v) => s.host.name === v,
          () => [s.host.name],
        );
      case 'description':
        return evalGeneric(
          leaf,
          (v) => s.description === v,
          () => [s.description],
        );
      case 'state':
        return evalGeneric(
          leaf,
          (v) => stateMatches(s, v, SERVICE_STATES, leaf.op),
          () => [],
        );
      case 'hostgroup':
        return evalGeneric(
          leaf,
          (v) => s.host.groups.includes(String(v)),
          () => [],
        );
      case 'servicegroup':
        return evalGeneric(
          leaf,
          (v) => s.groups.includes(String(v)),
          () => [],
        );
      default:
        throw new Error(`no reference for ${leaf.field}`);
    }
  },
};

/**
 * Trees up to the maximum depth (4 nested group levels) and ≤ 50 leaves. fast-check cannot shrink
 * a group into one of its children, so a one-child group is generated as a flag that unwraps it
 * when it shrinks to false: a failing tree then shrinks down to the leaf at fault. One-child groups
 * (a legal, odd shape) are still generated with the flag set.
 */
export function filterTree(spec: FilterTableSpec, p: Pools): fc.Arbitrary<Node> {
  const leaf = spec.leaf(p);
  const { tree } = fc.letrec<{ tree: Node; group: Node }>((tie) => ({
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('group')),
    group: fc
      .record({
        operator: fc.constantFrom<'and' | 'or'>('and', 'or'),
        conditions: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }),
        keepSingle: fc.boolean(),
      })
      .map(({ operator, conditions, keepSingle }): Node =>
        conditions.length === 1 && !keepSingle ? (conditions[0] as Node) : { operator, conditions },
      ),
  }));
  return tree.filter((n) => depthOf(n) <= 4);
}

export function depthOf(n: Node, level = 1): number {
  if (!('conditions' in n)) return 0;
  return Math.max(level, ...n.conditions.map((c) => depthOf(c, level + 1)));
}

export function evalNode(spec: FilterTableSpec, n: Node, obj: HostRecord | ServiceRecord): boolean {
  if ('conditions' in n)
    return n.operator === 'and' ? n.conditions.every((c) => evalNode(spec, c, obj)) : n.conditions.some((c) => evalNode(spec, c, obj));
  return spec.evalLeaf(n, obj);
}

/** A filter tree nested exactly to `levels` group levels (max is 4; 5 must be refused). */
export function nestedTree(levels: number, inner: Node): Node {
  let n: Node = inner;
  for (let i = 0; i < levels; i++)
    n = { operator: i % 2 === 0 ? 'or' : 'and', conditions: [n, { field: 'name', op: 'neq', value: `x${i}` }] };
  return n;
}

/** All rows of a list tool for one filter, paged; undefined when the tool refused the filter. */
export async function listAll(h: Harness, spec: FilterTableSpec, filter: Node): Promise<{ keys: string[] } | { refused: string }> {
  const keys: string[] = [];
  let offset = 0;
  for (let page = 0; page < 20; page++) {
    const r = await h.call(spec.tool, { filter, limit: 1000, offset, columns: spec.columns });
    if (r.isError === true) return { refused: r.text };
    for (const row of r.structured.rows as Array<Record<string, unknown>>) keys.push(spec.key(row));
    if (r.structured.next_offset === undefined) return { keys };
    offset = r.structured.next_offset;
  }
  throw new Error('more than 20 pages');
}

/** Parameters that page, sort or pick columns: everything else in a request is its filter. */
const NOT_FILTER: ReadonlySet<string> = new Set(['columns', 'sort', 'limit', 'offset']);

/**
 * The parameter names a real Thruk 3.20 reads at all: Thruk::Request::_decode_parameters skips any
 * other name without a word, so `name[~]=…` filters nothing (fixture hosts_name_tilde_filter_ignored).
 * Written out here rather than taken from the simulator, so a simulator that accepted such a name
 * could not hide a tool that sends it.
 */
const THRUK_READS_NAME = /^[a-zA-Z0-9/.:,;+\-_[\](){}]+$/;

/** Every parameter the tool sent is one Thruk reads (an ignored filter means unfiltered rows). */
export function assertThrukReadsParams(req: RecordedRequest): void {
  for (const [k] of req.params)
    assert.match(k, THRUK_READS_NAME, `parameter ${JSON.stringify(k)} is silently ignored by Thruk 3.20 (sent ${short(req.params)})`);
}

/** The objects the filter part of a received request selects on its own, asked of the simulator directly. */
export async function wireKeys(h: Pick<Harness, 'sim' | 'config'>, spec: FilterTableSpec, req: RecordedRequest): Promise<string[]> {
  const url = new URL(`http://sim.invalid/demo/thruk/r${req.path}`);
  for (const [k, v] of req.params) if (!NOT_FILTER.has(k)) url.searchParams.append(k, v);
  url.searchParams.append('columns', spec.columns);
  const res = await h.sim.fetch(new Request(url, { headers: { 'X-Thruk-Auth-Key': h.config.thruk.apiKey } }));
  const body = await res.text();
  assert.equal(res.status, 200, `the simulator refused the received filter ${url.search.slice(0, 300)}: ${body.slice(0, 300)}`);
  return (JSON.parse(body) as Array<Record<string, unknown>>).map((r) => spec.key(r));
}

/** Property 2: what a structured filter selects (answer and wire) equals the reference evaluation over the simulator's state. */
export async function fuzzFilters(
  f: FuzzRig,
  spec: FilterTableSpec,
  numRuns: number,
  stats: FuzzStats,
  run: Omit<RunOptions, 'numRuns'> = {},
): Promise<number> {
  const { h, answered } = f;
  return runProperty(
    `${spec.tool} filters select what the reference selects`,
    filterTree(spec, poolsOf(h.sim)),
    async (tree) => {
      answered.length = 0;
      h.sim.requests.length = 0;
      const got = await listAll(h, spec, tree);
      const received = h.sim.requests.filter((q) => q.path === spec.path);
      stats.filterCases++;
      for (const a of answered)
        assert.ok(
          a.status < 500,
          `simulator answered ${a.status} to ${a.path}${a.search.slice(0, 500)}: ${a.body.slice(0, 300)} for filter ${short(tree)}`,
        );
      if ('refused' in got) {
        stats.filterRefused++;
        // Refused only for a reason we can name, and before anything reached Thruk.
        assert.match(
          got.refused,
          /Filter (value|field)|control characters|line break|Invalid filter|non-empty|invalid|Invalid arguments/i,
          `refused without a reason: ${got.refused.slice(0, 300)} filter=${short(tree)}`,
        );
        assert.equal(received.length, 0, `a refused filter still reached Thruk: ${short(tree)}`);
        return;
      }
      const expected = spec
        .objects(h.sim)
        .filter(({ obj }) => evalNode(spec, tree, obj))
        .map((o) => o.key)
        .sort();
      assert.deepEqual([...got.keys].sort(), expected, `filter ${short(tree)} selected the wrong objects`);
      assert.ok(received.length > 0, `no ${spec.path} request reached the simulator for ${short(tree)}`);
      for (const req of received) {
        assertThrukReadsParams(req);
        const wire = await wireKeys(h, spec, req);
        assert.deepEqual(
          wire.sort(),
          expected,
          `the filter sent on the wire (${short(req.params)}) selects other objects than ${short(tree)} means`,
        );
        stats.wireChecked++;
      }
      if (expected.length > 0) stats.filterMatched++;
    },
    { key: spec.path === '/hosts' ? 'host-filters' : 'service-filters', numRuns, ...run },
  );
}

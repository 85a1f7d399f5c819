import { aggregate, evalExpr, isAggregate, parseColumns, parseSort, sortedObject, sortRows } from './columns.js';
import type { ColumnSpec } from './columns.js';
import { perlDie, typoError } from './errors.js';
import { compare, compileFilter, paramFilter, perlOnlyKeys, RESERVED } from './filters.js';
import type { Params } from './params.js';
import { andAll, filterKeys, parseQuery } from './qlang.js';
import type { FilterLeaf, FilterNode } from './qlang.js';
import type { QueryCtx, TableDef } from './table-types.js';
import { expandRelativeTime } from './timeparse.js';
import type { JsonObject, JsonValue } from './types.js';
import { numify } from './util.js';

export interface QueryOptions<R = unknown> {
  /** implicit filters from the path, e.g. name=<host> for /hosts/<host> */
  base?: FilterNode[];
  /** endpoint options that are not filters */
  skipParams?: ReadonlySet<string>;
  /** /logs, /alerts, /notifications: last 24 h unless a time filter is present */
  logWindow?: boolean;
  /** How `Limit:` cuts the rows (per core, in each core's own order); default the first n. */
  limitSlice?: (rows: R[], n: number) => R[];
}

export interface QueryResult {
  data: JsonValue;
  /** column names for `headers=wrapped_json` */
  columns: string[];
}

export function valueOf<R>(table: TableDef<R>, row: R, name: string, ctx: QueryCtx): JsonValue | undefined {
  const g = table.columns.get(name);
  return g ? g(row, ctx) : table.extra?.(row, name, ctx);
}

export function fullRow<R>(table: TableDef<R>, row: R, ctx: QueryCtx): JsonObject {
  const extra: Record<string, JsonValue> = {};
  table.expand?.(row, extra, ctx);
  const extraKeys = Object.keys(extra).sort();
  const out: JsonObject = {};
  let i = 0;
  // defaults are sorted already: merge the (few) expansion keys in, keeping the canonical key order
  for (const name of table.defaults) {
    while (i < extraKeys.length && (extraKeys[i] as string) < name) {
      const k = extraKeys[i++] as string;
      out[k] = extra[k] ?? null;
    }
    const g = table.columns.get(name);
    if (g && table.omit?.(row, name) !== true) out[name] = g(row, ctx);
  }
  while (i < extraKeys.length) {
    const k = extraKeys[i++] as string;
    out[k] = extra[k] ?? null;
  }
  return out;
}

/** Top-level `time` bounds of an AND chain, so log queries need not scan the whole history. */
function timeBounds(node: FilterNode | null, now: number): [number, number] {
  let lo = -Infinity;
  let hi = Infinity;
  const walk = (n: FilterNode): void => {
    if (n.kind === 'and') {
      walk(n.left);
      walk(n.right);
      return;
    }
    if (n.kind !== 'cmp' || n.key !== 'time') return;
    const v = Number(expandRelativeTime(n.key, n.op, n.value, now));
    if (!Number.isFinite(v)) return;
    if (n.op === '>=' || n.op === '>') lo = Math.max(lo, v);
    if (n.op === '<=' || n.op === '<') hi = Math.min(hi, v);
    if (n.op === '=') {
      lo = Math.max(lo, v);
      hi = Math.min(hi, v);
    }
  };
  if (node) walk(node);
  return [lo, hi];
}

export function buildFilter(
  params: Params,
  opts: Pick<QueryOptions, 'base' | 'skipParams' | 'logWindow'>,
  now: number,
): { filter: FilterNode | null; aggFilters: FilterLeaf[] } {
  const nodes: FilterNode[] = [...(opts.base ?? [])];
  const aggFilters: FilterLeaf[] = [];
  let timeFilter = false;
  for (const [k, v] of params.list) {
    if (RESERVED.has(k) || opts.skipParams?.has(k)) continue;
    const leaf = paramFilter(k, v);
    if (leaf.key.includes('(')) {
      aggFilters.push(leaf);
      continue;
    }
    if (leaf.key === 'time') timeFilter = true;
    nodes.push(leaf);
  }
  const qs = params.all('q');
  // A repeated q reaches parse_lexical_filter as an array reference, read as "ARRAY(0x…)" (seen on
  // a real Thruk 3.20.2: 500 "unknown operator (").
  if (qs.length > 1) throw perlDie('unknown operator (', 'lib/Thruk/Utils/Status.pm line 2774');
  for (const q of qs) {
    const n = parseQuery(q);
    if (n) nodes.push(n);
    if (q.includes('time')) timeFilter = true;
  }
  if (opts.logWindow && !timeFilter) nodes.push({ kind: 'cmp', key: 'time', op: '>=', value: String(now - 86400) });
  return { filter: andAll(nodes), aggFilters };
}

/** alias → column of the requested columns (`col`, `col:alias`, `count(*):n`), as get_aliased_columns. */
function requestAliases(columns: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of (columns ?? '').split(',')) {
    const spec = c.trim();
    if (spec === '') continue;
    const i = spec.lastIndexOf(':');
    out.set(i < 0 ? spec : spec.slice(i + 1), i < 0 ? spec : spec.slice(0, i));
  }
  return out;
}

/** Filters rows the way Thruk does: Livestatus first, then the Perl post-filter with its typo check. */
export function filterRows<R>(
  table: TableDef<R>,
  source: readonly R[],
  filter: FilterNode | null,
  ctx: QueryCtx,
  aliases?: ReadonlyMap<string, string>,
): { rows: R[]; perlOnly: boolean } {
  const perlKeys = perlOnlyKeys(filterKeys(filter), table);
  const typoKeys = perlKeys.filter((k) => !k.startsWith('_'));
  const full = compileFilter(filter, table, ctx);
  if (typoKeys.length === 0) {
    const rows = filter ? source.filter(full) : [...source];
    const absent = table.absent;
    if (absent !== undefined && rows.length > 0) {
      const missing = [...filterKeys(filter)].filter((k) => table.columns.has(k) && rows.every((r) => absent(r, k)));
      if (missing.length > 0) throw typoError(missing, table.help, aliases);
    }
    return { rows, perlOnly: perlKeys.length > 0 };
  }
  const pre = source.filter(compileFilter(filter, table, ctx, true));
  if (pre.length > 0) {
    const missing = typoKeys.filter((k) => !pre.some((r) => table.extra?.(r, k, ctx) !== undefined));
    if (missing.length > 0) throw typoError(missing, table.help, aliases);
  }
  return { rows: pre.filter(full), perlOnly: true };
}

function aggregateRows<R>(table: TableDef<R>, rows: readonly R[], specs: ColumnSpec[], ctx: QueryCtx): JsonObject | JsonObject[] {
  const groupSpecs = specs.filter((s) => !isAggregate(s));
  const aggSpecs = specs.filter(isAggregate);
  const lookup =
    (r: R) =>
    (name: string): JsonValue | undefined =>
      valueOf(table, r, name, ctx);
  const groups = new Map<string, { vals: JsonValue[]; rows: R[] }>();
  for (const r of rows) {
    const vals = groupSpecs.map((s) => evalExpr(s.expr, lookup(r)));
    const key = JSON.stringify(vals);
    let g = groups.get(key);
    if (!g) {
      g = { vals, rows: [] };
      groups.set(key, g);
    }
    g.rows.push(r);
  }
  const build = (vals: JsonValue[], members: readonly R[]): JsonObject => {
    const entries: Array<[string, JsonValue]> = groupSpecs.map((s, i) => [s.key, vals[i] ?? null]);
    for (const s of aggSpecs) {
      const e = s.expr;
      if (e.t !== 'agg') continue;
      const arg = e.arg;
      const values = arg ? members.map((r) => evalExpr(arg, lookup(r))) : [];
      entries.push([s.key, aggregate(e.fn, values, members.length)]);
    }
    return sortedObject(entries);
  };
  if (groupSpecs.length === 0) return build([], rows);
  const list = [...groups.values()];
  const sorted = sortRows(
    list,
    groupSpecs.map((s) => ({ key: s.key, desc: false })),
    (g, key) => g.vals[groupSpecs.findIndex((s) => s.key === key)],
  );
  return sorted.map((g) => build(g.vals, g.rows));
}

export function runQuery<R>(
  table: TableDef<R>,
  source: readonly R[] | ((from: number, to: number) => readonly R[]),
  params: Params,
  ctx: QueryCtx,
  opts: QueryOptions<R> = {},
): QueryResult {
  const { filter, aggFilters } = buildFilter(params, opts, ctx.now);
  const input = typeof source === 'function' ? source(...timeBounds(filter, ctx.now)) : source;
  const filtered = filterRows(table, input, filter, ctx, requestAliases(params.get('columns')));
  const perlOnly = filtered.perlOnly;
  let rows = filtered.rows;

  const limitRaw = params.get('limit');
  const hasLimit = limitRaw !== undefined && limitRaw !== '';
  const limit = hasLimit ? Math.max(0, Math.trunc(numify(limitRaw))) : Infinity;
  const offset = Math.max(0, Math.trunc(numify(params.get('offset') ?? 0)));
  // Thruk pushes `Limit: limit+offset` down to Livestatus without the sort, unless a filter
  // could only be evaluated in Perl: sort+limit is therefore not a global top-N.
  if (hasLimit && !perlOnly) rows = opts.limitSlice ? opts.limitSlice(rows, limit + offset) : rows.slice(0, limit + offset);

  const specs = params.has('columns') ? parseColumns(params.all('columns')) : null;
  const sortKeys = parseSort(params.all('sort'));
  const page = <T>(list: T[]): T[] => (hasLimit || offset > 0 ? list.slice(offset, offset + limit) : list);

  if (specs?.some(isAggregate)) {
    const agg = aggregateRows(table, rows, specs, ctx);
    const columns = specs.map((s) => s.key);
    if (!Array.isArray(agg)) return { data: agg, columns };
    let list = agg.filter((o) => aggFilters.every((f) => compare(f.op, o[f.key], f.value, true)));
    list = sortRows(list, sortKeys, (o, k) => o[k]);
    return { data: page(list), columns };
  }

  const aliases = new Map((specs ?? []).map((s) => [s.key, s] as const));
  const lookup =
    (r: R) =>
    (name: string): JsonValue | undefined =>
      valueOf(table, r, name, ctx);
  rows = sortRows(rows, sortKeys, (r, key) => {
    const spec = aliases.get(key);
    return spec ? evalExpr(spec.expr, lookup(r)) : valueOf(table, r, key, ctx);
  });
  rows = page(rows);

  if (!specs) {
    const data = rows.map((r) => fullRow(table, r, ctx));
    return { data, columns: Object.keys(data[0] ?? {}) };
  }
  let data: JsonObject[] = rows.map((r) => {
    const get = lookup(r);
    return sortedObject(specs.map((s) => [s.key, evalExpr(s.expr, get)] as [string, JsonValue]));
  });
  const rowSpec = specs.find((s) => s.rows);
  if (rowSpec) {
    data = data.flatMap((o) => {
      const list = o[rowSpec.key];
      return Array.isArray(list) ? list.map((v) => ({ ...o, [rowSpec.key]: v })) : [];
    });
  }
  return { data, columns: specs.map((s) => s.key) };
}

const TIME_NAMES = new Set(['time', 'start', 'end', 'start_time', 'end_time', 'entry_time', 'expire_time', 'created', 'last_used']);

/** `meta.columns` of wrapped_json: type/unit from Thruk's name heuristics. */
export function metaColumns(names: readonly string[]): JsonObject[] {
  return names.map((name) => {
    if (/^(last|next)_/.test(name) || TIME_NAMES.has(name)) return { name, type: 'time' };
    if (['execution_time', 'response_time', 'duration'].includes(name)) return { config: { unit: 's' }, name, type: 'number' };
    if (/(_perc|percent)$/.test(name)) return { config: { unit: '%' }, name, type: 'number' };
    return { name };
  });
}

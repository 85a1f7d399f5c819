import { perlDie } from './errors.js';
import type { FilterLeaf, FilterNode } from './qlang.js';
import type { QueryCtx, TableDef } from './table-types.js';
import { expandRelativeTime, parseDuration } from './timeparse.js';
import type { JsonValue } from './types.js';
import { numify } from './util.js';

export const RESERVED = new Set(['limit', 'offset', 'sort', 'columns', 'headers', 'backend', 'backends', 'q', 'CSRFtoken']);

const OP_NAMES: Readonly<Record<string, string>> = {
  eq: '=',
  ne: '!=',
  regex: '~~',
  like: '~~',
  nregex: '!~~',
  unlike: '!~~',
  gt: '>',
  lt: '<',
  gte: '>=',
  lte: '<=',
  notin: '!>=',
  '=': '=',
  '!=': '!=',
  '~': '~',
  '!~': '!~',
  '~~': '~~',
  '!~~': '!~~',
  '>': '>',
  '<': '<',
  '>=': '>=',
  '<=': '<=',
  '!>=': '!>=',
  '=~': '=~',
};

export function paramFilter(name: string, value: string): FilterLeaf {
  const m = /^(.*)\[([^\]]*)\]$/.exec(name);
  if (!m) return { kind: 'cmp', key: name, op: '=', value };
  const op = OP_NAMES[(m[2] ?? '').toLowerCase()];
  if (!op) throw perlDie(`unsupported operator: ${m[2] ?? ''}`, 'lib/Thruk/Backend/Manager.pm line 3104');
  return { kind: 'cmp', key: m[1] ?? '', op, value };
}

const regexCache = new Map<string, RegExp>();

/** Perl regex → JS RegExp (leading `(?i)` becomes the i flag). Invalid → 500 like Thruk. */
export function compileRegex(src: string, ci: boolean): RegExp {
  const cacheKey = `${ci ? 'i' : 'c'}:${src}`;
  const hit = regexCache.get(cacheKey);
  if (hit) return hit;
  let body = src;
  let flags = ci ? 'i' : '';
  if (body.startsWith('(?i)')) {
    body = body.slice(4);
    flags = 'i';
  }
  body = body.replace(/\\A/g, '^').replace(/\\[Zz]/g, '$');
  let re: RegExp;
  try {
    re = new RegExp(body, flags);
  } catch {
    throw perlDie(`invalid regex in filter: ${src}`, 'lib/Thruk/Backend/Manager.pm line 3064');
  }
  if (regexCache.size > 2000) regexCache.clear();
  regexCache.set(cacheKey, re);
  return re;
}

function str(v: JsonValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (Array.isArray(v)) return v.map(str).join('|');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function eq(a: JsonValue | undefined, b: string, ci: boolean): boolean {
  if (typeof a === 'number' || typeof a === 'boolean') {
    const n = typeof a === 'number' ? a : a ? 1 : 0;
    return /^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(b) && n === Number(b);
  }
  const s = str(a);
  return ci ? s.toLowerCase() === b.toLowerCase() : s === b;
}

/**
 * Perl `_compare` semantics. `real` keys also pass Livestatus, whose `=` is case-sensitive,
 * so on real columns `=` ends up case-sensitive and `!=` ends up case-insensitive.
 */
export function compare(op: string, rowVal: JsonValue | undefined, value: string, real: boolean): boolean {
  if (Array.isArray(rowVal)) {
    const has = (): boolean => rowVal.some((e) => eq(e, value, !real));
    switch (op) {
      case '=':
        return (value === '' && rowVal.length === 0) || (rowVal.length === 1 && eq(rowVal[0], value, !real));
      case '!=':
        return !((value === '' && rowVal.length === 0) || (rowVal.length === 1 && eq(rowVal[0], value, true)));
      case '>=':
        return has();
      case '<=':
      case '!>=':
        return !rowVal.some((e) => eq(e, value, true));
      case '~':
      case '~~': {
        const re = compileRegex(value, op === '~~');
        return rowVal.some((e) => re.test(str(e)));
      }
      case '!~':
      case '!~~': {
        const re = compileRegex(value, op === '!~~');
        return !rowVal.some((e) => re.test(str(e)));
      }
      case '=~':
        return rowVal.some((e) => eq(e, value, true));
      default:
        throw perlDie(`unsupported operator for lists: ${op}`, 'lib/Thruk/Backend/Manager.pm line 3090');
    }
  }
  switch (op) {
    case '=':
      return eq(rowVal, value, !real);
    case '=~':
      return eq(rowVal, value, true);
    case '!=':
    case '!>=':
      return !eq(rowVal, value, true);
    case '>':
      return numify(rowVal) > numify(value);
    case '<':
      return numify(rowVal) < numify(value);
    case '>=':
      return numify(rowVal) >= numify(value);
    case '<=':
      return numify(rowVal) <= numify(value);
    case '~':
      return compileRegex(value, false).test(str(rowVal));
    case '~~':
      return compileRegex(value, true).test(str(rowVal));
    case '!~':
      return !compileRegex(value, false).test(str(rowVal));
    case '!~~':
      return !compileRegex(value, true).test(str(rowVal));
    default:
      throw perlDie(`unsupported operator: ${op}`, 'lib/Thruk/Backend/Manager.pm line 3104');
  }
}

const DURATION_KEYS = new Set(['duration', 'execution_time', 'latency']);

export type Predicate<R> = (row: R) => boolean;

/**
 * Compiles a filter tree. With `lenient`, leaves on keys that are not real columns match
 * everything (what Livestatus sees before Thruk's own post-filter runs).
 */
export function compileFilter<R>(node: FilterNode | null, table: TableDef<R>, ctx: QueryCtx, lenient = false): Predicate<R> {
  if (!node) return () => true;
  if (node.kind !== 'cmp') {
    const l = compileFilter(node.left, table, ctx, lenient);
    const r = compileFilter(node.right, table, ctx, lenient);
    return node.kind === 'and' ? (row) => l(row) && r(row) : (row) => l(row) || r(row);
  }
  if (node.op === '==') throw perlDie('unsupported operator: ==', 'lib/Thruk/Backend/Manager.pm line 3104');
  const getter = table.columns.get(node.key);
  if (!getter && lenient) return () => true;
  let value = expandRelativeTime(node.key, node.op, node.value, ctx.now);
  if (DURATION_KEYS.has(node.key)) value = String(parseDuration(node.value) ?? value);
  if (node.op.includes('~')) compileRegex(value, node.op.includes('~~'));
  const op = node.op;
  if (getter) return (row) => compare(op, getter(row, ctx), value, true);
  if (!table.extra) return () => false;
  const key = node.key;
  return (row) => compare(op, table.extra?.(row, key, ctx), value, false);
}

export function perlOnlyKeys<R>(keys: Iterable<string>, table: TableDef<R>): string[] {
  return [...keys].filter((k) => !table.columns.has(k));
}

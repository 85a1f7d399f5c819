import { perlDie } from './errors.js';
import type { JsonObject, JsonValue } from './types.js';
import { looksLikeNumber, numify } from './util.js';

export type Expr =
  | { t: 'col'; name: string }
  | { t: 'lit'; v: JsonValue }
  | { t: 'fn'; fn: string; args: Expr[] }
  | { t: 'agg'; fn: string; arg: Expr | null }
  | { t: 'calc'; ops: string[]; terms: Expr[] };

export interface ColumnSpec {
  key: string;
  expr: Expr;
  /** to_rows()/as_rows(): one output row per list element */
  rows: boolean;
}

const AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max']);

export function splitTopLevel(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let cur = '';
  for (const ch of s) {
    if (quote) {
      cur += ch;
      if (ch === quote) quote = '';
      continue;
    }
    if (ch === '`' || ch === '"' || ch === "'") {
      quote = ch;
      cur += ch;
      continue;
    }
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === sep && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}

function findAlias(item: string): [string, string | undefined] {
  let depth = 0;
  let quote = '';
  let asPos = -1;
  let asLen = 0;
  let colonPos = -1;
  for (let i = 0; i < item.length; i++) {
    const ch = item.charAt(i);
    if (quote) {
      if (ch === quote) quote = '';
      continue;
    }
    if (ch === '`' || ch === '"' || ch === "'") {
      quote = ch;
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0) {
      if (ch === ':' && colonPos < 0) colonPos = i;
      const m = /^\s+as\s+/i.exec(item.slice(i));
      if (m && asPos < 0) {
        asPos = i;
        asLen = m[0].length;
      }
    }
  }
  if (asPos > 0) return [item.slice(0, asPos), item.slice(asPos + asLen).trim()];
  if (colonPos > 0) return [item.slice(0, colonPos), item.slice(colonPos + 1).trim()];
  return [item, undefined];
}

type Tok = { t: 'name' | 'str' | 'num' | 'op' | '(' | ')' | ',' | '*'; v: string };

function lex(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s.charAt(i);
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '`' || ch === "'" || ch === '"') {
      const end = s.indexOf(ch, i + 1);
      const v = s.slice(i + 1, end < 0 ? s.length : end);
      out.push({ t: ch === '`' ? 'name' : 'str', v });
      i = end < 0 ? s.length : end + 1;
      continue;
    }
    if ('(),'.includes(ch)) {
      out.push({ t: ch as '(' | ')' | ',', v: ch });
      i++;
      continue;
    }
    if ('+-*/'.includes(ch)) {
      out.push({ t: ch === '*' ? '*' : 'op', v: ch });
      i++;
      continue;
    }
    let j = i;
    while (j < s.length && !/[\s(),+\-*/`'"]/.test(s.charAt(j))) j++;
    if (j === i) j++;
    const v = s.slice(i, j);
    out.push({ t: /^\d+(\.\d+)?$/.test(v) ? 'num' : 'name', v });
    i = j;
  }
  return out;
}

function parseExpr(toks: Tok[], pos: { i: number }): Expr {
  const terms: Expr[] = [parseTerm(toks, pos)];
  const ops: string[] = [];
  for (;;) {
    const t = toks[pos.i];
    if (!t || (t.t !== 'op' && t.t !== '*')) break;
    pos.i++;
    ops.push(t.v);
    terms.push(parseTerm(toks, pos));
  }
  return ops.length === 0 ? (terms[0] as Expr) : { t: 'calc', ops, terms };
}

function parseTerm(toks: Tok[], pos: { i: number }): Expr {
  const t = toks[pos.i++];
  if (!t) throw perlDie('unexpected end of column definition', 'lib/Thruk/Controller/rest_v1.pm line 1342');
  if (t.t === 'num') return { t: 'lit', v: Number(t.v) };
  if (t.t === 'str') return { t: 'lit', v: t.v };
  if (t.t === '*') return { t: 'col', name: '*' };
  if (t.t !== 'name') throw perlDie(`unexpected ${t.v} in column definition`, 'lib/Thruk/Controller/rest_v1.pm line 1342');
  if (toks[pos.i]?.t !== '(') return { t: 'col', name: t.v };
  pos.i++;
  const args: Expr[] = [];
  while (toks[pos.i] && toks[pos.i]?.t !== ')') {
    args.push(parseExpr(toks, pos));
    if (toks[pos.i]?.t === ',') pos.i++;
  }
  pos.i++;
  const fn = t.v.toLowerCase();
  if (AGGREGATES.has(fn)) {
    const a = args[0];
    return { t: 'agg', fn, arg: !a || (a.t === 'col' && a.name === '*') ? null : a };
  }
  return { t: 'fn', fn, args };
}

export function parseColumns(values: readonly string[]): ColumnSpec[] {
  const specs: ColumnSpec[] = [];
  for (const value of values) {
    for (const raw of splitTopLevel(value, ',')) {
      const item = raw.trim();
      if (item === '') continue;
      const [exprText, alias] = findAlias(item);
      const toks = lex(exprText.trim());
      const pos = { i: 0 };
      let expr = parseExpr(toks, pos);
      let rows = false;
      if (expr.t === 'fn' && (expr.fn === 'to_rows' || expr.fn === 'as_rows') && expr.args[0]) {
        expr = expr.args[0];
        rows = true;
      }
      const plain = exprText.trim();
      const key = alias ?? (expr.t === 'col' && /^`.*`$/.test(plain) ? expr.name : plain);
      specs.push({ key, expr, rows });
    }
  }
  return specs;
}

export function isAggregate(spec: ColumnSpec): boolean {
  return spec.expr.t === 'agg';
}

export type Lookup = (name: string) => JsonValue | undefined;

function perlSubstr(s: string, off: number, len?: number): string {
  const start = off < 0 ? Math.max(0, s.length + off) : off;
  if (len === undefined) return s.slice(start);
  const end = len < 0 ? s.length + len : start + len;
  return s.slice(start, Math.max(start, end));
}

function arith(a: number, op: string, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? 0 : a / b;
    default:
      return a;
  }
}

export function evalExpr(e: Expr, get: Lookup): JsonValue {
  switch (e.t) {
    case 'col':
      return get(e.name) ?? null;
    case 'lit':
      return e.v;
    case 'agg':
      return null;
    case 'calc': {
      let acc = numify(evalExpr(e.terms[0] as Expr, get));
      e.ops.forEach((op, i) => {
        acc = arith(acc, op, numify(evalExpr(e.terms[i + 1] as Expr, get)));
      });
      return acc;
    }
    case 'fn': {
      const [a0, a1, a2] = e.args;
      const text = (x: Expr | undefined, dflt: string): string => {
        const v = x ? evalExpr(x, get) : dflt;
        return typeof v === 'string' ? v : JSON.stringify(v);
      };
      const v = a0 ? evalExpr(a0, get) : null;
      if (v === null) return null;
      const s = typeof v === 'string' ? v : JSON.stringify(v);
      switch (e.fn) {
        case 'upper':
        case 'uc':
          return s.toUpperCase();
        case 'lower':
        case 'lc':
          return s.toLowerCase();
        case 'substr':
          return perlSubstr(s, numify(a1 ? evalExpr(a1, get) : 0), a2 ? numify(evalExpr(a2, get)) : undefined);
        case 'calc':
          return arith(numify(v), text(a1, '+'), numify(a2 ? evalExpr(a2, get) : 0));
        case 's': {
          const m = /^\/(.*)\/([a-z]*)$/s.exec(text(a1, ''));
          if (!m) return s;
          return s.replace(new RegExp(m[1] ?? '', (m[2] ?? '').replace(/[^imsg]/g, '')), text(a2, ''));
        }
        case 'unit':
          return v;
        default:
          return v;
      }
    }
  }
}

/** count(*), sum/avg/min/max: non-numeric values are ignored, avg divides by the group's row count. */
export function aggregate(fn: string, values: readonly JsonValue[], rowCount: number): JsonValue {
  if (fn === 'count') return rowCount;
  const nums = values.filter((v) => looksLikeNumber(v)).map((v) => numify(v));
  if (fn === 'sum') return nums.reduce((a, b) => a + b, 0);
  if (nums.length === 0 || rowCount === 0) return null;
  if (fn === 'avg') return nums.reduce((a, b) => a + b, 0) / rowCount;
  return fn === 'min' ? Math.min(...nums) : Math.max(...nums);
}

export interface SortKey {
  key: string;
  desc: boolean;
}

export function parseSort(values: readonly string[]): SortKey[] {
  const out: SortKey[] = [];
  for (const v of values) {
    for (const raw of splitTopLevel(v, ',')) {
      let k = raw.trim();
      if (k === '') continue;
      if (/[`$>'"]/.test(k)) throw perlDie('sort key contains invalid characters', 'lib/Thruk/Backend/Manager.pm line 2201');
      let desc = false;
      if (k.startsWith('-')) {
        desc = true;
        k = k.slice(1);
      } else if (k.startsWith('+')) k = k.slice(1);
      out.push({ key: k, desc });
    }
  }
  return out;
}

function sortable(v: JsonValue | undefined): JsonValue | undefined {
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}

/** Thruk's sort: numeric when the first row's value looks like a number, else case-insensitive string compare. */
export function sortRows<T>(rows: T[], keys: readonly SortKey[], value: (row: T, key: string) => JsonValue | undefined): T[] {
  if (rows.length < 2 || keys.length === 0) return rows;
  const active = keys.filter((k) => rows.some((r) => value(r, k.key) !== undefined));
  if (active.length === 0) return rows;
  const numeric = active.map((k) => looksLikeNumber(sortable(value(rows[0] as T, k.key))));
  const decorated = rows.map((r, i) => ({ r, i, v: active.map((k) => sortable(value(r, k.key))) }));
  decorated.sort((a, b) => {
    for (let k = 0; k < active.length; k++) {
      const av = a.v[k];
      const bv = b.v[k];
      let c: number;
      if (numeric[k]) c = numify(av ?? 0) - numify(bv ?? 0);
      else {
        const as = (typeof av === 'string' ? av : JSON.stringify(av ?? '')).toLowerCase();
        const bs = (typeof bv === 'string' ? bv : JSON.stringify(bv ?? '')).toLowerCase();
        c = as < bs ? -1 : as > bs ? 1 : 0;
      }
      if (c !== 0) return active[k]?.desc ? -c : c;
    }
    return a.i - b.i;
  });
  return decorated.map((d) => d.r);
}

/** Builds an object with keys in sorted order, the way Thruk's canonical JSON prints them. */
export function sortedObject(entries: Iterable<[string, JsonValue]>): JsonObject {
  const arr = [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: JsonObject = {};
  for (const [k, v] of arr) out[k] = v;
  return out;
}

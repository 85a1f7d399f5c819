import { perlDie } from './errors.js';

export interface FilterLeaf {
  kind: 'cmp';
  key: string;
  op: string;
  value: string;
}

export interface FilterBranch {
  kind: 'and' | 'or';
  left: FilterNode;
  right: FilterNode;
}

export type FilterNode = FilterLeaf | FilterBranch;

export const Q_OPERATORS = new Set(['=', '==', '!=', '~', '~~', '!~', '!~~', '>', '<', '>=', '<=', '!>=', 'like', 'unlike']);

type Token = { t: 'word' | 'quoted' | 'op' | 'open' | 'close' | 'conj'; v: string };

const BAREWORD = /[A-Za-z0-9_^~.*-]/;

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const ch = q.charAt(i);
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '(') {
      out.push({ t: 'open', v: ch });
      i++;
      continue;
    }
    if (ch === ')') {
      out.push({ t: 'close', v: ch });
      i++;
      continue;
    }
    if (q.startsWith('&&', i) || q.startsWith('||', i)) {
      out.push({ t: 'conj', v: q.slice(i, i + 2) });
      i += 2;
      continue;
    }
    if (ch === '"' || ch === "'") {
      // No escape character: a quoted string simply ends at the next identical quote.
      const end = q.indexOf(ch, i + 1);
      if (end < 0) throw perlDie(`unexpected end of query after ${q.slice(i)}`);
      out.push({ t: 'quoted', v: q.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if ('!=<>'.includes(ch)) {
      let j = i;
      while (j < q.length && '!=<>~'.includes(q.charAt(j))) j++;
      out.push({ t: 'op', v: q.slice(i, j) });
      i = j;
      continue;
    }
    if (BAREWORD.test(ch)) {
      let j = i;
      while (j < q.length && BAREWORD.test(q.charAt(j))) j++;
      out.push({ t: 'word', v: q.slice(i, j) });
      i = j;
      continue;
    }
    throw perlDie(`parse error at ${q.slice(i)}`, 'lib/Thruk/Utils/Status.pm line 2790');
  }
  return out;
}

/** Strips a leading/trailing triple of the same non-word character (`***…***`), as Thruk does. */
export function stripTriple(q: string): string {
  const c = q.charAt(0);
  if (q.length >= 6 && !/[\w\s("']/.test(c) && q.startsWith(c.repeat(3)) && q.endsWith(c.repeat(3))) return q.slice(3, -3);
  return q;
}

const KEY_REWRITE: Readonly<Record<string, string>> = { host: 'host_name', service: 'description' };
const OP_REWRITE: Readonly<Record<string, string>> = { '~': '~~', '!~': '!~~', like: '~~', unlike: '!~~' };

/**
 * Parses Thruk's `q` language. There is no operator precedence: `a and b or c` folds strictly
 * left to right, exactly like Thruk::Utils::Status::parse_lexical_filter.
 */
export function parseQuery(input: string): FilterNode | null {
  const tokens = tokenize(stripTriple(input));
  if (tokens.length === 0) return null;
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];

  const parseTerm = (): FilterNode => {
    const tok = tokens[pos++];
    if (!tok) throw perlDie(`unexpected end of query after ${tokens[pos - 2]?.v ?? ''}`);
    if (tok.t === 'open') {
      const node = parseExpr();
      if (peek()?.t !== 'close') throw perlDie('expected closing bracket', 'lib/Thruk/Utils/Status.pm line 2832');
      pos++;
      return node;
    }
    if (tok.t !== 'word' && tok.t !== 'quoted') throw perlDie(`unexpected token ${tok.v}`);
    const opTok = tokens[pos++];
    if (!opTok) throw perlDie(`unexpected end of query after ${tok.v}`);
    const rawOp = opTok.t === 'word' ? opTok.v.toLowerCase() : opTok.v;
    if ((opTok.t !== 'op' && opTok.t !== 'word') || !Q_OPERATORS.has(rawOp)) {
      throw perlDie(`unknown operator ${opTok.v}`, 'lib/Thruk/Utils/Status.pm line 2774');
    }
    const valTok = tokens[pos++];
    if (!valTok) throw perlDie(`unexpected end of query after ${opTok.v}`);
    if (valTok.t !== 'word' && valTok.t !== 'quoted') throw perlDie(`unexpected token ${valTok.v} after ${opTok.v}`);
    const key = KEY_REWRITE[tok.v] ?? tok.v;
    return { kind: 'cmp', key, op: OP_REWRITE[rawOp] ?? rawOp, value: valTok.v };
  };

  const parseExpr = (): FilterNode => {
    let left = parseTerm();
    for (;;) {
      const tok = peek();
      if (!tok || tok.t === 'close') return left;
      const conj = tok.v.toLowerCase();
      let kind: 'and' | 'or';
      if (conj === 'and' || conj === '&&') kind = 'and';
      else if (conj === 'or' || conj === '||') kind = 'or';
      else throw perlDie(`unexpected token ${tok.v}, expected and/or`, 'lib/Thruk/Utils/Status.pm line 2812');
      pos++;
      left = { kind, left, right: parseTerm() };
    }
  };

  const node = parseExpr();
  if (pos < tokens.length) throw perlDie(`unexpected token ${tokens[pos]?.v ?? ''}`, 'lib/Thruk/Utils/Status.pm line 2812');
  return node;
}

export function andAll(nodes: readonly FilterNode[]): FilterNode | null {
  let out: FilterNode | null = null;
  for (const n of nodes) out = out ? { kind: 'and', left: out, right: n } : n;
  return out;
}

export function filterKeys(node: FilterNode | null, into: Set<string> = new Set()): Set<string> {
  if (!node) return into;
  if (node.kind === 'cmp') into.add(node.key);
  else {
    filterKeys(node.left, into);
    filterKeys(node.right, into);
  }
  return into;
}

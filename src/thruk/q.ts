/**
 * Rendering for Thruk's `q` filter language and the value checks every filter value passes.
 *
 * q has no escape character: a quoted string ends at the next identical quote. A value is
 * therefore quoted with whichever quote it does not contain; one containing both cannot be
 * written at all. Operators get spaces around them because `~` is a bareword character.
 */
import { FilterError } from './filter-schema.js';

/** Livestatus-level operators, as written in q and (via BRACKET_OP) in `col[op]=` parameters. */
export type CompareOp = '=' | '!=' | '~~' | '!~~' | '>' | '>=' | '<' | '<=' | '!>=';

export interface Atom {
  readonly column: string;
  readonly op: CompareOp;
  readonly value: string;
  /** The logical field, for error messages. */
  readonly field: string;
}

export type Formula = { readonly t: 'atom'; readonly atom: Atom } | { readonly t: 'and' | 'or'; readonly xs: readonly Formula[] };

/**
 * Bracket spelling of each operator; `undefined` = plain `col=value`. Only
 * word operators survive Thruk 3.20's request parser, which silently drops any parameter whose
 * key holds a character outside [A-Za-z0-9/.:,;+-_[](){}] (Thruk::Request::_decode_parameters):
 * `name[~]=^web` answers every host (real fixture hosts_name_tilde_filter_ignored.json). A
 * case-sensitive regex has no word and no q form either (q rewrites `~` to `~~`).
 */
const BRACKET_OP: Readonly<Record<CompareOp, string | undefined>> = {
  '=': undefined,
  '!=': 'ne',
  '~~': 'regex',
  '!~~': 'nregex',
  '>': 'gt',
  '>=': 'gte',
  '<': 'lt',
  '<=': 'lte',
  '!>=': 'notin',
};

export function bracketParam(atom: Atom): [string, string] {
  const word = BRACKET_OP[atom.op];
  return [word === undefined ? atom.column : `${atom.column}[${word}]`, atom.value];
}

// C0 controls (a line break would end the Livestatus filter line and start a new header; Thruk
// rewrites \n but not \r), DEL, C1 controls (incl. NEL) and the Unicode line/paragraph separators.
const UNSAFE_CHAR = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// A lone surrogate would be silently replaced by U+FFFD when URL-encoded.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function codePoint(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Refuses values that no Thruk filter can carry faithfully. */
export function assertSafeValue(field: string, value: string): void {
  const bad = UNSAFE_CHAR.exec(value);
  if (bad !== null) {
    throw new FilterError(
      `Filter value for "${field}" contains a line break or control character (${codePoint(bad[0])}), which cannot ` +
        `be sent in a Livestatus query line. Remove it; to match the text around it use op "regex" with "." in its place.`,
      field,
    );
  }
  if (LONE_SURROGATE.test(value)) {
    throw new FilterError(`Filter value for "${field}" contains an unpaired UTF-16 surrogate; send valid Unicode text.`, field);
  }
}

/** Quotes a value for q, choosing the quote it does not contain. */
export function quoteQ(field: string, value: string): string {
  if (!value.includes('"')) return `"${value}"`;
  if (!value.includes("'")) return `'${value}'`;
  throw new FilterError(
    `Filter value for "${field}" contains both ' and " and is part of an OR group. Thruk's q language has no escape ` +
      `character, so such a value cannot be written there. Move this condition out of the OR group (top-level AND ` +
      `conditions are sent as separate parameters, which carry any quote), or use op "regex" with "." in place of one quote.`,
    field,
  );
}

/** q text of a formula; groups of more than one term are always parenthesised (q has no precedence). */
export function renderQ(f: Formula): string {
  if (f.t === 'atom') return `${f.atom.column} ${f.atom.op} ${quoteQ(f.atom.field, f.atom.value)}`;
  if (f.xs.length === 1 && f.xs[0] !== undefined) return renderQ(f.xs[0]);
  return `(${f.xs.map(renderQ).join(` ${f.t} `)})`;
}

/** Joins formulas under one operator, splicing children with the same operator. */
export function combine(t: 'and' | 'or', xs: readonly Formula[]): Formula {
  const flat: Formula[] = [];
  for (const x of xs) {
    if (x.t === t) flat.push(...x.xs);
    else flat.push(x);
  }
  return flat.length === 1 && flat[0] !== undefined ? flat[0] : { t, xs: flat };
}

export function hasOr(f: Formula): boolean {
  return f.t === 'or' ? f.xs.length > 1 : f.t === 'and' && f.xs.some(hasOr);
}

export function atomsOf(f: Formula): Atom[] {
  return f.t === 'atom' ? [f.atom] : f.xs.flatMap(atomsOf);
}

/**
 * Backslash-escapes regex metacharacters so a literal matches itself in POSIX ERE (Naemon/glibc),
 * PCRE, boost (Icinga 2) and Perl (Thruk's post-filter) alike. Only characters that are special
 * outside brackets are escaped; a lone `]` or `}` is literal everywhere, and escaping it is
 * undefined in POSIX ERE.
 */
export function escapeRegex(literal: string): string {
  return literal.replace(/[\\^$.|?*+()[{]/g, '\\$&');
}

/**
 * `^(a|b)$` for an exact match of any of the literals. Thruk's REST filters only offer it
 * case-insensitively (`col[regex]`, q `~`/`~~` all become Livestatus `~~`); callers that need
 * case-sensitive identity send equalities or compare the returned names themselves.
 */
export function anyOfRegex(literals: readonly string[]): string {
  const alternatives = literals.filter((l) => l !== '').map(escapeRegex);
  if (alternatives.length === 0) return '^$';
  // An empty alternative (`a|`) is undefined in POSIX ERE; an optional group says the same portably.
  return `^(${alternatives.join('|')})${alternatives.length < literals.length ? '?' : ''}$`;
}

/** Rejects regexes that JavaScript cannot compile, as a stand-in for Livestatus/Perl. */
export function assertRegex(field: string, pattern: string): void {
  try {
    new RegExp(pattern);
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : String(err);
    throw new FilterError(
      `Filter value for "${field}" is not a valid regular expression (${reason}; checked with JavaScript RegExp as an ` +
        `approximation of the Perl/PCRE syntax Thruk uses). Escape special characters with a backslash, or use op "eq" ` +
        `or "in" for exact values.`,
      field,
    );
  }
}

// Thruk's expand_relative_timefilter rewrites the value of any >, <, >=, <= filter that looks like
// a duration ("5d") or contains a date word, so such a value cannot be tested for list membership.
const TIME_LIKE = /^-?\d+[a-z]$|today|now|yesterday|(this|last|next)(week|day|month|year)/i;

export function assertNotTimeLike(field: string, value: string): void {
  if (!TIME_LIKE.test(value)) return;
  throw new FilterError(
    `"${value}" cannot be used to test membership in "${field}": Thruk treats the value of a >= filter that looks like a ` +
      `duration (e.g. 5d) or contains now/today/yesterday/last…/next…/this… as a time and rewrites it. ` +
      `Non-membership (op neq or not_in) is not affected; otherwise filter on names (e.g. host) instead.`,
    field,
  );
}

/**
 * Host identity of log rows on Naemon and Icinga 2 alike. Icinga 2's Livestatus leaves host_name
 * null on every host-level row (HOST ALERT, CURRENT HOST STATE, HOST NOTIFICATION…) and external
 * command rows never have it, so a host is matched on the column or on the log line, and a row is
 * attributed to the host named on its line when the column is empty.
 */
import type { FilterLeaf, FilterNode } from '../../thruk/filter.js';
import { escapeRegex } from '../../thruk/q.js';

export const LINE = '^\\[[0-9]+\\] ';
/** Row types whose line starts with the host name ("HOST ALERT: web-01;…"). */
const OBJECT_TYPES =
  '((HOST|SERVICE) (ALERT|DOWNTIME ALERT|FLAPPING ALERT|ACKNOWLEDGE ALERT|EVENT HANDLER)|(INITIAL|CURRENT) (HOST|SERVICE) STATE|PASSIVE (HOST|SERVICE) CHECK): ';
/** Where the host name sits on any line about an object: after the type, after the contact, or after the command name. */
export const HOST_ON_LINE = `${LINE}(${OBJECT_TYPES}|(HOST|SERVICE) NOTIFICATION: [^;]*;|EXTERNAL COMMAND: [A-Z_]+;)`;
/** Host-level row types: the ones whose host_name Icinga 2 leaves null. */
export const HOST_ROW_TYPES =
  '^(HOST (ALERT|DOWNTIME ALERT|FLAPPING ALERT|ACKNOWLEDGE ALERT|EVENT HANDLER|NOTIFICATION)|(INITIAL|CURRENT) HOST STATE|PASSIVE HOST CHECK)$';

const OBJECT_TYPE_RE = new RegExp(`^${OBJECT_TYPES.slice(0, -2)}$`);
const NOTIFICATION_RE = /^(HOST|SERVICE) NOTIFICATION$/;

export async function mapLeaves(
  node: FilterNode | undefined,
  fn: (l: FilterLeaf) => FilterNode | Promise<FilterNode>,
): Promise<FilterNode | undefined> {
  if (node === undefined) return undefined;
  if ('conditions' in node)
    return { ...node, conditions: await Promise.all(node.conditions.map(async (c) => (await mapLeaves(c, fn)) as FilterNode)) };
  return fn(node);
}

/** One regex over all names: it is a single q value, so both quote kinds anywhere in it clash. */
function alternatives(names: readonly string[]): string {
  const alts = names.map(escapeRegex);
  const clash = names.some((n) => n.includes('"')) && names.some((n) => n.includes("'"));
  return `(${(clash ? alts.map((a) => a.replace(/"/g, '.')) : alts).join('|')})`;
}

export function lineLeaf(prefix: string, names: readonly string[], negative: boolean): FilterLeaf {
  // No name: a positive condition matches nothing, a negative one everything.
  if (names.length === 0) return { field: 'message', op: negative ? 'nregex' : 'regex', value: '^$' };
  // A line may end right after the name ("REMOVE_HOST_ACKNOWLEDGEMENT;web-01").
  return { field: 'message', op: negative ? 'nregex' : 'regex', value: `${prefix}${alternatives(names)}(;|$)` };
}

/**
 * A host condition on log rows: the host on the line, which every object row carries, never the
 * host_name column. On Icinga 2 host-level, notification and command rows leave the column null,
 * and Thruk answers 400 "no datarow has attribute(s) named: host_name" (or "alias column name used
 * in filter") when no returned row has it: seen on a real Thruk 3.20.2 for the acknowledgement-command
 * query and for a regex host filter on HOST ALERT rows of one Icinga 2 core. A regex therefore stands
 * for the names it matches now (`names`, resolved by the caller); see REGEX_HOST_NOTE.
 */
export function hostCondition(_leaf: FilterLeaf, names: readonly string[], negative: boolean): FilterNode {
  return lineLeaf(HOST_ON_LINE, names, negative);
}

/** What a regex host filter on log rows means, said in the answer's notes. */
export function regexHostNote(leaf: FilterLeaf): string | undefined {
  if (leaf.field !== 'host' || (leaf.op !== 'regex' && leaf.op !== 'nregex')) return undefined;
  return `host ${leaf.op} ${JSON.stringify(leaf.value)} is matched as the hosts configured now that match it (on the log line: Icinga 2's log rows cannot be filtered on host_name); log rows of hosts removed since are not ${leaf.op === 'regex' ? 'included' : 'excluded'}.`;
}

/**
 * A large AND-level host set arrives as `host_name[regex]=^(a|b)$`. Too long for q, it stays a bracket
 * parameter but on the line: every row that has host_name names the host on its line as well.
 * `[regex]`/`[nregex]` (case-insensitive, like lineLeaf): Thruk 3.20 silently drops `[~]`/`[!~]`
 * parameters (real fixture hosts_name_tilde_filter_ignored.json) and has no case-sensitive form.
 */
export function rawHostSet([k, v]: [string, string]): [string, string] | undefined {
  if (k !== 'host_name[regex]' && k !== 'host_name[nregex]') return undefined;
  return [
    k === 'host_name[regex]' ? 'message[regex]' : 'message[nregex]',
    `${HOST_ON_LINE}${v.replace(/^\^/, '').replace(/\$$/, '')}(;|$)`,
  ];
}

/**
 * The host a log row is about: host_name, or (Icinga 2, empty column) the host on its line.
 * '' for rows about no object (program messages, commands).
 */
export function hostOfLogRow(r: Readonly<Record<string, unknown>>): string {
  const h = r.host_name;
  if (typeof h === 'string' && h !== '') return h;
  const type = typeof r.type === 'string' ? r.type : '';
  let fields = typeof r.options === 'string' ? r.options : undefined;
  if (fields === undefined && typeof r.message === 'string') fields = r.message.replace(/^\[[0-9]+\] [^:]*: /, '');
  if (fields === undefined) return '';
  const parts = fields.split(';');
  if (NOTIFICATION_RE.test(type)) return parts[1] ?? '';
  if (OBJECT_TYPE_RE.test(type)) return parts[0] ?? '';
  return '';
}

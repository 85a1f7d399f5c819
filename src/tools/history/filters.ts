/**
 * Filter rewrites that make log filters mean the same on Naemon and Icinga 2:
 * - `state` names are host- or service-specific (DOWN=1=WARNING), so each value is tied to the
 *   rows of its kind through the log type;
 * - a host matches the host_name column or the host on the log line: Icinga 2 leaves host_name
 *   null on host-level rows (HOST ALERT, CURRENT HOST STATE, HOST NOTIFICATION…), and external
 *   command rows never have it;
 * - notification state is read from the line (Icinga 2 logs it as 3), command services too.
 */
import { compileFilter, FilterError, type FilterLeaf, type FilterNode } from '../../thruk/filter.js';
import type { ToolContext } from '../core/define.js';
import { hostNamesFor, prepareLogQuery, type PreparedLogQuery } from '../lib/logquery.js';
import { hostCondition, LINE, lineLeaf } from '../lib/loghost.js';

export { mapLeaves } from '../lib/loghost.js';

const HOST_NAMES: Readonly<Record<string, number>> = { up: 0, down: 1, unreachable: 2 };
const SERVICE_NAMES: Readonly<Record<string, number>> = { ok: 0, warning: 1, warn: 1, critical: 2, crit: 2, unknown: 3 };
const HOST_WORDS = ['UP', 'DOWN', 'UNREACHABLE'];
const SERVICE_WORDS = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'];
const NEGATIVE = new Set(['neq', 'not_in', 'nregex']);

function scalars(leaf: FilterLeaf): Array<string | number> {
  const v = leaf.value;
  if (typeof v === 'object' && !Array.isArray(v))
    throw new FilterError(`Filter field "${leaf.field}" takes a plain value or a list.`, leaf.field);
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => (typeof x === 'boolean' ? (x ? 1 : 0) : x));
}

/** Host-side and service-side state codes of a state leaf's values. */
function splitStates(leaf: FilterLeaf): { host: number[]; service: number[] } {
  const host: number[] = [];
  const service: number[] = [];
  for (const v of scalars(leaf)) {
    const name = String(v).trim().toLowerCase();
    if (Object.hasOwn(HOST_NAMES, name)) host.push(HOST_NAMES[name] ?? 0);
    else if (Object.hasOwn(SERVICE_NAMES, name)) service.push(SERVICE_NAMES[name] ?? 0);
    else if (/^[0-3]$/.test(name)) {
      host.push(Number(name));
      service.push(Number(name));
    } else {
      throw new FilterError(
        `Unknown state ${JSON.stringify(v)}. Use up, down, unreachable (hosts), ok, warning, critical, unknown (services) or 0-3.`,
        'state',
      );
    }
  }
  return { host: [...new Set(host)], service: [...new Set(service)] };
}

const typeIs = (re: string): FilterLeaf => ({ field: 'type', op: 'regex', value: re });
const and = (conditions: FilterNode[]): FilterNode =>
  conditions.length === 1 && conditions[0] !== undefined ? conditions[0] : { operator: 'and', conditions };
const or = (conditions: FilterNode[]): FilterNode =>
  conditions.length === 1 && conditions[0] !== undefined ? conditions[0] : { operator: 'or', conditions };

/**
 * `state` on log rows: each value applies to the rows of its kind, told apart by `type`
 * (hostRe / serviceRe). With `others`, rows of neither kind pass a negative condition.
 */
export function stateByKind(leaf: FilterLeaf, hostRe: string, serviceRe: string, others: boolean): FilterNode {
  if (leaf.field !== 'state') return leaf;
  const op = leaf.op ?? 'eq';
  const { host, service } = splitStates(leaf);
  const codes = (c: number[], neg: boolean): FilterLeaf => ({
    field: 'state',
    op: neg ? (c.length === 1 ? 'neq' : 'not_in') : c.length === 1 ? 'eq' : 'in',
    value: c.length === 1 ? (c[0] ?? 0) : c,
  });
  if (op === 'eq' || op === 'in') {
    const branches: FilterNode[] = [];
    if (host.length > 0) branches.push(and([typeIs(hostRe), codes(host, false)]));
    if (service.length > 0) branches.push(and([typeIs(serviceRe), codes(service, false)]));
    return or(branches);
  }
  if (op === 'neq' || op === 'not_in') {
    const branches: FilterNode[] = [
      and([typeIs(hostRe), ...(host.length > 0 ? [codes(host, true)] : [])]),
      and([typeIs(serviceRe), ...(service.length > 0 ? [codes(service, true)] : [])]),
    ];
    if (others) branches.push({ field: 'type', op: 'nregex', value: `${hostRe}|${serviceRe}` });
    return or(branches);
  }
  if (op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') {
    const raw = scalars(leaf)[0];
    if (typeof raw === 'number' || /^\s*\d+\s*$/.test(String(raw))) return leaf;
    const branches: FilterNode[] = [];
    if (host.length > 0) branches.push(and([typeIs(hostRe), { field: 'state', op, value: host[0] ?? 0 }]));
    if (service.length > 0) branches.push(and([typeIs(serviceRe), { field: 'state', op, value: service[0] ?? 0 }]));
    return or(branches);
  }
  throw new FilterError(`Filter field "state" does not support op "${op}"; use eq, neq, in, not_in, gt, gte, lt or lte.`, 'state');
}

const COMMAND_SERVICE = `${LINE}EXTERNAL COMMAND: [A-Z_]*SVC[A-Z_]*;[^;]*;`;

/** Names a host/service leaf stands for: its values, or the live objects its regex matches. */
async function leafNames(ctx: ToolContext, leaf: FilterLeaf, backends: string[] | undefined): Promise<string[]> {
  const op = leaf.op ?? 'eq';
  if (op === 'regex' || op === 'nregex') {
    const pattern = String(scalars(leaf)[0] ?? '');
    if (leaf.field === 'host') return hostNamesFor(ctx, { field: 'host', op: 'regex', value: pattern }, backends);
    const rows = await ctx.thruk.get<unknown>('/services', {
      query: [...compileFilter('services', { field: 'service', op: 'regex', value: pattern }).params, ['columns', 'description']],
      ...(backends ? { backends } : {}),
      signal: ctx.signal,
    });
    return [...new Set((Array.isArray(rows) ? (rows as Array<Record<string, unknown>>) : []).map((r) => String(r.description)))];
  }
  if (op !== 'eq' && op !== 'in' && op !== 'neq' && op !== 'not_in')
    throw new FilterError(
      `Filter field "${leaf.field}" does not support op "${op}" here; use eq, neq, in, not_in, regex or nregex.`,
      leaf.field,
    );
  return scalars(leaf).map(String);
}

function stateAlternatives(words: readonly string[], ok: string): string {
  const alts = words.flatMap((w) => [w, `[A-Z]+ \\(${w}\\)`, ...(w === ok ? ['RECOVERY'] : [])]);
  return `(${alts.join('|')})`;
}

/** `state` on notification rows, matched on the TYPE field of the line. */
export function notificationStateLeaf(leaf: FilterLeaf): FilterLeaf {
  const op = leaf.op ?? 'eq';
  if (op !== 'eq' && op !== 'in' && op !== 'neq' && op !== 'not_in') {
    throw new FilterError(
      `Filter field "state" on notifications supports eq, neq, in and not_in (Icinga 2 logs no state number); use op "in" with state names.`,
      'state',
    );
  }
  const { host, service } = splitStates(leaf);
  const parts: string[] = [];
  if (host.length > 0)
    parts.push(
      `HOST NOTIFICATION: [^;]*;[^;]*;${stateAlternatives(
        host.map((c) => HOST_WORDS[c] ?? 'UP'),
        'UP',
      )};`,
    );
  if (service.length > 0)
    parts.push(
      `SERVICE NOTIFICATION: [^;]*;[^;]*;[^;]*;${stateAlternatives(
        service.map((c) => SERVICE_WORDS[c] ?? 'OK'),
        'OK',
      )};`,
    );
  return { field: 'message', op: NEGATIVE.has(op) ? 'nregex' : 'regex', value: `${LINE}(${parts.join('|')})` };
}

export type LineKind = 'notification' | 'command';

/** Host leaves become column-or-line conditions; for notifications state, for commands service too. */
function lineRewrite(
  ctx: ToolContext,
  kind: LineKind | undefined,
  backends: string[] | undefined,
): (l: FilterLeaf) => Promise<FilterNode | undefined> {
  return async (l) => {
    if (l.field === 'state' && kind === 'notification') return notificationStateLeaf(l);
    if (l.field === 'host') return hostCondition(l, await leafNames(ctx, l, backends), NEGATIVE.has(l.op ?? 'eq'));
    if (l.field === 'service' && kind === 'command')
      return lineLeaf(COMMAND_SERVICE, await leafNames(ctx, l, backends), NEGATIVE.has(l.op ?? 'eq'));
    return undefined;
  };
}

export interface ScopedQuery {
  readonly filter: FilterNode | undefined;
  readonly extra?: readonly FilterLeaf[];
  readonly backends?: string[] | undefined;
  /** Rows matched on the line for more than the host: notification state, command service. */
  readonly line?: LineKind;
}

/** logquery's preparation (host matched on the line as well), with state / service on the line for notifications and commands. */
export async function prepareScoped(ctx: ToolContext, q: ScopedQuery): Promise<PreparedLogQuery> {
  return prepareLogQuery(
    ctx,
    { since: 0, until: 0, filter: q.filter, extra: q.extra ?? [], backends: q.backends },
    lineRewrite(ctx, q.line, q.backends),
  );
}

/**
 * Shared access to Thruk's log table for the history, trends and triage toolsets: time windows,
 * host-scope expansion (hostgroup / custom variable are not log columns), Thruk-side counting,
 * and exact "newest N" cuts that never rely on Thruk's limit (applied before its sort).
 */
import { compileFilter, type FilterLeaf, type FilterNode } from '../../thruk/filter.js';
import { parseTime } from './time.js';
import { ToolInputError, type ToolContext } from '../core/define.js';
import { anyOfRegex } from '../../thruk/q.js';
import { iso } from './format.js';
import { readCores } from './cores.js';
import { coreFailure, isThrukError, ThrukHttpError } from '../../thruk/errors.js';
import { HOST_ROW_TYPES, hostCondition, hostOfLogRow, mapLeaves, rawHostSet, regexHostNote } from './loghost.js';

export type Row = Record<string, unknown>;

/** Fields that log tools accept in their filter but that Thruk's log table does not have. */
export const HOST_SCOPE_FIELDS: ReadonlySet<string> = new Set(['hostgroup', 'custom_var']);
const HOST_PAGE = 5000;
const HOST_SCOPE_MAX = 100_000;
/** Above this many names an OR branch cannot carry the set (q would be enormous). */
const OR_SCOPE_MAX = 1000;

export interface HostScope {
  /** The filter with scope leaves replaced by host-name conditions. */
  readonly node: FilterNode | undefined;
  /** Extra bracket parameters (large AND-level host sets as one regex). */
  readonly raw: Array<[string, string]>;
  /** A positive scope matched no host: the whole query is empty. */
  readonly empty: boolean;
  readonly notes: string[];
}

/** All host names matching one hostgroup/custom_var leaf, paged so nothing is cut silently. */
export async function hostNamesFor(ctx: ToolContext, leaf: FilterLeaf, backends: string[] | undefined): Promise<string[]> {
  const positive: FilterLeaf = { ...leaf, op: leaf.op === 'neq' ? 'eq' : leaf.op === 'not_in' ? 'in' : leaf.op };
  const { params } = compileFilter('hosts', positive);
  const names: string[] = [];
  for (let offset = 0; ; offset += HOST_PAGE) {
    // No sort with limit/offset: Thruk then pages in the core's stable order, which is consistent.
    const rows = await ctx.thruk.get<Row[]>('/hosts', {
      query: [...params, ['columns', 'name'], ['limit', String(HOST_PAGE)], ['offset', String(offset)]],
      ...(backends ? { backends } : {}),
      signal: ctx.signal,
    });
    for (const r of Array.isArray(rows) ? rows : []) names.push(String(r.name));
    if (!Array.isArray(rows) || rows.length < HOST_PAGE) break;
    if (names.length > HOST_SCOPE_MAX)
      throw new ToolInputError(`filter: ${leaf.field} matches more than ${HOST_SCOPE_MAX} hosts; narrow it.`);
  }
  return [...new Set(names)];
}

function negated(leaf: FilterLeaf): boolean {
  return leaf.op === 'neq' || leaf.op === 'not_in';
}

/**
 * Replaces hostgroup/custom_var leaves by the host names they stand for. Under AND a large set
 * becomes one anchored regex parameter (sent by POST when long); under OR it must stay small.
 */
export async function expandHostScope(ctx: ToolContext, node: FilterNode | undefined, backends: string[] | undefined): Promise<HostScope> {
  const raw: Array<[string, string]> = [];
  const notes: string[] = [];
  let empty = false;
  const walk = async (n: FilterNode, underOr: boolean): Promise<FilterNode | null> => {
    if ('conditions' in n) {
      const or = n.operator === 'or';
      const kids: FilterNode[] = [];
      for (const c of n.conditions) {
        const k = await walk(c, underOr || or);
        if (k !== null) kids.push(k);
      }
      if (kids.length === 0) {
        if (or && !underOr) empty = true;
        return null;
      }
      return { ...n, conditions: kids };
    }
    if (!HOST_SCOPE_FIELDS.has(n.field)) return n;
    const names = await hostNamesFor(ctx, n, backends);
    const neg = negated(n);
    if (names.length === 0) {
      // "not in an empty set" is always true; "in an empty set" is false.
      if (!neg && !underOr) empty = true;
      if (!neg) notes.push(`${n.field} ${JSON.stringify(n.value)} matches no host.`);
      return null;
    }
    if (!underOr && names.length > OR_SCOPE_MAX) {
      raw.push([neg ? 'host_name[nregex]' : 'host_name[regex]', anyOfRegex(names)]);
      return null;
    }
    if (underOr && names.length > OR_SCOPE_MAX) {
      throw new ToolInputError(
        `filter: ${n.field} inside an OR group matches ${names.length} hosts (at most ${OR_SCOPE_MAX} there); put it at the top level (AND) or narrow it.`,
      );
    }
    return { field: 'host', op: neg ? 'not_in' : 'in', value: names };
  };
  const out = node === undefined ? null : await walk(node, false);
  return { node: out ?? undefined, raw, empty, notes };
}

/** since/until leaves at the top level of a filter override the tool's window arguments. */
export function windowFromFilter(
  node: FilterNode | undefined,
  since: string | number,
  until: string | number | undefined,
  nowMs: number,
): { since: number; until: number; rest: FilterNode | undefined } {
  let s: string | number = since;
  let u: string | number | undefined = until;
  let rest = node;
  const take = (l: FilterLeaf): boolean => {
    if (
      (l.field === 'since' || l.field === 'until') &&
      (l.op === undefined || l.op === 'eq') &&
      (typeof l.value === 'string' || typeof l.value === 'number')
    ) {
      if (l.field === 'since') s = l.value;
      else u = l.value;
      return true;
    }
    return false;
  };
  if (node !== undefined && !('conditions' in node) && take(node)) rest = undefined;
  else if (node !== undefined && 'conditions' in node && node.operator === 'and') {
    const kids = node.conditions.filter((c) => 'conditions' in c || !take(c));
    rest = kids.length === 0 ? undefined : { ...node, conditions: kids };
  }
  const sinceSec = parseTime(s, nowMs, 'since');
  const untilSec = u === undefined ? Math.floor(nowMs / 1000) : parseTime(u, nowMs, 'until');
  if (untilSec < sinceSec) throw new ToolInputError('until is before since; swap them or widen the window.');
  return { since: sinceSec, until: untilSec, rest };
}

export interface LogQuery {
  readonly since: number;
  readonly until: number;
  readonly filter?: FilterNode | undefined;
  /** The tool's own conditions (class, type regex…), AND-ed. */
  readonly extra?: readonly FilterLeaf[];
  readonly backends?: string[] | undefined;
}

export interface PreparedLogQuery {
  readonly params: Array<[string, string]>;
  readonly empty: boolean;
  readonly notes: string[];
}

/** A tool's own rewrite of one filter leaf; undefined leaves the default handling. */
export type LeafRewrite = (leaf: FilterLeaf) => Promise<FilterNode | undefined>;

const NEGATIVE_OPS = new Set(['neq', 'not_in', 'nregex']);

/** The host names a host leaf stands for: its values, or the configured hosts its regex matches. */
async function hostLeafNames(ctx: ToolContext, leaf: FilterLeaf, backends: string[] | undefined): Promise<string[] | undefined> {
  const op = leaf.op ?? 'eq';
  const raw: unknown[] = Array.isArray(leaf.value) ? leaf.value : [leaf.value];
  if (raw.some((v) => typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) return undefined;
  const values = raw.map((v) => String(v as string | number | boolean));
  if (op === 'regex' || op === 'nregex') return hostNamesFor(ctx, { field: 'host', op: 'regex', value: values[0] ?? '' }, backends);
  if (op !== 'eq' && op !== 'in' && op !== 'neq' && op !== 'not_in') return undefined;
  return values;
}

/**
 * Compiles a log query once (scope expansion included) into Thruk parameters without the window.
 * Host conditions match the host_name column or the host on the line (Icinga 2 leaves the column
 * null on host-level rows), so a host filter finds host alerts, states and notifications on both cores.
 */
export async function prepareLogQuery(ctx: ToolContext, q: LogQuery, rewrite?: LeafRewrite): Promise<PreparedLogQuery> {
  const scope = await expandHostScope(ctx, q.filter, q.backends);
  const notes = [...scope.notes];
  const node = await mapLeaves(scope.node, async (l) => {
    const said = regexHostNote(l);
    if (said !== undefined && !notes.includes(said)) notes.push(said);
    const own = rewrite ? await rewrite(l) : undefined;
    if (own !== undefined || l.field !== 'host') return own ?? l;
    const names = await hostLeafNames(ctx, l, q.backends);
    return names === undefined ? l : hostCondition(l, names, NEGATIVE_OPS.has(l.op ?? 'eq'));
  });
  const raw = scope.raw.map((r) => rawHostSet(r) ?? r);
  const now = ctx.now();
  const { params } = compileFilter('logs', node, [...(q.extra ?? [])], { resolveTime: (v) => parseTime(v, now) });
  return { params: [...params, ...raw], empty: scope.empty, notes };
}

/** Narrows a prepared query to a set of hosts, on the line (so host-level rows of Icinga 2 match too). */
export function withHostSet(p: PreparedLogQuery, names: readonly string[]): PreparedLogQuery {
  const set = rawHostSet(['host_name[regex]', anyOfRegex(names)]);
  return set === undefined ? p : { ...p, params: [...p.params, set] };
}

function windowParams(since: number, until: number): Array<[string, string]> {
  return [
    ['time[gte]', String(since)],
    ['time[lte]', String(until)],
  ];
}

function backendOpts(ctx: ToolContext, backends: string[] | undefined) {
  return { ...(backends ? { backends } : {}), signal: ctx.signal };
}

/** Thruk-side count(*) of log rows in [since, until]. */
export async function countLogs(ctx: ToolContext, p: PreparedLogQuery, since: number, until: number, backends?: string[]): Promise<number> {
  if (p.empty) return 0;
  const res = await ctx.thruk.get<unknown>('/logs', {
    query: [...p.params, ...windowParams(since, until), ['columns', 'count(*)']],
    ...backendOpts(ctx, backends),
  });
  return countOf(res);
}

/** Log rows per second of a window, ascending by time: [epoch second, rows]. */
export type LogHistogram = ReadonlyArray<readonly [number, number]>;

/**
 * Thruk-side count(*) grouped by `time` (a non-aggregated column is a GROUP BY key): how many
 * rows each second of [since, until] holds, in one request. Where a page is cut follows from it
 * directly, where bisecting on plain counts took one sequential request per halving (issue 18:
 * ~17 rounds for a day). The answer has at most one entry per second that holds a row.
 */
export async function logHistogram(
  ctx: ToolContext,
  p: PreparedLogQuery,
  since: number,
  until: number,
  backends?: string[],
): Promise<{ total: number; histogram: LogHistogram }> {
  if (p.empty) return { total: 0, histogram: [] };
  const res = await ctx.thruk.get<unknown>('/logs', {
    query: [...p.params, ...windowParams(since, until), ['columns', 'time,count(*)']],
    ...backendOpts(ctx, backends),
  });
  const list: unknown[] = Array.isArray(res) ? res : res !== null && typeof res === 'object' ? [res] : [];
  const bins: Array<[number, number]> = [];
  for (const r of list) {
    if (r === null || typeof r !== 'object') continue;
    const t = (r as Row).time;
    const n = (r as Row)['count(*)'];
    // count(*) on no rows answers {"count(*)":0} without a time: no bin.
    if (typeof t === 'number' && typeof n === 'number' && n > 0) bins.push([t, n]);
  }
  bins.sort((a, b) => a[0] - b[0]);
  return { total: bins.reduce((a, b) => a + b[1], 0), histogram: bins };
}

/**
 * Where a window is cut so that at most `maxRows` rows lie beyond the cut, counted from the newest
 * (the latest second `from` with more than maxRows rows in [from, until]) or from the oldest (the
 * earliest `to` with more than maxRows rows in [since, to]); the cut second itself is fetched too
 * and cut there, so rows sharing a timestamp never leave a page short. undefined: no cut needed.
 */
export function histogramCut(h: LogHistogram, maxRows: number, order: 'newest' | 'oldest'): number | undefined {
  let sum = 0;
  const n = h.length;
  for (let i = 0; i < n; i++) {
    const bin = h[order === 'newest' ? n - 1 - i : i] as readonly [number, number];
    sum += bin[1];
    if (sum > maxRows) return bin[0];
  }
  return undefined;
}

/** How far before a window hiddenLogRows starts its second count: past any daily or hourly log file start. */
export const HIDDEN_PROBE_S = 86_400;

/**
 * The rows a core really holds in [since, until]. Icinga 2's Livestatus reads only the log files
 * that began inside a window, so the file that began before `since` (holding the window's first
 * part, often all of it) is skipped and a plain count comes out short. Counted from a day earlier
 * that file is read: the count from there minus the count before `since` is what the window holds.
 * Compare it with countLogs for the window to see what a core hid (two more counts).
 */
export async function heldLogRows(
  ctx: ToolContext,
  p: PreparedLogQuery,
  since: number,
  until: number,
  backends?: string[],
): Promise<number> {
  if (p.empty) return 0;
  const from = since - HIDDEN_PROBE_S;
  const [wide, before] = await Promise.all([countLogs(ctx, p, from, until, backends), countLogs(ctx, p, from, since - 1, backends)]);
  return Math.max(0, wide - before);
}

/** What a core that hid rows of a window is told as (first lines of an answer). */
export function hiddenRowsNote(what: string, core: string | undefined, answered: number, hidden: number, since: number): string {
  const who = core !== undefined ? `core ${core}` : 'the core';
  const said = answered === 0 ? `answered no ${what} for this window` : `answered ${answered} ${what} for this window`;
  const probe = iso(since - HIDDEN_PROBE_S);
  return `${who} ${said} although it holds ${answered + hidden} in it (counted from ${probe}): its log index skips the log file that began before the window start (Icinga 2 does), so ${hidden} ${hidden === 1 ? 'is' : 'are'} missing from this answer; move since earlier (before that file began, e.g. since=${probe}) to read them.`;
}

/** Windows already checked per notes list: one check per answer, however many chunks it reads. */
const checkedWindows = new WeakMap<string[], Set<string>>();

/**
 * Puts first into `notes` every core that holds rows of [since, until] its Livestatus did not
 * return for the window (heldLogRows), so an answer built from the window is never silently
 * one-sided. Per core when several are configured.
 */
export async function noteHiddenRows(
  ctx: ToolContext,
  p: PreparedLogQuery,
  since: number,
  until: number,
  backends: string[] | undefined,
  notes: string[],
  what = 'log rows',
): Promise<void> {
  if (p.empty) return;
  if (!markChecked(notes, since, until, backends)) return;
  const cores = await readCores(ctx, backends);
  const parts: Array<{ name: string | undefined; backends: string[] | undefined }> = cores.several
    ? cores.all.map((c) => ({ name: c.name, backends: [c.key] }))
    : [{ name: undefined, backends }];
  const found = await Promise.all(
    parts.map(async (c) => {
      // Advisory only: a core whose log query fails is reported by the caller (failingLogCores);
      // its failure must not sink the answer the healthy cores give.
      try {
        const [n, held] = await Promise.all([countLogs(ctx, p, since, until, c.backends), heldLogRows(ctx, p, since, until, c.backends)]);
        return { name: c.name, n, hidden: Math.max(0, held - n) };
      } catch (err) {
        if (c.name === undefined) throw err;
        return { name: c.name, n: 0, hidden: 0 };
      }
    }),
  );
  notes.unshift(...found.filter((f) => f.hidden > 0).map((f) => hiddenRowsNote(what, f.name, f.n, f.hidden, since)));
}

/** Records that [since, until] on `backends` was checked for `notes`; false when it already was. */
function markChecked(notes: string[], since: number, until: number, backends: string[] | undefined): boolean {
  const key = `${since}|${until}|${backends?.join(',') ?? ''}`;
  const seen = checkedWindows.get(notes) ?? new Set<string>();
  if (seen.has(key)) return false;
  seen.add(key);
  checkedWindows.set(notes, seen);
  return true;
}

/** count(*) answers an object without group-by, but be tolerant of a one-row array. */
export function countOf(res: unknown): number {
  const obj: unknown = Array.isArray(res) ? (res as unknown[])[0] : res;
  if (obj !== null && typeof obj === 'object') {
    const v = (obj as Row)['count(*)'];
    if (typeof v === 'number') return v;
  }
  return 0;
}

export interface LogRows {
  readonly rows: Row[];
  /** Rows in the whole requested window. */
  readonly total: number;
  /** Start of the part actually fetched (later than since when the cap cut the window). */
  readonly fetchedSince: number;
  readonly truncated: boolean;
}

/**
 * The newest rows of the window, at most `maxRows`, newest first. When the window holds more, its
 * start is moved forward by bisection on Thruk-side counts until the rest fits, so the cut is exact
 * and reported, never silent.
 */
export async function fetchNewestLogs(
  ctx: ToolContext,
  p: PreparedLogQuery,
  opts: {
    since: number;
    until: number;
    columns: readonly string[];
    maxRows: number;
    backends?: string[] | undefined;
    order?: 'newest' | 'oldest';
    rawHosts?: boolean;
    notes?: string[];
  },
): Promise<LogRows> {
  if (opts.notes !== undefined) await noteHiddenRows(ctx, p, opts.since, opts.until, opts.backends, opts.notes);
  const total = await countLogs(ctx, p, opts.since, opts.until, opts.backends);
  if (total === 0) return { rows: [], total: 0, fetchedSince: opts.since, truncated: false };
  let from = opts.since;
  if (total > opts.maxRows) {
    let lo = opts.since;
    let hi = opts.until;
    for (let i = 0; i < 32 && hi - lo > 1; i++) {
      const mid = Math.floor((lo + hi) / 2);
      const n = await countLogs(ctx, p, mid, opts.until, opts.backends);
      if (n > opts.maxRows) lo = mid;
      else hi = mid;
    }
    from = hi;
  }
  const sort = opts.order === 'oldest' ? 'time' : '-time';
  // host_name is filled from the line where Icinga 2 leaves it null, so the line comes along.
  const fill = opts.columns.includes('host_name') && opts.rawHosts !== true;
  const columns = fill ? [...new Set([...opts.columns, 'options', 'type'])] : opts.columns;
  const rows = await ctx.thruk.get<Row[]>('/logs', {
    query: [...p.params, ...windowParams(from, opts.until), ['columns', columns.join(',')], ['sort', sort]],
    ...backendOpts(ctx, opts.backends),
  });
  const list = Array.isArray(rows) ? rows : [];
  if (fill) for (const r of list) if (!hasHost(r)) r.host_name = hostOfLogRow(r) || r.host_name;
  return { rows: list.slice(0, opts.maxRows), total, fetchedSince: from, truncated: from > opts.since || list.length > opts.maxRows };
}

/** Rows of a null host_name group read back at most to attribute them to hosts. */
export const MAX_HOSTLESS_ROWS = 10_000;

export interface AggregateOptions {
  readonly since: number;
  readonly until: number;
  readonly groupBy: readonly string[];
  readonly backends?: string[] | undefined;
  /** Where a cut of the host attribution is reported. */
  readonly notes?: string[];
  readonly maxHostless?: number;
  /** false: leave the null host group as Thruk answers it (the caller reads the lines itself). */
  readonly attribute?: boolean;
}

/**
 * Thruk-side aggregation: rows grouped by `groupBy` columns with count(*) and min/max(time).
 * Grouped by host_name, the null group (Icinga 2's host-level rows) is read back and attributed
 * to the hosts on its lines; Naemon has no such group, so it costs nothing there.
 */
export async function aggregateLogs(ctx: ToolContext, p: PreparedLogQuery, opts: AggregateOptions): Promise<Row[]> {
  if (p.empty) return [];
  const columns = [...opts.groupBy, 'count(*):count', 'min(time):first', 'max(time):last'];
  // The hidden-rows check only adds notes: asked beside the aggregate, not before it (issue 18).
  const [, res] = await Promise.all([
    opts.notes !== undefined ? noteHiddenRows(ctx, p, opts.since, opts.until, opts.backends, opts.notes) : undefined,
    ctx.thruk.get<unknown>('/logs', {
      query: [...p.params, ...windowParams(opts.since, opts.until), ['columns', columns.join(',')]],
      ...backendOpts(ctx, opts.backends),
    }),
  ]);
  const rows = Array.isArray(res)
    ? (res as Row[])
    : res !== null && typeof res === 'object' && countOfAgg(res as Row) > 0
      ? [res as Row]
      : [];
  return opts.groupBy.includes('host_name') && opts.attribute !== false ? attributeHostless(ctx, p, rows, opts) : rows;
}

function countOfAgg(r: Row): number {
  return typeof r.count === 'number' ? r.count : 0;
}

function hasHost(r: Row): boolean {
  return typeof r.host_name === 'string' && r.host_name !== '';
}

async function attributeHostless(ctx: ToolContext, p: PreparedLogQuery, rows: Row[], opts: AggregateOptions): Promise<Row[]> {
  const hostless = rows.filter((r) => !hasHost(r) && countOfAgg(r) > 0);
  if (hostless.length === 0) return rows;
  const keyOf = (r: Row, host: string | null): string =>
    JSON.stringify(opts.groupBy.map((c) => (c === 'host_name' ? host : (r[c] ?? null))));
  const max = opts.maxHostless ?? MAX_HOSTLESS_ROWS;
  const hostRows: PreparedLogQuery = { ...p, params: [...p.params, ['type[regex]', HOST_ROW_TYPES]] };
  const got = await fetchNewestLogs(ctx, hostRows, {
    since: opts.since,
    until: opts.until,
    columns: [...new Set([...opts.groupBy, 'host_name', 'options', 'type', 'time'])],
    maxRows: max,
    backends: opts.backends,
    rawHosts: true,
  });
  // What stays in each null group: its count minus the rows attributed out of it.
  const left = new Map<string, Row>(hostless.map((r) => [keyOf(r, null), { ...r, host_name: null }]));
  const found = new Map<string, Row>();
  for (const r of got.rows) {
    const host = hasHost(r) ? '' : hostOfLogRow(r);
    const rest = host === '' ? undefined : left.get(keyOf(r, null));
    if (rest === undefined || countOfAgg(rest) <= 0) continue;
    rest.count = countOfAgg(rest) - 1;
    const t = typeof r.time === 'number' ? r.time : 0;
    const key = keyOf(r, host);
    const g = found.get(key);
    if (g === undefined)
      found.set(key, {
        ...Object.fromEntries(opts.groupBy.map((c) => [c, c === 'host_name' ? host : (r[c] ?? null)])),
        count: 1,
        first: t,
        last: t,
      });
    else {
      g.count = countOfAgg(g) + 1;
      g.first = Math.min(Number(g.first), t);
      g.last = Math.max(Number(g.last), t);
    }
  }
  if (got.truncated) {
    opts.notes?.push(
      `Icinga 2 leaves host_name empty on host-level log rows; of ${got.total} such rows only the newest ${got.rows.length} (from ${iso(got.fetchedSince)}) were attributed to their hosts, the rest are counted without a host.`,
    );
  }
  return [...rows.filter((r) => hasHost(r)), ...found.values(), ...[...left.values()].filter((r) => countOfAgg(r) > 0)];
}

/**
 * Runs `fn` once per core when several are in scope (each on its own backend, the hidden-rows
 * check done once for all and naming each core), else once as given. Each core's rows get its
 * peer_name: the same host name on two cores is two objects, and a core's log must be cut on its
 * own (a merged cut lets one busy core crowd out the other).
 */
async function perCore<T extends { rows: Row[] }>(
  ctx: ToolContext,
  p: PreparedLogQuery,
  w: { since: number; until: number; backends?: string[] | undefined; notes?: string[] | undefined },
  fn: (backends: string[] | undefined) => Promise<T>,
): Promise<Array<T & { core?: string }>> {
  const cores = await readCores(ctx, w.backends);
  if (!cores.several) return [await fn(w.backends)];
  if (w.notes !== undefined) {
    await noteHiddenRows(ctx, p, w.since, w.until, w.backends, w.notes);
    for (const c of cores.all) markChecked(w.notes, w.since, w.until, [c.key]);
  }
  return Promise.all(
    cores.all.map(async (c) => {
      const got = await fn([c.key]);
      for (const r of got.rows) r.peer_name = c.name;
      return { ...got, core: c.name };
    }),
  );
}

export interface CoreLogRows extends LogRows {
  /** Several cores: each core's part (its own newest-N cut), by core name. */
  readonly parts?: ReadonlyArray<LogRows & { core: string }>;
}

/**
 * fetchNewestLogs, the cut made per core when several are in scope (each core's newest maxRows),
 * rows merged in time order and tagged with their core's peer_name. One core: fetchNewestLogs.
 */
export async function fetchNewestLogsPerCore(
  ctx: ToolContext,
  p: PreparedLogQuery,
  opts: Parameters<typeof fetchNewestLogs>[2],
): Promise<CoreLogRows> {
  const parts = await perCore(ctx, p, opts, (backends) => fetchNewestLogs(ctx, p, { ...opts, backends }));
  if (parts.length === 1 && parts[0]?.core === undefined) return parts[0] as LogRows;
  const rows = parts.flatMap((x) => x.rows);
  const sign = opts.order === 'oldest' ? 1 : -1;
  rows.sort((a, b) => sign * (Number(a.time) - Number(b.time)));
  const cut = parts.filter((x) => x.truncated);
  return {
    rows,
    total: parts.reduce((a, x) => a + x.total, 0),
    fetchedSince: cut.length > 0 ? Math.max(...cut.map((x) => x.fetchedSince)) : opts.since,
    truncated: cut.length > 0,
    parts: parts.map((x) => ({ ...x, core: x.core ?? '' })),
  };
}

/** aggregateLogs per core when several are in scope, each group tagged with its core's peer_name. */
export async function aggregateLogsPerCore(ctx: ToolContext, p: PreparedLogQuery, opts: AggregateOptions): Promise<Row[]> {
  if (p.empty) return [];
  const parts = await perCore(ctx, p, opts, async (backends) => ({ rows: await aggregateLogs(ctx, p, { ...opts, backends }) }));
  return parts.flatMap((x) => x.rows);
}

/** The backends to query one at a time: one part per core when several are in scope (core = its name), else one part as given (core ''). */
export async function coreParts(
  ctx: ToolContext,
  backends: string[] | undefined,
): Promise<Array<{ core: string; backends: string[] | undefined }>> {
  const cores = await readCores(ctx, backends);
  return cores.several ? cores.all.map((c) => ({ core: c.name, backends: [c.key] })) : [{ core: '', backends }];
}

export interface FailingCore {
  readonly core: string;
  readonly error: unknown;
}

/**
 * The cores in scope whose log table fails a trivial count (asked one by one). Over several sites
 * Thruk leaves such a core out of a log answer without a word (real Thruk 3.20.2 while Icinga 2's
 * compat archives were missing), so a tool reading the merged log asks this and says what is missing.
 */
export async function failingLogCores(ctx: ToolContext, backends: string[] | undefined): Promise<FailingCore[]> {
  const cores = await readCores(ctx, backends);
  if (!cores.several) return [];
  const now = Math.floor(ctx.now() / 1000);
  const found = await Promise.all(
    cores.all.map(async (c): Promise<FailingCore | undefined> => {
      try {
        await ctx.thruk.get<unknown>('/logs', {
          query: [
            ['time[gte]', String(now)],
            ['columns', 'count(*)'],
          ],
          backends: [c.key],
          signal: ctx.signal,
        });
        return undefined;
      } catch (error) {
        if (!isThrukError(error)) throw error;
        return { core: c.name, error };
      }
    }),
  );
  return found.filter((f): f is FailingCore => f !== undefined);
}

/** Thruk's words for a failing core: Livestatus' error when it gave one. */
export function coreErrorText(err: unknown): string {
  const ls = err instanceof ThrukHttpError ? coreFailure(err.thrukDescription) : undefined;
  return ls !== undefined ? `Livestatus error ${ls.code}: ${ls.text}` : err instanceof Error ? err.message : String(err);
}

/** The note for a core whose log failed: `missing` says what of the answer lacks it. */
export function failingCoreNote(f: FailingCore, missing: string): string {
  const broken = f.error instanceof ThrukHttpError && coreFailure(f.error.thrukDescription) !== undefined;
  return `PARTIAL: core ${f.core} failed its log query (${coreErrorText(f.error)}), so ${missing}. ${broken ? "Retrying will not help while that core's log is broken; ask its admin." : `Retry later, or ask with backends="${f.core}" alone.`}`;
}

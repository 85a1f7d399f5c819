import { z } from 'zod';
import { compileFilter, filterSchema, type FilterLeaf } from '../../thruk/filter.js';
import { defineTool, type ToolContext } from '../core/define.js';
import { age, cell, flag, formatValue, hostStateName, iso, num, serviceStateName, stateAge } from '../lib/format.js';
import {
  backendsArg,
  columnsArg,
  getRows,
  limitArg,
  offsetArg,
  pageFooter,
  pageSlice,
  parseBackends,
  parseColumns,
  query,
  type Row,
} from '../lib/list.js';
import { coreStartOf, startsOf, type CoreStarts } from '../lib/corestart.js';
import { HOST_KEYS, keyOf, readByKey, SERVICE_KEYS } from './paging.js';
import { rewriteLeaves, stateScope } from '../lib/filter-scope.js';
import { readCores, withCore } from '../lib/cores.js';

const SERVICE_ONLY: ReadonlySet<string> = new Set(['description', 'servicegroup']);
const PROBLEM_FILTER_FIELDS = [
  'state',
  'hostgroup',
  'servicegroup',
  'custom_var',
  'host_custom_var',
  'host',
  'description',
  'state_type',
  'peer_name',
] as const;

const HOST_COLS = [
  'name',
  'state',
  'state_type',
  'plugin_output',
  'last_state_change',
  'acknowledged',
  'scheduled_downtime_depth',
  'current_attempt',
  'max_check_attempts',
  'active_checks_enabled',
  'check_type',
  'peer_name',
];
const SVC_COLS = [
  'host_name',
  'description',
  'state',
  'state_type',
  'plugin_output',
  'last_state_change',
  'acknowledged',
  'scheduled_downtime_depth',
  'current_attempt',
  'max_check_attempts',
  'active_checks_enabled',
  'check_type',
  'host_state',
  'host_acknowledged',
  'host_scheduled_downtime_depth',
  'peer_name',
];

/**
 * What ranking, counting and handling need. Every problem row of the estate is read with these
 * only (a large estate has tens of thousands); the full columns are read for the page alone.
 */
const HOST_KEY_COLS = ['name', 'state', 'last_state_change', 'acknowledged', 'scheduled_downtime_depth', 'peer_name'];
const SVC_KEY_COLS = [
  'host_name',
  'description',
  'state',
  'last_state_change',
  'acknowledged',
  'scheduled_downtime_depth',
  'host_state',
  'host_acknowledged',
  'host_scheduled_downtime_depth',
  'peer_name',
];

/** Severity rank: DOWN and UNREACHABLE before services; CRITICAL and UNKNOWN before WARNING. */
const HOST_RANK: Record<number, number> = { 1: 0, 2: 1 };
const SVC_RANK: Record<number, number> = { 2: 2, 3: 3, 1: 4 };

const problemRow = z.object({
  kind: z.enum(['host', 'service']),
  host: z.string(),
  service: z.string().optional(),
  state: z.string(),
  hard: z.boolean(),
  attempt: z.string().optional(),
  since: z.string().optional().describe('ISO-8601 time of the last state change'),
  duration_s: z.number().optional(),
  duration_at_least: z.boolean().optional().describe('At least this old (since the core start)'),
  output: z.string(),
  handled: z.array(z.string()).optional().describe('Why it is handled: acked, downtime, host problem'),
  checks_disabled: z.boolean().optional().describe('Active checks are off (not a passive check): the state may be old'),
  peer_name: z.string().optional(),
  extra: z.record(z.string(), z.unknown()).optional().describe('Requested extra columns'),
});
type ProblemRow = z.output<typeof problemRow>;

const problemsOutput = z.object({
  counts: z.object({
    hosts: z.record(z.string(), z.number()),
    services: z.record(z.string(), z.number()),
  }),
  total: z.number().describe('Problems listed by this view (unhandled, or all with include_handled)'),
  offset: z.number(),
  returned: z.number(),
  next_offset: z.number().optional(),
  truncated: z.boolean().optional(),
  rows: z.array(problemRow),
});

function hostHandling(r: Row): string[] {
  const h: string[] = [];
  if (flag(r.acknowledged)) h.push('acked');
  if (num(r.scheduled_downtime_depth) > 0) h.push('downtime');
  return h;
}

function serviceHandling(r: Row): string[] {
  const h = hostHandling(r);
  if (num(r.host_state) !== 0) h.push(`host ${hostStateName(r.host_state).toLowerCase()}`);
  // Say which handling: "host handled" hid a host in downtime (its services are expected to fail).
  else if (num(r.host_scheduled_downtime_depth) > 0) h.push('host in downtime');
  else if (flag(r.host_acknowledged)) h.push('host acked');
  return h;
}

function toProblem(
  kind: 'host' | 'service',
  r: Row,
  nowMs: number,
  extraCols: readonly string[] | undefined,
  starts: CoreStarts = new Map(),
): ProblemRow & { rank: number; lsc: number } {
  const st = num(r.state);
  const lsc = num(r.last_state_change);
  const handled = kind === 'host' ? hostHandling(r) : serviceHandling(r);
  const p: ProblemRow & { rank: number; lsc: number } = {
    kind,
    host: String(kind === 'host' ? r.name : r.host_name),
    state: kind === 'host' ? hostStateName(st) : serviceStateName(st),
    hard: r.state_type === 1 || r.state_type === 'HARD',
    output: typeof r.plugin_output === 'string' ? r.plugin_output : cell(r.plugin_output),
    rank: kind === 'host' ? (HOST_RANK[st] ?? 1) : (SVC_RANK[st] ?? 4),
    lsc,
  };
  if (kind === 'service') p.service = String(r.description);
  if (!p.hard && r.current_attempt !== undefined) p.attempt = `${cell(r.current_attempt)}/${cell(r.max_check_attempts)}`;
  const age = stateAge(lsc, nowMs, coreStartOf(starts, r));
  if (age !== undefined) {
    p.since = iso(age.since);
    p.duration_s = Math.round(age.seconds);
    if (age.atLeast) p.duration_at_least = true;
  }
  if (handled.length > 0) p.handled = handled;
  // Still unhandled (nobody acknowledged it), but nothing re-checks it: say so next to the state.
  if (r.active_checks_enabled !== undefined && !flag(r.active_checks_enabled) && num(r.check_type) === 0) p.checks_disabled = true;
  if (typeof r.peer_name === 'string') p.peer_name = r.peer_name;
  if (extraCols !== undefined) p.extra = Object.fromEntries(extraCols.filter((c) => c in r).map((c) => [c, r[c]]));
  return p;
}

/** One problem as ranked and counted, before its full row is read. */
interface ProblemKey {
  readonly kind: 'host' | 'service';
  readonly host: string;
  readonly service?: string;
  readonly peer: string;
  readonly state: string;
  readonly rank: number;
  readonly lsc: number;
  readonly handled?: string[];
  /** The key-column row it was read as: the identity for the page's read, the fallback after it. */
  readonly row: Row;
}

function toKey(kind: 'host' | 'service', r: Row): ProblemKey {
  const st = num(r.state);
  const handled = kind === 'host' ? hostHandling(r) : serviceHandling(r);
  return {
    kind,
    host: String(kind === 'host' ? r.name : r.host_name),
    ...(kind === 'service' ? { service: String(r.description) } : {}),
    peer: typeof r.peer_name === 'string' ? r.peer_name : '',
    state: kind === 'host' ? hostStateName(st) : serviceStateName(st),
    rank: kind === 'host' ? (HOST_RANK[st] ?? 1) : (SVC_RANK[st] ?? 4),
    lsc: num(r.last_state_change),
    ...(handled.length > 0 ? { handled } : {}),
    row: r,
  };
}

function line(extraCols: readonly string[], nowMs: number, several: boolean) {
  return (p: ProblemRow): string => {
    // An empty service cell marks a host problem, and handling (rare in the default, unhandled-only
    // listing) rides in the state cell as the list tools do: no column that is blank on most rows.
    const state = [
      p.state,
      ...(p.hard ? [] : [`soft${p.attempt !== undefined ? ` ${p.attempt}` : ''}`]),
      ...(p.handled ?? []),
      ...(p.checks_disabled === true ? ['checks off'] : []),
    ].join(' ');
    // The one age format (format.ts age), like the list tools and the detail views.
    const held = p.duration_s !== undefined ? `${p.duration_at_least === true ? '≥' : ''}${age(p.duration_s)}` : '';
    // Columns asked for are shown, not only put in structuredContent.
    const extra = extraCols.map((c) => formatValue('other', c, p.extra?.[c], p.extra ?? {}, nowMs));
    return [withCore(p.host, p.peer_name, several), p.service ?? '', state, held, cell(p.output, 160), ...extra].join(' | ');
  };
}

/** Requested columns the line does not already show. */
const SHOWN = new Set([
  'name',
  'host_name',
  'description',
  'state',
  'state_type',
  'plugin_output',
  'last_state_change',
  'acknowledged',
  'scheduled_downtime_depth',
  'current_attempt',
  'max_check_attempts',
]);

function tally(rows: ReadonlyArray<Pick<ProblemRow, 'kind' | 'state' | 'handled'>>, kind: 'host' | 'service'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) {
    if (r.kind !== kind) continue;
    const key = r.state.toLowerCase();
    out[key] = (out[key] ?? 0) + 1;
    out[r.handled ? 'handled' : 'unhandled'] = (out[r.handled ? 'handled' : 'unhandled'] ?? 0) + 1;
  }
  return out;
}

function countsText(what: string, c: Record<string, number>, order: readonly string[]): string {
  const parts = order.filter((k) => (c[k] ?? 0) > 0).map((k) => `${c[k]} ${k.toUpperCase()}`);
  if (parts.length === 0) return `${what}: none`;
  return `${what}: ${parts.join(', ')} (${c.unhandled ?? 0} unhandled, ${c.handled ?? 0} handled)`;
}

export const problems = defineTool({
  name: 'thruk_problems',
  title: 'Current problems',
  toolset: 'state',
  access: 'read',
  description:
    'What is broken now: unhandled host and service problems, worst and newest first, with age and output; handled ones counted. Start here.',
  input: z
    .object({
      filter: filterSchema(PROBLEM_FILTER_FIELDS).optional(),
      type: z.enum(['both', 'hosts', 'services']).default('both').describe('Which problems'),
      include_handled: z.boolean().default(false).describe('Also list acked, in-downtime and host-caused ones'),
      limit: limitArg(100),
      offset: offsetArg,
      columns: columnsArg,
      backends: backendsArg,
    })
    .strict(),
  output: problemsOutput,
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const scope = stateScope(args.filter);
    const wantHosts = args.type !== 'services' && scope.hosts;
    const wantServices = args.type !== 'hosts' && scope.services;
    const extra = args.columns === undefined ? undefined : parseColumns(args.columns, []).list;
    // A condition on a service-only field (description, servicegroup) rules hosts out entirely.
    const hostsApply = wantHosts && !hasServiceOnlyLeaf(args.filter, SERVICE_ONLY);
    const hostFilter = hostsApply
      ? rewriteLeaves(
          args.filter,
          (l): FilterLeaf =>
            l.field === 'host' ? { ...l, field: 'name' } : l.field === 'host_custom_var' ? { ...l, field: 'custom_var' } : l,
          'not a host field',
        )
      : undefined;
    const base: Array<[string, string]> = [
      ['state[ne]', '0'],
      ['has_been_checked', '1'],
    ];
    // Ranking and counts need every problem, but only a few narrow columns of each. When the
    // cached totals (slow-moving supporting data, THRUK_CACHE_TTL) say the estate has few problems,
    // their full rows are read at once: one round instead of keys first and the page after
    // (issue 18). Otherwise the totals are asked alongside, so the next call knows. The totals
    // only choose the way of reading; every row shown comes from this call's own reads.
    const estimate = problemEstimate(ctx, backends);
    const oneRound = estimate !== undefined && estimate <= ONE_ROUND_MAX;
    const cols = (c: readonly string[]) => (extra === undefined ? c : [...new Set([...c, ...extra])]);
    const hostCols = oneRound ? cols(HOST_COLS) : HOST_KEY_COLS;
    const svcCols = oneRound ? cols(SVC_COLS) : SVC_KEY_COLS;
    // Compiled before any request starts, so a refused filter never orphans a started request.
    const hostQuery = hostsApply
      ? query([...base, ...compileFilter('hosts', hostFilter).params], { columns: hostCols.join(',') })
      : undefined;
    const svcQuery = wantServices
      ? query([...base, ...compileFilter('services', args.filter).params], { columns: svcCols.join(',') })
      : undefined;
    const [hostKeys, svcKeys, cores] = await Promise.all([
      hostQuery !== undefined ? getRows(ctx, '/hosts', hostQuery, backends) : Promise.resolve([] as Row[]),
      svcQuery !== undefined ? getRows(ctx, '/services', svcQuery, backends) : Promise.resolve([] as Row[]),
      readCores(ctx, backends),
      estimate === undefined ? warmTotals(ctx, backends) : undefined,
    ]);
    const all = [...hostKeys.map((r) => toKey('host', r)), ...svcKeys.map((r) => toKey('service', r))];
    all.sort(
      (a, b) => a.rank - b.rank || b.lsc - a.lsc || a.host.localeCompare(b.host) || (a.service ?? '').localeCompare(b.service ?? ''),
    );
    const counts = { hosts: tally(all, 'host'), services: tally(all, 'service') };
    const listed = args.include_handled
      ? [...all.filter((p) => !p.handled), ...all.filter((p) => p.handled)]
      : all.filter((p) => !p.handled);
    const slice = listed.slice(args.offset, args.offset + args.limit);
    const full = oneRound
      ? new Map(slice.map((k) => [keyOf(k.kind === 'host' ? HOST_KEYS : SERVICE_KEYS, k.row), k.row] as const))
      : await pageRows(ctx, slice, extra, backends);
    const now = ctx.now();
    const starts = startsOf(cores);
    const rows = slice.map((k) => {
      const r = full.get(keyOf(k.kind === 'host' ? HOST_KEYS : SERVICE_KEYS, k.row));
      // Gone between the two reads (e.g. recovered): show what the first read saw (it has no output).
      const p = toProblem(k.kind, r ?? { plugin_output: '', state_type: 1, ...k.row }, now, extra, starts);
      const { rank: _r, lsc: _l, ...clean } = p;
      return clean;
    });
    // With several cores every row names its core ("web-01@naemon"); peer_name carries it in the data.
    const several = cores.several || new Set(all.map((k) => k.peer)).size > 1;
    const extraShown = (extra ?? []).filter((c) => !SHOWN.has(c));
    const render = line(extraShown, now, several);
    const pg = pageSlice(rows, listed.length, (r) => render(r), {
      offset: args.offset,
      limit: args.limit,
      budgetTokens: ctx.config.maxAnswerTokens,
      what: 'problems',
    });
    const text: string[] = [
      countsText('Hosts', counts.hosts, ['down', 'unreachable']),
      countsText('Services', counts.services, ['critical', 'unknown', 'warning']),
    ];
    if (pg.meta.total === 0) text.push(args.include_handled ? 'Nothing to list.' : 'No unhandled problems.');
    else {
      text.push(
        `${args.include_handled ? 'Problems' : 'Unhandled problems'} ${pg.meta.offset + 1}-${pg.meta.offset + pg.meta.returned} of ${pg.meta.total}:`,
      );
      text.push(['host', 'service', 'state', 'for', 'output', ...extraShown].join(' | '), ...pg.lines);
    }
    const foot = pageFooter(pg.meta);
    if (foot !== undefined) text.push(foot);
    const handledCount = (counts.hosts.handled ?? 0) + (counts.services.handled ?? 0);
    if (!args.include_handled && handledCount > 0)
      text.push(`${handledCount} handled problems not listed; pass include_handled=true to see them.`);
    return { data: { counts, ...pg.meta, rows: pg.rows }, text: text.join('\n') };
  },
});

/** Problems at most read with their full columns in one round (a few pages' worth). */
const ONE_ROUND_MAX = 500;

/** Host plus service problems by the cached totals of these backends, or undefined when not cached. */
function problemEstimate(ctx: ToolContext, backends: string[] | undefined): number | undefined {
  const opts = backends ? { backends } : {};
  const h = ctx.thruk.peek<Row>('/hosts/totals', opts);
  const sv = ctx.thruk.peek<Row>('/services/totals', opts);
  if (h === undefined || sv === undefined || h === null || sv === null || typeof h !== 'object' || typeof sv !== 'object') return undefined;
  return num(h.down) + num(h.unreachable) + num(sv.warning) + num(sv.critical) + num(sv.unknown);
}

/** Asks the totals into the cache (beside the call's own reads, never awaited before them); a failure only means no estimate. */
async function warmTotals(ctx: ToolContext, backends: string[] | undefined): Promise<void> {
  const opts = { ...(backends ? { backends } : {}), signal: ctx.signal };
  await Promise.all([ctx.thruk.get('/hosts/totals', opts), ctx.thruk.get('/services/totals', opts)]).catch(() => undefined);
}

/**
 * The full rows of one page, read by name (hosts by name, services by host and description, in
 * URL-sized requests) and still problems; keyed by keyOf.
 */
async function pageRows(
  ctx: ToolContext,
  slice: readonly ProblemKey[],
  extra: readonly string[] | undefined,
  backends: string[] | undefined,
): Promise<Map<string, Row>> {
  const cols = (c: string[]) => (extra === undefined ? c : [...new Set([...c, ...extra])]);
  const stillProblems: Array<[string, string]> = [['state[ne]', '0']];
  const rowsOf = (kind: 'host' | 'service') => slice.filter((k) => k.kind === kind).map((k) => k.row);
  const [hosts, svcs] = await Promise.all([
    readByKey(ctx, HOST_KEYS, rowsOf('host'), { columns: cols(HOST_COLS), backends, params: stillProblems }),
    readByKey(ctx, SERVICE_KEYS, rowsOf('service'), { columns: cols(SVC_COLS), backends, params: stillProblems }),
  ]);
  return new Map([...hosts, ...svcs]);
}

function hasServiceOnlyLeaf(node: Parameters<typeof stateScope>[0], fields: ReadonlySet<string>): boolean {
  if (node === undefined) return false;
  if ('conditions' in node) return node.conditions.some((c) => hasServiceOnlyLeaf(c, fields));
  return fields.has(node.field);
}

import { z } from 'zod';
import type { FilterLeaf, FilterNode } from '../../thruk/filter.js';
import { coreStartOf, coreStarts } from '../lib/corestart.js';
import { defineTool, type ToolContext } from '../core/define.js';
import { iso } from '../lib/format.js';
import { backendsArg, getRows, limitArg, offsetArg, page, pageFooter, parseBackends, query } from '../lib/list.js';
import {
  byAge,
  includeOnProblemHostsArg,
  multiplePeers,
  onHandledHost,
  PROBLEM_HEADER,
  problemLine,
  problemRow,
  scopeFilterArg,
  scopeParams,
  toProblemRow,
  type ProblemRow,
} from '../lib/problems.js';

const HOST_COLS = 'name,state,state_type,plugin_output,last_state_change,peer_name';
const SVC_COLS =
  'host_name,description,state,state_type,plugin_output,last_state_change,host_state,host_acknowledged,host_scheduled_downtime_depth,peer_name';

interface Unhandled {
  readonly problems: ProblemRow[];
  /** Services left out because their host's entry covers them. */
  readonly coveredByHost: number;
}

/**
 * Problems nobody handles yet: not acknowledged, not in downtime (checked hosts only, pending
 * ones read state 0). The whole set is fetched with narrow columns and sorted here, since Thruk
 * would apply a limit before sorting.
 */
async function fetchUnhandled(
  ctx: ToolContext,
  filter: FilterNode | undefined,
  backends: string[] | undefined,
  opts: { minServiceState: 1 | 2; changedBefore?: number; includeOnProblemHosts: boolean },
): Promise<Unhandled> {
  const common: FilterLeaf[] = [
    { field: 'has_been_checked', value: 1 },
    { field: 'acknowledged', value: 0 },
    { field: 'scheduled_downtime_depth', value: 0 },
  ];
  if (opts.changedBefore !== undefined) common.push({ field: 'last_state_change', op: 'lte', value: opts.changedBefore });
  const p = scopeParams(filter, {
    hosts: [{ field: 'state', op: 'neq', value: 0 }, ...common],
    services: [{ field: 'state', op: 'gte', value: opts.minServiceState }, ...common],
  });
  const [hosts, services] = await Promise.all([
    getRows(ctx, '/hosts', query(p.hosts, { columns: HOST_COLS }), backends),
    getRows(ctx, '/services', query(p.services, { columns: SVC_COLS }), backends),
  ]);
  const now = ctx.now();
  const kept = opts.includeOnProblemHosts ? services : services.filter((r) => !onHandledHost(r));
  const starts = await coreStarts(ctx, [...hosts, ...kept], backends);
  const problems = [
    ...hosts.map((r) => toProblemRow('host', r, now, coreStartOf(starts, r))),
    ...kept.map((r) => toProblemRow('service', r, now, coreStartOf(starts, r))),
  ];
  problems.sort(byAge);
  return { problems, coveredByHost: services.length - kept.length };
}

function coveredNote(n: number): string[] {
  return n > 0
    ? [
        `${n} services on hosts that are down, acknowledged or in downtime are not listed (the host covers them); pass include_on_problem_hosts=true to list them.`,
      ]
    : [];
}

const pagedProblems = {
  total: z.number(),
  offset: z.number(),
  returned: z.number(),
  next_offset: z.number().optional().describe('Pass as offset to get the next page'),
  truncated: z.boolean().optional().describe('true when the answer budget cut this page short'),
  notes: z.array(z.string()).optional(),
};

export const oldestProblems = defineTool({
  name: 'thruk_oldest_problems',
  title: 'Oldest unhandled problems',
  toolset: 'triage',
  access: 'read',
  description: 'Oldest problems: longest-standing unhandled ones, oldest first.',
  input: z
    .object({
      limit: limitArg(20),
      offset: offsetArg,
      filter: scopeFilterArg,
      include_on_problem_hosts: includeOnProblemHostsArg,
      backends: backendsArg,
    })
    .strict(),
  output: z.object({ ...pagedProblems, rows: z.array(problemRow) }),
  run: async (ctx, args) => {
    const u = await fetchUnhandled(ctx, args.filter, parseBackends(args.backends), {
      minServiceState: 1,
      includeOnProblemHosts: args.include_on_problem_hosts,
    });
    const line = problemLine(multiplePeers(u.problems));
    const pg = page(u.problems, (r) => line(r), {
      offset: args.offset,
      limit: args.limit,
      budgetTokens: ctx.config.maxAnswerTokens,
      what: 'problems',
    });
    const notes = coveredNote(u.coveredByHost);
    const text = [
      pg.meta.total === 0
        ? 'No unhandled problems.'
        : `Oldest unhandled problems ${pg.meta.offset + 1}-${pg.meta.offset + pg.meta.returned} of ${pg.meta.total}:`,
    ];
    if (pg.lines.length > 0) text.push(PROBLEM_HEADER.join(' | '), ...pg.lines);
    const foot = pageFooter(pg.meta);
    if (foot !== undefined) text.push(foot);
    text.push(...notes.map((n) => `Note: ${n}`));
    return { data: { ...pg.meta, rows: pg.rows, ...(notes.length > 0 ? { notes } : {}) }, text: text.join('\n') };
  },
});

const criticalRow = problemRow.extend({ duration_minutes: z.number().optional() });
type CriticalRow = z.output<typeof criticalRow>;

export const unackedCritical = defineTool({
  name: 'thruk_unacked_critical',
  title: 'Unacknowledged critical problems',
  toolset: 'triage',
  access: 'read',
  description: 'Hosts DOWN/UNREACHABLE and services CRITICAL/UNKNOWN, unacknowledged and not in downtime, for at least threshold_minutes.',
  input: z
    .object({
      threshold_minutes: z.number().int().min(0).max(525_600).default(60).describe('Minimum minutes in the state'),
      filter: scopeFilterArg,
      include_on_problem_hosts: includeOnProblemHostsArg,
      limit: limitArg(100),
      offset: offsetArg,
      backends: backendsArg,
    })
    .strict(),
  output: z.object({
    threshold_minutes: z.number(),
    changed_before: z.string().describe('ISO-8601: problems whose state changed at or before this instant'),
    counts: z.record(z.string(), z.number()).describe('All matches by state, before paging'),
    ...pagedProblems,
    rows: z.array(criticalRow),
  }),
  run: async (ctx, args) => {
    const nowSec = Math.floor(ctx.now() / 1000);
    const cutoff = nowSec - args.threshold_minutes * 60;
    const u = await fetchUnhandled(ctx, args.filter, parseBackends(args.backends), {
      minServiceState: 2,
      changedBefore: cutoff,
      includeOnProblemHosts: args.include_on_problem_hosts,
    });
    const rows: CriticalRow[] = u.problems.map((p) =>
      p.duration_s === undefined ? p : { ...p, duration_minutes: Math.floor(p.duration_s / 60) },
    );
    const counts: Record<string, number> = {};
    for (const r of rows) {
      const key = `${r.kind === 'host' ? 'hosts' : 'services'}_${r.state.toLowerCase()}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    const line = problemLine(multiplePeers(rows));
    const pg = page(rows, (r) => line(r), {
      offset: args.offset,
      limit: args.limit,
      budgetTokens: ctx.config.maxAnswerTokens,
      what: 'problems',
    });
    const notes = coveredNote(u.coveredByHost);
    const what = `unacknowledged, not in downtime, in state for ≥ ${args.threshold_minutes}m (since ${iso(cutoff)} or earlier)`;
    const summary = `hosts: ${counts.hosts_down ?? 0} DOWN, ${counts.hosts_unreachable ?? 0} UNREACHABLE; services: ${counts.services_critical ?? 0} CRITICAL, ${counts.services_unknown ?? 0} UNKNOWN`;
    const text = [pg.meta.total === 0 ? `Nothing ${what}.` : `${summary} — ${what}.`];
    if (pg.lines.length > 0)
      text.push(
        `Longest first, ${pg.meta.offset + 1}-${pg.meta.offset + pg.meta.returned} of ${pg.meta.total}:`,
        PROBLEM_HEADER.join(' | '),
        ...pg.lines,
      );
    const foot = pageFooter(pg.meta);
    if (foot !== undefined) text.push(foot);
    text.push(...notes.map((n) => `Note: ${n}`));
    const data = {
      threshold_minutes: args.threshold_minutes,
      changed_before: iso(cutoff),
      counts,
      ...pg.meta,
      rows: pg.rows,
      ...(notes.length > 0 ? { notes } : {}),
    };
    return { data, text: text.join('\n') };
  },
});

/**
 * The calls whose Thruk requests and sequential rounds the far-Thruk bench (bench/far.ts) and the
 * counting test (test/far-rounds.test.ts) measure (issue 18): every tool of the default selection,
 * thruk_root_cause and the history tools, each with everyday arguments on the default estate, and
 * the Python thruk-mcp's request pattern for the same answer as the baseline.
 */
import type { Harness } from '../../test/helpers/harness.js';
import { countRounds, roundsOf, type RecordedRequest } from '../../src/sim/index.js';

/**
 * The Python thruk-mcp's requests and rounds for the same tool, read from
 * ../shared/parity/anchor-inventory.md (its endpoint column). `rounds` is the fewest the
 * inventory allows where it does not say whether two requests run one after the other.
 */
export interface PythonPattern {
  readonly requests: number;
  readonly rounds: number;
  readonly pattern: string;
}

export interface FarCase {
  readonly tool: string;
  readonly args: Record<string, unknown>;
  /** An everyday read: one round warm, two cold at most (issue 18 point 2). */
  readonly everyday: boolean;
  readonly write?: boolean;
  /** undefined: the Python thruk-mcp has no such tool */
  readonly python?: PythonPattern;
}

const HOST = 'web-02';
const SERVICE = 'https-cert';

export const FAR_CASES: readonly FarCase[] = [
  { tool: 'thruk_brief', args: {}, everyday: true },
  { tool: 'thruk_enable_toolset', args: { toolset: 'perfdata' }, everyday: true },
  {
    tool: 'thruk_problems',
    args: {},
    everyday: true,
    python: { requests: 2, rounds: 2, pattern: 'GET /hosts, then GET /services, one after the other' },
  },
  { tool: 'thruk_totals', args: {}, everyday: true, python: { requests: 2, rounds: 1, pattern: 'GET /hosts/totals + /services/totals' } },
  {
    tool: 'thruk_list_hosts',
    args: { limit: 50 },
    everyday: true,
    python: { requests: 1, rounds: 1, pattern: 'GET /hosts (limit/offset/sort)' },
  },
  { tool: 'thruk_get_host', args: { host: HOST }, everyday: true, python: { requests: 1, rounds: 1, pattern: 'GET /hosts/{h}' } },
  {
    tool: 'thruk_list_services',
    args: { limit: 50 },
    everyday: true,
    python: { requests: 1, rounds: 1, pattern: 'GET /services (limit/offset/sort)' },
  },
  {
    tool: 'thruk_get_service',
    args: { host: HOST, service: SERVICE },
    everyday: true,
    python: { requests: 1, rounds: 1, pattern: 'GET /services/{h}/{s}' },
  },
  { tool: 'thruk_sites', args: {}, everyday: true, python: { requests: 1, rounds: 1, pattern: 'GET /sites (cached)' } },
  { tool: 'thruk_list_logs', args: { since: '-24h' }, everyday: true, python: { requests: 1, rounds: 1, pattern: 'POST /logs' } },
  { tool: 'thruk_list_downtimes', args: {}, everyday: true, python: { requests: 1, rounds: 1, pattern: 'GET /downtimes' } },
  {
    tool: 'thruk_incident_timeline',
    args: { filter: { field: 'host', value: HOST }, since: '-24h' },
    everyday: true,
    python: { requests: 2, rounds: 2, pattern: 'count(*) pre-check, then POST /logs' },
  },
  {
    tool: 'thruk_root_cause',
    args: { since: '-1h' },
    everyday: true,
    python: { requests: 2, rounds: 2, pattern: 'POST /logs HOST ALERT, then the unfiltered /hosts topology, paginated' },
  },
  {
    tool: 'thruk_list_alerts',
    args: { since: '-24h' },
    everyday: false,
    python: { requests: 1, rounds: 1, pattern: 'POST /logs class=1' },
  },
  {
    tool: 'thruk_list_notifications',
    args: { since: '-24h' },
    everyday: false,
    python: { requests: 1, rounds: 1, pattern: 'POST /logs class=3' },
  },
  { tool: 'thruk_recent_events', args: {}, everyday: false, python: { requests: 1, rounds: 1, pattern: 'POST /logs time[gte]' } },
  {
    tool: 'thruk_notification_summary',
    args: { since: '-24h' },
    everyday: false,
    python: { requests: 1, rounds: 1, pattern: 'POST /logs class=3, counted in the client' },
  },
  {
    tool: 'thruk_state_at',
    args: { timestamp: '-1h', filter: { field: 'host', value: HOST } },
    everyday: false,
    python: { requests: 2, rounds: 2, pattern: 'count(*) pre-check, then POST /logs up to the instant' },
  },
  {
    tool: 'thruk_state_diff',
    args: { t1: '-2h', t2: '-1h', filter: { field: 'host', value: HOST } },
    everyday: false,
    python: { requests: 1, rounds: 1, pattern: 'one POST /logs up to the later instant' },
  },
  {
    tool: 'thruk_schedule_downtime',
    args: { host: HOST, comment: 'bench', duration_minutes: 30 },
    everyday: false,
    write: true,
    python: { requests: 1, rounds: 1, pattern: 'POST …/cmd/schedule_host_downtime' },
  },
  {
    tool: 'thruk_acknowledge',
    args: { host: 'app-02', service: 'memory', comment: 'bench' },
    everyday: false,
    write: true,
    python: { requests: 1, rounds: 1, pattern: 'POST …/cmd/acknowledge_svc_problem' },
  },
  {
    tool: 'thruk_recheck',
    args: { host: HOST },
    everyday: false,
    write: true,
    python: { requests: 1, rounds: 1, pattern: 'POST …/cmd/schedule_forced_host_check' },
  },
  {
    tool: 'thruk_bulk_acknowledge',
    args: { state: 'critical', comment: 'bench', dry_run: true },
    everyday: false,
    write: true,
    python: { requests: 2, rounds: 1, pattern: 'paginated /hosts + /services, then every ack (no dry run in Python)' },
  },
  {
    tool: 'thruk_delete_downtimes_by_filter',
    args: { host: 'lb-01', dry_run: true },
    everyday: false,
    write: true,
    python: { requests: 2, rounds: 2, pattern: '/hosts/{h}?columns=peer_key, then the /system/cmd delete' },
  },
  {
    tool: 'thruk_delete_downtime',
    args: { downtime_id: 3, dry_run: true },
    everyday: false,
    write: true,
    python: { requests: 2, rounds: 2, pattern: 'GET /downtimes/{id} (no service given), then …/cmd/del_downtime' },
  },
];

export interface Measured {
  readonly requests: number;
  readonly rounds: number;
  /** METHOD path per round, for the report */
  readonly pattern: string;
  readonly isError: boolean;
  readonly text: string;
}

/** What one call asked Thruk, from the simulator's request log (the simulator must hold answers back by a timer, see rounds.ts). */
export function requestsSince(h: Pick<Harness, 'sim'>, mark: number): RecordedRequest[] {
  return h.sim.requests.filter((r) => r.startSeq >= mark);
}

export function nextSeq(h: Pick<Harness, 'sim'>): number {
  const last = h.sim.requests.at(-1);
  return last === undefined ? 0 : Math.max(last.startSeq, last.endSeq ?? 0) + 1;
}

export function describeRounds(reqs: readonly RecordedRequest[]): string {
  if (reqs.length === 0) return '—';
  const depth = roundsOf(reqs);
  const rounds = new Map<number, string[]>();
  reqs.forEach((r, i) => {
    const k = depth[i] ?? 1;
    rounds.set(k, [...(rounds.get(k) ?? []), `${r.method === 'GET' ? '' : `${r.method} `}${r.path}`]);
  });
  return [...rounds.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, ps]) => ps.join(' + '))
    .join(' → ');
}

/** Calls a case once and counts what it asked Thruk. */
/** What measuring needs of a rig: the in-process bench server and the test harness both fit. */
export interface Measurable {
  readonly sim: Pick<Harness, 'sim'>['sim'];
  call(name: string, args?: Record<string, unknown>): Promise<{ isError?: boolean; text: string }>;
}

export async function measure(h: Measurable, c: FarCase): Promise<Measured> {
  const mark = nextSeq(h);
  const r = await h.call(c.tool, c.args);
  const reqs = requestsSince(h, mark);
  return { requests: reqs.length, rounds: countRounds(reqs), pattern: describeRounds(reqs), isError: r.isError === true, text: r.text };
}

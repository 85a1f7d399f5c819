import { z } from 'zod';
import { compileFilter, type FilterNode } from '../../thruk/filter.js';
import { defineTool, type ToolContext } from '../core/define.js';
import { duration, flag, iso, num } from '../lib/format.js';
import { backendsArg, getRows, offsetArg, page, pageFooter, parseBackends, query, type Row } from '../lib/list.js';
import { relIso } from '../lib/downtime-entries.js';
import { multiplePeers, scopeFilterArg, scopeParams } from '../lib/problems.js';

/** Naemon sometimes reports an epoch as latency (anchor issue #202); nothing real is this slow. */
const LATENCY_SANITY_CAP_S = 3600;
const REASONS = ['never_checked', 'stale', 'stale_passive', 'disabled', 'high_latency'] as const;
type Reason = (typeof REASONS)[number];

const staleRow = z.object({
  kind: z.enum(['host', 'service']),
  host: z.string(),
  service: z.string().nullable(),
  reason: z.enum(REASONS),
  last_check: z.string().optional().describe('ISO-8601; absent when never checked'),
  last_check_age_s: z.number().nullable(),
  check_interval_s: z.number(),
  latency_s: z.number().nullable().describe('null when Thruk reported an impossible value'),
  execution_time_s: z.number(),
  active_checks_enabled: z.boolean(),
  check_type: z.enum(['active', 'passive']),
  peer_name: z.string().optional(),
});
type StaleRow = z.output<typeof staleRow>;

interface Rules {
  readonly nowSec: number;
  readonly factor: number;
  readonly latency: number;
  readonly grace: number;
  readonly passiveMaxAge: number;
  readonly includeDisabled: boolean;
}

/** The anchor's rules, first match wins: never checked; passive: stale_passive, high latency; active: disabled, stale, high latency. */
export function classify(
  r: Row,
  intervalLength: number,
  rules: Rules,
): { reason: Reason; ageS: number | null; intervalS: number; latencyS: number | null } | undefined {
  const last = num(r.last_check);
  const ageS = last > 0 ? rules.nowSec - last : null;
  const intervalS = Math.round(num(r.check_interval) * intervalLength);
  const rawLatency = num(r.latency);
  const latencyS = rawLatency > LATENCY_SANITY_CAP_S ? null : rawLatency;
  const out = (reason: Reason) => ({ reason, ageS, intervalS, latencyS });
  if (!flag(r.has_been_checked)) return out('never_checked');
  const highLatency = latencyS !== null && latencyS > rules.latency;
  if (num(r.check_type) === 1) {
    // A passive check is judged by the age of its last result; its active checks are off by design.
    if (ageS !== null && ageS > rules.passiveMaxAge + rules.grace) return out('stale_passive');
    return highLatency ? out('high_latency') : undefined;
  }
  if (!flag(r.active_checks_enabled)) return rules.includeDisabled ? out('disabled') : undefined;
  if (intervalS > 0 && ageS !== null && ageS > intervalS * rules.factor + rules.grace) return out('stale');
  return highLatency ? out('high_latency') : undefined;
}

/**
 * Every row any rule could flag, so Thruk sends only candidates: an active check can only be
 * stale when its last check is older than the grace, whatever its interval.
 */
function candidates(rules: Rules): FilterNode {
  return {
    operator: 'or',
    conditions: [
      { field: 'has_been_checked', value: 0 },
      { field: 'check_type', value: 'passive' },
      { field: 'active_checks_enabled', value: 0 },
      { field: 'latency', op: 'gt', value: rules.latency },
      { field: 'last_check', op: 'lt', value: rules.nowSec - rules.grace },
    ],
  };
}

/** Both parts AND-ed; two q expressions become one, since Thruk reads a single q. */
export function andParams(a: Array<[string, string]>, b: Array<[string, string]>): Array<[string, string]> {
  const qs = [...a, ...b].filter(([k]) => k === 'q').map(([, v]) => v);
  const rest = [...a, ...b].filter(([k]) => k !== 'q');
  if (qs.length === 0) return rest;
  return [...rest, ['q', qs.length === 1 ? (qs[0] as string) : qs.map((q) => `(${q})`).join(' and ')]];
}

const COLS = 'last_check,latency,execution_time,check_interval,active_checks_enabled,has_been_checked,check_type,peer_key,peer_name';

async function intervalLengths(ctx: ToolContext, backends: string[] | undefined): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  try {
    for (const r of await getRows(ctx, '/processinfo', [['columns', 'peer_key,interval_length']], backends)) {
      if (typeof r.peer_key === 'string' && num(r.interval_length) > 0) out.set(r.peer_key, num(r.interval_length));
    }
  } catch {
    // check_interval is in minutes unless the core says otherwise; 60 s is every core's default.
  }
  return out;
}

export const staleChecks = defineTool({
  name: 'thruk_stale_checks',
  title: 'Stale checks',
  toolset: 'triage',
  access: 'read',
  description: 'Stale checks that stopped running ("false green"): never checked, overdue, old passive results, disabled, high latency.',
  input: z
    .object({
      filter: scopeFilterArg,
      staleness_factor: z.number().min(0).max(1000).default(2).describe('Stale when older than check_interval × this + grace_seconds'),
      latency_threshold_s: z.number().min(0).max(86_400).default(30).describe('Higher latency is reported'),
      grace_seconds: z.number().int().min(0).max(604_800).default(60).describe('Added to every threshold'),
      passive_max_age_s: z.number().int().min(0).max(31_536_000).default(3600).describe('Max age of a passive result'),
      include_hosts: z.boolean().default(true).describe('Also host checks'),
      include_disabled: z.boolean().default(true).describe('Report disabled active checks'),
      limit: z.number().int().min(1).max(5000).default(500).describe('Rows per page (all checks are examined)'),
      offset: offsetArg,
      backends: backendsArg,
    })
    .strict(),
  output: z.object({
    now: z.string(),
    counts: z.record(z.string(), z.number()).describe('Flagged checks per reason, before paging'),
    total: z.number(),
    offset: z.number(),
    returned: z.number(),
    next_offset: z.number().optional(),
    truncated: z.boolean().optional(),
    rows: z.array(staleRow),
    notes: z.array(z.string()).optional(),
  }),
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const nowSec = Math.floor(ctx.now() / 1000);
    const rules: Rules = {
      nowSec,
      factor: args.staleness_factor,
      latency: args.latency_threshold_s,
      grace: args.grace_seconds,
      passiveMaxAge: args.passive_max_age_s,
      includeDisabled: args.include_disabled,
    };
    const scope = scopeParams(args.filter);
    const cand = compileFilter('services', candidates(rules)).params;
    const candHosts = compileFilter('hosts', candidates(rules)).params;
    const [services, hosts, lengths] = await Promise.all([
      getRows(ctx, '/services', query(andParams(scope.services, cand), { columns: `host_name,description,${COLS}` }), backends),
      args.include_hosts
        ? getRows(ctx, '/hosts', query(andParams(scope.hosts, candHosts), { columns: `name,${COLS}` }), backends)
        : Promise.resolve([] as Row[]),
      intervalLengths(ctx, backends),
    ]);
    const rows: StaleRow[] = [];
    let insane = 0;
    const examine = (kind: 'host' | 'service', r: Row): void => {
      if (num(r.latency) > LATENCY_SANITY_CAP_S) insane += 1;
      const c = classify(r, (typeof r.peer_key === 'string' ? lengths.get(r.peer_key) : undefined) ?? 60, rules);
      if (c === undefined) return;
      const row: StaleRow = {
        kind,
        host: String(kind === 'host' ? r.name : r.host_name),
        service: kind === 'service' ? String(r.description) : null,
        reason: c.reason,
        last_check_age_s: c.ageS,
        check_interval_s: c.intervalS,
        latency_s: c.latencyS === null ? null : Math.round(c.latencyS * 1000) / 1000,
        execution_time_s: Math.round(num(r.execution_time) * 1000) / 1000,
        active_checks_enabled: flag(r.active_checks_enabled),
        check_type: num(r.check_type) === 1 ? 'passive' : 'active',
      };
      if (num(r.last_check) > 0) row.last_check = iso(r.last_check);
      if (typeof r.peer_name === 'string') row.peer_name = r.peer_name;
      rows.push(row);
    };
    for (const r of services) examine('service', r);
    for (const r of hosts) examine('host', r);
    rows.sort(
      (a, b) =>
        (b.last_check_age_s ?? Infinity) - (a.last_check_age_s ?? Infinity) ||
        a.host.localeCompare(b.host) ||
        (a.service ?? '').localeCompare(b.service ?? ''),
    );
    const counts: Record<string, number> = {};
    for (const r of rows) counts[r.reason] = (counts[r.reason] ?? 0) + 1;
    const showPeer = multiplePeers(rows);
    const line = (r: StaleRow): string =>
      [
        showPeer && r.peer_name !== undefined ? `${r.host}@${r.peer_name}` : r.host,
        r.service ?? '',
        r.reason,
        r.last_check_age_s === null ? 'never' : relIso(nowSec - r.last_check_age_s, nowSec * 1000),
        r.check_type === 'passive' ? 'passive' : `every ${duration(r.check_interval_s)}`,
        r.latency_s === null ? '' : `${r.latency_s}s`,
      ].join(' | ');
    const pg = page(rows, (r) => line(r), {
      offset: args.offset,
      limit: args.limit,
      budgetTokens: ctx.config.maxAnswerTokens,
      what: 'checks',
    });
    const notes: string[] = [];
    if (insane > 0)
      notes.push(
        `${insane} checks report a latency above ${LATENCY_SANITY_CAP_S}s, which is a known Naemon reporting bug; it was ignored (latency_s null).`,
      );
    const summary = REASONS.filter((k) => (counts[k] ?? 0) > 0)
      .map((k) => `${counts[k]} ${k}`)
      .join(', ');
    const text = [
      pg.meta.total === 0
        ? `All examined checks run as expected (${args.include_hosts ? 'hosts and services' : 'services'}).`
        : `Checks not running as expected: ${summary}. Stalest first, ${pg.meta.offset + 1}-${pg.meta.offset + pg.meta.returned} of ${pg.meta.total}:`,
    ];
    if (pg.lines.length > 0) text.push('host | service | reason | last check | schedule | latency', ...pg.lines);
    const foot = pageFooter(pg.meta);
    if (foot !== undefined) text.push(foot);
    text.push(...notes.map((n) => `Note: ${n}`));
    const data = { now: iso(nowSec), counts, ...pg.meta, rows: pg.rows, ...(notes.length > 0 ? { notes } : {}) };
    return { data, text: text.join('\n') };
  },
});

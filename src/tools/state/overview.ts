import { z } from 'zod';
import { compileFilter, filterSchema, type FilterLeaf, type FilterNode } from '../../thruk/filter.js';
import { defineTool, type ToolContext } from '../core/define.js';
import { cell, num } from '../lib/format.js';
import { backendsArg, getRows, page, parseBackends, renderList, type Row } from '../lib/list.js';
import { rewriteLeaves } from '../lib/filter-scope.js';

const COUNT_FILTER_FIELDS = ['hostgroup', 'servicegroup', 'custom_var', 'host', 'peer_name'] as const;
const countFilter = filterSchema(COUNT_FILTER_FIELDS).optional().describe('Scope; servicegroup narrows services only');

/**
 * Aggregates are computed by Thruk (Livestatus Stats), never from fetched rows. The host side
 * cannot be scoped by servicegroup, so that condition only narrows the service side.
 */
function sideFilters(filter: FilterNode | undefined): { hosts: FilterNode | undefined; services: FilterNode | undefined; notes: string[] } {
  const notes: string[] = [];
  let droppedSg = false;
  const hosts = rewriteLeaves(
    filter,
    (l): FilterLeaf | null => {
      if (l.field === 'servicegroup') {
        droppedSg = true;
        return null;
      }
      return l.field === 'host' ? { ...l, field: 'name' } : l;
    },
    'host counts cannot be scoped by servicegroup',
  );
  if (droppedSg) notes.push('servicegroup narrows only the service counts; host counts are not scoped by it.');
  const services = rewriteLeaves(filter, (l): FilterLeaf => (l.field === 'custom_var' ? { ...l, field: 'host_custom_var' } : l), '');
  return { hosts, services, notes };
}

async function aggregate(ctx: ToolContext, kind: 'stats' | 'totals', filter: FilterNode | undefined, backends: string[] | undefined) {
  const f = sideFilters(filter);
  const opts = backends ? { backends } : {};
  // Both filters compile before either request starts: a throw between two started requests would
  // orphan the first, whose rejection (at the latest when the SDK aborts the call's signal after the
  // answer) nobody observes.
  const hostQuery = compileFilter('hosts', f.hosts).params;
  const serviceQuery = compileFilter('services', f.services).params;
  const [hosts, services, checksOff] = await Promise.all([
    ctx.thruk.get<Row>(`/hosts/${kind}`, { query: hostQuery, ...opts, signal: ctx.signal }),
    ctx.thruk.get<Row>(`/services/${kind}`, { query: serviceQuery, ...opts, signal: ctx.signal }),
    getRows(ctx, '/hosts', [...hostQuery, ...UNHANDLED_CHECKS_OFF], backends),
  ]);
  const h = asCounts(hosts);
  addChecksOff(h, checksOff);
  return { hosts: h, services: asCounts(services), notes: f.notes };
}

/**
 * Thruk's host `X_and_unhandled` also needs active_checks_enabled=1 (§5.8), so a DOWN host that is
 * checked passively, or whose active checks someone turned off, is "handled" by its totals while
 * nobody acknowledged it, and thruk_problems, thruk_unacked_critical and the brief list it as
 * unhandled. One rule for every tool (issue 12): unhandled = a problem neither acknowledged nor in
 * downtime; those hosts are counted here (one grouped count by Thruk) and added.
 */
const UNHANDLED_CHECKS_OFF: Array<[string, string]> = [
  ['state[ne]', '0'],
  ['has_been_checked', '1'],
  ['active_checks_enabled', '0'],
  ['acknowledged', '0'],
  ['scheduled_downtime_depth', '0'],
  ['columns', 'state,count(*):n'],
];

function addChecksOff(h: Record<string, number>, rows: readonly Row[]): void {
  for (const r of rows) {
    const word = num(r.state) === 1 ? 'down' : num(r.state) === 2 ? 'unreachable' : undefined;
    if (word === undefined || num(r.n) === 0) continue;
    const key = `${word}_and_unhandled`;
    h[key] = (h[key] ?? 0) + num(r.n);
  }
}

function asCounts(r: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (r !== null && typeof r === 'object' && !Array.isArray(r))
    for (const [k, v] of Object.entries(r)) if (typeof v === 'number') out[k] = v;
  return out;
}

/** "total 20: up 17, down 2, …" with zero counters left out (they are in structuredContent). */
function countsLine(what: string, c: Record<string, number>, order?: readonly string[]): string {
  const keys = (order ?? Object.keys(c)).filter((k) => k !== 'total' && (c[k] ?? 0) !== 0);
  return `${what} total ${c.total ?? 0}${keys.length > 0 ? `: ${keys.map((k) => `${k} ${c[k]}`).join(', ')}` : ''}`;
}

const countsOutput = z.object({
  hosts: z.record(z.string(), z.number()),
  services: z.record(z.string(), z.number()),
  notes: z.array(z.string()).optional(),
});

function withNotes(data: { hosts: Record<string, number>; services: Record<string, number>; notes: string[] }) {
  const { notes, ...rest } = data;
  return notes.length > 0 ? { ...rest, notes } : rest;
}

export const stats = defineTool({
  name: 'thruk_stats',
  title: 'Detailed state counters',
  toolset: 'state',
  access: 'read',
  description: 'Detailed counters: per state, acked, in downtime, unhandled, flapping, checks/notifications off, passive.',
  input: z.object({ filter: countFilter, backends: backendsArg }).strict(),
  output: countsOutput,
  run: async (ctx, args) => {
    const d = await aggregate(ctx, 'stats', args.filter, parseBackends(args.backends));
    const text = [countsLine('Hosts', d.hosts), countsLine('Services', d.services), ...d.notes.map((n) => `Note: ${n}`)].join('\n');
    return { data: withNotes(d), text };
  },
});

const HOST_TOTAL_ORDER = ['up', 'down', 'unreachable', 'pending', 'down_and_unhandled', 'unreachable_and_unhandled'];
const SERVICE_TOTAL_ORDER = [
  'ok',
  'warning',
  'critical',
  'unknown',
  'pending',
  'warning_and_unhandled',
  'critical_and_unhandled',
  'unknown_and_unhandled',
];

export const totals = defineTool({
  name: 'thruk_totals',
  title: 'State totals',
  toolset: 'state',
  access: 'read',
  description: 'Host and service totals per state, and how many problems are unhandled. Cheapest overview.',
  input: z.object({ filter: countFilter, backends: backendsArg }).strict(),
  output: countsOutput,
  run: async (ctx, args) => {
    const d = await aggregate(ctx, 'totals', args.filter, parseBackends(args.backends));
    const text = [
      countsLine('Hosts', d.hosts, HOST_TOTAL_ORDER),
      countsLine('Services', d.services, SERVICE_TOTAL_ORDER),
      ...d.notes.map((n) => `Note: ${n}`),
    ].join('\n');
    return { data: withNotes(d), text };
  },
});

const HOST_PROBLEM_KEYS = ['down', 'unreachable', 'down_and_unhandled', 'unreachable_and_unhandled'];
const SERVICE_PROBLEM_KEYS = ['warning', 'critical', 'unknown', 'warning_and_unhandled', 'critical_and_unhandled', 'unknown_and_unhandled'];

export const problemCounts = defineTool({
  name: 'thruk_problem_counts',
  title: 'Problem counts',
  toolset: 'state',
  access: 'read',
  description: 'Problem counts only (hosts down/unreachable, services warning/critical/unknown), each with unhandled.',
  input: z.object({ filter: countFilter, backends: backendsArg }).strict(),
  output: countsOutput,
  run: async (ctx, args) => {
    const d = await aggregate(ctx, 'totals', args.filter, parseBackends(args.backends));
    const sub = (c: Record<string, number>, keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, num(c[k])]));
    const data = withNotes({ hosts: sub(d.hosts, HOST_PROBLEM_KEYS), services: sub(d.services, SERVICE_PROBLEM_KEYS), notes: d.notes });
    const fmt = (c: Record<string, number>, states: readonly string[]) =>
      states.map((s) => `${s} ${c[s] ?? 0} (${c[`${s}_and_unhandled`] ?? 0} unhandled)`).join(', ');
    const text = [
      `Hosts: ${fmt(data.hosts, ['down', 'unreachable'])}`,
      `Services: ${fmt(data.services, ['critical', 'unknown', 'warning'])}`,
      ...d.notes.map((n) => `Note: ${n}`),
    ].join('\n');
    return { data, text };
  },
});

const sitesOutput = z.object({
  total: z.number(),
  rows: z.array(z.record(z.string(), z.unknown())),
});

export const sites = defineTool({
  name: 'thruk_sites',
  title: 'Backends (sites)',
  toolset: 'state',
  access: 'read',
  description: 'The backends (sites) with connection state and last error; their names go into `backends`.',
  input: z.object({ backends: backendsArg }).strict(),
  output: sitesOutput,
  run: async (ctx, args) => {
    const rows = await getRows(ctx, '/sites', [], parseBackends(args.backends));
    const render = (r: Row) =>
      [
        cell(r.name),
        num(r.status) === 0 ? 'UP' : 'DOWN',
        r.connected === undefined ? '' : num(r.connected) === 1 ? 'connected' : 'disconnected',
        cell(r.type),
        cell(r.addr),
        cell(r.last_error),
      ].join(' | ');
    const p = page(rows, render, { offset: 0, limit: 1000, budgetTokens: ctx.config.maxAnswerTokens, what: 'backends' });
    return {
      data: { total: rows.length, rows: p.rows },
      text: renderList('backends', p.meta, ['name', 'status', 'connection', 'type', 'address', 'last error'], p.lines),
    };
  },
});

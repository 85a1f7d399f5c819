/** Shared by the live-state triage tools: the host scope filter and the problem row shape. */
import { z } from 'zod';
import { compileFilter, filterSchema, type FilterLeaf, type FilterNode } from '../../thruk/filter.js';
import { age, cell, hostStateName, iso, num, serviceStateName, stateAge } from './format.js';
import type { Row } from './list.js';
import { rewriteLeaves } from './filter-scope.js';

export const SCOPE_FIELDS = ['hostgroup', 'custom_var'] as const;

export const scopeFilterArg = filterSchema(SCOPE_FIELDS).optional();

/** The same scope compiled for /hosts and for /services (where the custom variable is the host's). */
export function scopeParams(
  filter: FilterNode | undefined,
  extra: { hosts?: FilterLeaf[]; services?: FilterLeaf[] } = {},
): { hosts: Array<[string, string]>; services: Array<[string, string]> } {
  const svc = rewriteLeaves(filter, (l): FilterLeaf => (l.field === 'custom_var' ? { ...l, field: 'host_custom_var' } : l), '');
  return {
    hosts: compileFilter('hosts', filter, extra.hosts ?? []).params,
    services: compileFilter('services', svc, extra.services ?? []).params,
  };
}

export const problemRow = z.object({
  kind: z.enum(['host', 'service']),
  host: z.string(),
  service: z.string().nullable().describe('null for a host problem'),
  state: z.string(),
  hard: z.boolean(),
  since: z.string().optional().describe('ISO-8601 time of the last state change; absent when Thruk does not know it'),
  duration_s: z.number().optional(),
  duration_human: z.string().optional(),
  duration_at_least: z.boolean().optional().describe('At least this old (since the core start)'),
  output: z.string(),
  peer_name: z.string().optional(),
});
export type ProblemRow = z.output<typeof problemRow>;

export function toProblemRow(kind: 'host' | 'service', r: Row, nowMs: number, coreStart?: number): ProblemRow {
  const p: ProblemRow = {
    kind,
    host: String(kind === 'host' ? r.name : r.host_name),
    service: kind === 'service' ? String(r.description) : null,
    state: kind === 'host' ? hostStateName(r.state) : serviceStateName(r.state),
    hard: r.state_type === 1 || r.state_type === 'HARD' || r.state_type === undefined,
    output: typeof r.plugin_output === 'string' ? r.plugin_output : cell(r.plugin_output),
  };
  // Icinga 2 reports 0 for a state held since the core started: then it is at least that old
  // (and among the oldest, not "unknown, listed last").
  const held = stateAge(r.last_state_change, nowMs, coreStart);
  if (held !== undefined) {
    p.since = iso(held.since);
    p.duration_s = Math.round(held.seconds);
    p.duration_human = age(p.duration_s);
    if (held.atLeast) p.duration_at_least = true;
  }
  if (typeof r.peer_name === 'string') p.peer_name = r.peer_name;
  return p;
}

/** Oldest first; problems whose start Thruk does not know go last. */
export function byAge(a: ProblemRow, b: ProblemRow): number {
  const da = a.duration_s ?? -1;
  const db = b.duration_s ?? -1;
  return db - da || a.host.localeCompare(b.host) || (a.service ?? '').localeCompare(b.service ?? '');
}

export function problemLine(showPeer: boolean) {
  return (p: ProblemRow): string => {
    const host = showPeer && p.peer_name !== undefined ? `${p.host}@${p.peer_name}` : p.host;
    const state = p.hard ? p.state : `${p.state} soft`;
    const at = p.duration_at_least === true ? '≥' : '';
    return [
      host,
      p.service ?? '',
      state,
      p.since !== undefined ? `${at}${p.since}` : '',
      p.duration_human !== undefined ? `${at}${p.duration_human}` : '',
      cell(p.output, 160),
    ].join(' | ');
  };
}
export const PROBLEM_HEADER = ['host', 'service', 'state', 'since', 'for', 'output'];

/** A service whose host is down, acknowledged or in downtime is covered by the host's own entry. */
export function onHandledHost(r: Row): boolean {
  return (
    num(r.host_state) !== 0 || r.host_acknowledged === true || num(r.host_acknowledged) === 1 || num(r.host_scheduled_downtime_depth) > 0
  );
}

export const includeOnProblemHostsArg = z.boolean().default(false).describe('Also services of hosts that are down, acked or in downtime');

export { multiplePeers } from './words.js';

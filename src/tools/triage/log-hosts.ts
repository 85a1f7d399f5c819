/**
 * Which hosts went DOWN or UNREACHABLE: HOST ALERT rows of the window grouped by host and state
 * on the Thruk side (exact, no row cap), plus, when the window ends now, the hosts that are DOWN
 * or UNREACHABLE right now, so an outage whose alerts are older than the window is still seen.
 */
import { compileFilter } from '../../thruk/filter.js';
import type { ToolContext } from '../core/define.js';
import { num } from '../lib/format.js';
import { aggregateLogs } from '../lib/logquery.js';
import { getRows } from '../lib/list.js';
import { HOST_ALERTS, hostOf, prepare, type LogWindow } from '../lib/logwindow.js';

/** A window ending this close to now counts as "now": current state then belongs to it. */
export const LIVE_SLACK_S = 120;

export interface Span {
  count: number;
  first: number;
  last: number;
}

export interface HostHit {
  readonly name: string;
  down?: Span;
  unreachable?: Span;
  /** DOWN (1) or UNREACHABLE (2) right now, when the window ends now. */
  current?: { state: number; since: number };
}

export interface AffectedHosts {
  readonly hosts: Map<string, HostHit>;
  /** Current state was merged in. */
  readonly live: boolean;
  /** DOWN/UNREACHABLE alert rows in the window. */
  readonly events: number;
  /** The scope filter matched no host at all. */
  readonly empty: boolean;
}

export function isLive(ctx: ToolContext, w: LogWindow): boolean {
  return w.until >= Math.floor(ctx.now() / 1000) - LIVE_SLACK_S;
}

function hit(map: Map<string, HostHit>, name: string): HostHit {
  let h = map.get(name);
  if (h === undefined) {
    h = { name };
    map.set(name, h);
  }
  return h;
}

export async function affectedHosts(
  ctx: ToolContext,
  w: LogWindow,
  backends: string[] | undefined,
  includeCurrent: boolean,
): Promise<AffectedHosts> {
  const p = await prepare(ctx, w, [...HOST_ALERTS, { field: 'state', op: 'gte', value: 1 }], backends);
  const hosts = new Map<string, HostHit>();
  const live = includeCurrent && isLive(ctx, w);
  if (p.empty) return { hosts, live, events: 0, empty: true };
  let events = 0;
  // The current failing hosts need nothing from the log: read beside it (one round, issue 18).
  const liveParams = live
    ? compileFilter('hosts', w.filter, [
        { field: 'state', op: 'gte', value: 1 },
        { field: 'has_been_checked', value: 1 },
      ]).params
    : undefined;
  const [logRows, current] = await Promise.all([
    aggregateLogs(ctx, p, { since: w.since, until: w.until, groupBy: ['host_name', 'state'], backends, notes: w.notes }),
    liveParams !== undefined
      ? getRows(ctx, '/hosts', [...liveParams, ['columns', 'name,state,last_state_change']], backends)
      : Promise.resolve([]),
  ]);
  for (const r of logRows) {
    const name = hostOf(r);
    const state = num(r.state);
    if (name === '' || (state !== 1 && state !== 2)) continue;
    const count = num(r.count);
    events += count;
    const h = hit(hosts, name);
    const key = state === 1 ? 'down' : 'unreachable';
    const prev = h[key];
    h[key] =
      prev === undefined
        ? { count, first: num(r.first), last: num(r.last) }
        : { count: prev.count + count, first: Math.min(prev.first, num(r.first)), last: Math.max(prev.last, num(r.last)) };
  }
  for (const r of current) {
    const state = num(r.state);
    if (state !== 1 && state !== 2) continue;
    hit(hosts, String(r.name)).current = { state, since: num(r.last_state_change) };
  }
  return { hosts, live, events, empty: false };
}

export function wentDown(h: HostHit): boolean {
  return h.down !== undefined || h.current?.state === 1;
}

export function wentUnreachable(h: HostHit): boolean {
  return h.unreachable !== undefined || h.current?.state === 2;
}

/** When the host's DOWN started: the current state change if it is DOWN now, else its first DOWN alert. */
export function downSince(h: HostHit): number | undefined {
  if (h.current?.state === 1 && h.current.since > 0) return h.current.since;
  return h.down?.first;
}

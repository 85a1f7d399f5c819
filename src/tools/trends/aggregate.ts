/**
 * Thruk-side group-by over alert rows, folded per object: one small row per (object, state)
 * comes back instead of every alert, so counts are exact whatever the window holds.
 */
import type { ToolContext } from '../core/define.js';
import { num } from '../lib/format.js';
import { aggregateLogsPerCore, type PreparedLogQuery } from '../lib/logquery.js';
import { coreOf, hostOf, objectKey, serviceOf, type LogWindow } from '../lib/logwindow.js';

export interface ObjectStats {
  readonly host: string;
  /** '' for host alerts. */
  readonly service: string;
  /** The core (peer_name) when several are in scope, else ''. */
  readonly core: string;
  count: number;
  first: number;
  last: number;
  /** State of the newest row (ties: the worse state). */
  lastState: number;
  readonly byState: Map<number, { count: number; first: number; last: number }>;
}

/**
 * Per object (host, or host+service when `perService`, and its core when several are in scope),
 * rows grouped by state on the Thruk side. Sorted by count, then newest, then name.
 */
export async function statsByObject(
  ctx: ToolContext,
  p: PreparedLogQuery,
  w: LogWindow,
  perService: boolean,
  backends: string[] | undefined,
): Promise<ObjectStats[]> {
  const groupBy = perService ? ['host_name', 'service_description', 'state'] : ['host_name', 'state'];
  const rows = await aggregateLogsPerCore(ctx, p, { since: w.since, until: w.until, groupBy, backends, notes: w.notes });
  const byKey = new Map<string, ObjectStats>();
  for (const r of rows) {
    const count = num(r.count);
    if (count <= 0) continue;
    const host = hostOf(r);
    const service = perService ? serviceOf(r) : '';
    const state = num(r.state);
    const first = num(r.first);
    const last = num(r.last);
    const core = coreOf(r);
    const key = objectKey(host, service, core);
    let s = byKey.get(key);
    if (s === undefined) {
      s = { host, service, core, count: 0, first, last, lastState: state, byState: new Map() };
      byKey.set(key, s);
    }
    s.count += count;
    s.first = Math.min(s.first, first);
    if (last > s.last || (last === s.last && state > s.lastState)) s.lastState = state;
    s.last = Math.max(s.last, last);
    // Several backends may answer the same (object, state) group separately; fold them.
    const prev = s.byState.get(state);
    s.byState.set(
      state,
      prev === undefined
        ? { count, first, last }
        : { count: prev.count + count, first: Math.min(prev.first, first), last: Math.max(prev.last, last) },
    );
  }
  return [...byKey.values()].sort(byCountThenName);
}

export function byCountThenName(a: ObjectStats, b: ObjectStats): number {
  return (
    b.count - a.count ||
    b.last - a.last ||
    a.host.localeCompare(b.host) ||
    a.service.localeCompare(b.service) ||
    a.core.localeCompare(b.core)
  );
}

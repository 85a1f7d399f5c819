/**
 * Exact cuts of a log window from either end. Thruk applies `limit` before `sort` on logs, so a
 * cut is found by bisecting the window edge on Thruk-side counts and then fetching the whole,
 * smaller window sorted. Generalises logquery's fetchNewestLogs to oldest-first cuts and reuses a
 * total already counted.
 */
import type { ToolContext } from '../core/define.js';
import { countLogs, type PreparedLogQuery, type Row } from '../lib/logquery.js';

export interface EdgeRows {
  /** Rows in the requested order, at most maxRows. */
  readonly rows: Row[];
  /** Rows in the whole window. */
  readonly total: number;
  /** The part actually fetched: [from, to] ⊆ [since, until]. */
  readonly from: number;
  readonly to: number;
  readonly truncated: boolean;
}

export interface EdgeOptions {
  readonly since: number;
  readonly until: number;
  readonly columns: readonly string[];
  readonly maxRows: number;
  readonly order: 'newest' | 'oldest';
  readonly backends?: string[] | undefined;
  /** Already counted by the caller: saves one request. */
  readonly total?: number;
}

export async function fetchEdge(ctx: ToolContext, p: PreparedLogQuery, o: EdgeOptions): Promise<EdgeRows> {
  const total = o.total ?? (await countLogs(ctx, p, o.since, o.until, o.backends));
  if (total === 0 || p.empty) return { rows: [], total: 0, from: o.since, to: o.until, truncated: false };
  let from = o.since;
  let to = o.until;
  if (total > o.maxRows) {
    // Bisect to the second where the cut falls, then fetch that second too and cut there, so
    // rows sharing a timestamp never leave a page short.
    if (o.order === 'newest') {
      let lo = o.since;
      let hi = o.until + 1;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if ((await countLogs(ctx, p, mid, o.until, o.backends)) > o.maxRows) lo = mid;
        else hi = mid;
      }
      from = lo;
    } else {
      let lo = o.since - 1;
      let hi = o.until;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if ((await countLogs(ctx, p, o.since, mid, o.backends)) > o.maxRows) hi = mid;
        else lo = mid;
      }
      to = hi;
    }
  }
  const res = await ctx.thruk.get<unknown>('/logs', {
    query: [...p.params, ['time[gte]', String(from)], ['time[lte]', String(to)], ...(o.columns.length > 0 ? [['columns', o.columns.join(',')] as [string, string]] : []), ['sort', o.order === 'newest' ? '-time' : 'time']],
    ...(o.backends ? { backends: o.backends } : {}),
    signal: ctx.signal,
  });
  const list = Array.isArray(res) ? (res as Row[]) : [];
  const rows = list.slice(0, o.maxRows);
  const truncated = list.length > o.maxRows;
  const last = rows[rows.length - 1];
  if (truncated && last !== undefined) {
    const t = typeof last.time === 'number' ? last.time : undefined;
    if (t !== undefined && o.order === 'newest') from = t;
    if (t !== undefined && o.order === 'oldest') to = t;
  }
  return { rows, total, from, to, truncated };
}

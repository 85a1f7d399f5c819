/**
 * Exact cuts of a log window from either end. Thruk applies `limit` before `sort` on logs, so a
 * cut is found from a Thruk-side per-second count (logHistogram) and then the whole, smaller
 * window is fetched sorted: two sequential requests whatever the window's size. Generalises logquery's fetchNewestLogs to oldest-first cuts and reuses a
 * total already counted.
 */
import type { ToolContext } from '../core/define.js';
import { histogramCut, logHistogram, type LogHistogram, type PreparedLogQuery, type Row } from '../lib/logquery.js';

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
  /** Already counted by the caller: saves the histogram request when no cut is needed. */
  readonly total?: number;
  /** Already fetched by the caller (logHistogram): saves the histogram request. */
  readonly histogram?: LogHistogram | undefined;
}

export async function fetchEdge(ctx: ToolContext, p: PreparedLogQuery, o: EdgeOptions): Promise<EdgeRows> {
  if (p.empty || o.total === 0) return { rows: [], total: 0, from: o.since, to: o.until, truncated: false };
  const cols: Array<[string, string]> = o.columns.length > 0 ? [['columns', o.columns.join(',')]] : [];
  const sort: [string, string] = ['sort', o.order === 'newest' ? '-time' : 'time'];
  const opts = { ...(o.backends ? { backends: o.backends } : {}), signal: ctx.signal };
  let counted: { total: number; histogram: LogHistogram | undefined };
  if (o.histogram !== undefined) counted = { total: o.total ?? o.histogram.reduce((a, b) => a + b[1], 0), histogram: o.histogram };
  else if (o.total !== undefined)
    counted = {
      total: o.total,
      histogram: o.total > o.maxRows ? (await logHistogram(ctx, p, o.since, o.until, o.backends)).histogram : undefined,
    };
  else {
    // Nothing counted yet: the whole window is asked beside its histogram, with limit one past
    // maxRows. Thruk applies that limit before sorting, so the rows are only the right ones when
    // fewer came back (then they are all of them, in one round); otherwise the histogram says
    // where to cut and the cut is fetched (two rounds, as with counting first).
    const [whole, h] = await Promise.all([
      ctx.thruk.get<unknown>('/logs', {
        query: [
          ...p.params,
          ['time[gte]', String(o.since)],
          ['time[lte]', String(o.until)],
          ...cols,
          sort,
          ['limit', String(o.maxRows + 1)],
        ],
        ...opts,
      }),
      logHistogram(ctx, p, o.since, o.until, o.backends),
    ]);
    const got = Array.isArray(whole) ? (whole as Row[]) : [];
    if (got.length <= o.maxRows) return { rows: got, total: got.length, from: o.since, to: o.until, truncated: false };
    counted = h;
  }
  const total = counted.total;
  if (total === 0) return { rows: [], total: 0, from: o.since, to: o.until, truncated: false };
  let from = o.since;
  let to = o.until;
  if (total > o.maxRows && counted.histogram !== undefined) {
    const cut = histogramCut(counted.histogram, o.maxRows, o.order);
    if (cut !== undefined && o.order === 'newest') from = cut;
    if (cut !== undefined && o.order === 'oldest') to = cut;
  }
  const res = await ctx.thruk.get<unknown>('/logs', {
    query: [...p.params, ['time[gte]', String(from)], ['time[lte]', String(to)], ...cols, sort],
    ...opts,
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

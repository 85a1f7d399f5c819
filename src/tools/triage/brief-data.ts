/**
 * The shift brief's reads (issue 15). Every read is filtered or aggregated by Thruk (count(*),
 * min(), group-by columns): rows are fetched only for sets already known to be small, so a
 * 50 000-host estate costs the same handful of requests as the demo.
 */
import type { ToolContext } from '../core/define.js';
import { cell, num } from '../lib/format.js';
import { getRows, type Row } from '../lib/list.js';

type Params = Array<[string, string]>;

/** Rows are fetched only below this count; above it the brief gives counts (and says so). */
export const FETCH_CAP = 200;
/** The windows tried for "the newest unhandled problems", smallest first (seconds). */
const WINDOWS = [300, 900, 3600, 6 * 3600, 86400, 7 * 86400] as const;

export const UNHANDLED_HOST: Params = [
  ['state[ne]', '0'],
  ['acknowledged', '0'],
  ['scheduled_downtime_depth', '0'],
];
/** A service on a host that is down or handled is counted with its host, as thruk_problems does. */
export const UNHANDLED_SERVICE: Params = [
  ...UNHANDLED_HOST,
  ['host_state', '0'],
  ['host_acknowledged', '0'],
  ['host_scheduled_downtime_depth', '0'],
];

export const HOST_COLS = 'name,state,state_type,last_state_change,plugin_output,peer_name';
export const SERVICE_COLS = 'host_name,description,state,state_type,last_state_change,plugin_output,peer_name';

export interface Fetch {
  readonly ctx: ToolContext;
  readonly backends: string[] | undefined;
}

async function aggregate(f: Fetch, path: string, params: Params, columns: string): Promise<Row> {
  const rows = await getRows(f.ctx, path, [...params, ['columns', columns]], f.backends);
  return rows[0] ?? {};
}

export async function countOf(f: Fetch, path: string, params: Params): Promise<number> {
  return num((await aggregate(f, path, params, 'count(*):n')).n);
}

export interface Unhandled {
  readonly total: number;
  /** Epoch of the oldest last state change among them (0 when none). */
  readonly oldest: number;
  /** The newest rows, all of them when the set is small, else those of the smallest window that has enough. */
  readonly rows: readonly Row[];
  /** The rows cover every unhandled problem changed at or after this epoch (0: all of them). */
  readonly since: number;
  /** Too many changed even in the smallest window to list: the whole set grouped by Thruk instead. */
  readonly groups?: readonly ProblemGroup[];
}

export interface ProblemGroup {
  /** The service description (services), absent for hosts. */
  readonly service?: string;
  readonly state: number;
  readonly objects: number;
  readonly newest: number;
}

/** Unhandled problems of one table: count and oldest by Thruk, then the newest rows in a window Thruk filters. */
export async function unhandled(f: Fetch, table: 'hosts' | 'services', want: number, nowSec: number): Promise<Unhandled> {
  const params = table === 'hosts' ? UNHANDLED_HOST : UNHANDLED_SERVICE;
  const columns = table === 'hosts' ? HOST_COLS : SERVICE_COLS;
  const [agg, few] = await Promise.all([
    aggregate(f, `/${table}`, params, 'count(*):n,min(last_state_change):oldest'),
    fewRows(f, `/${table}`, params, columns),
  ]);
  const total = num(agg.n);
  const oldest = num(agg.oldest);
  if (total === 0) return { total, oldest, rows: [], since: 0 };
  if (total <= FETCH_CAP)
    return { total, oldest, rows: few ?? (await getRows(f.ctx, `/${table}`, [...params, ['columns', columns]], f.backends)), since: 0 };
  const counts = await Promise.all(
    WINDOWS.map((w) => countOf(f, `/${table}`, [...params, ['last_state_change[gte]', String(nowSec - w)]])),
  );
  // The smallest window with enough rows to show, and few enough to fetch; the largest that fits otherwise.
  let pick = -1;
  for (let i = 0; i < WINDOWS.length; i++) {
    const c = counts[i] ?? 0;
    if (c > FETCH_CAP) break;
    pick = i;
    if (c >= want) break;
  }
  if (pick < 0) {
    // A flood (one outage, many objects): what failed and on how many, grouped by Thruk.
    const cols =
      table === 'hosts' ? 'state,count(*):n,max(last_state_change):newest' : 'description,state,count(*):n,max(last_state_change):newest';
    const rows = await getRows(f.ctx, `/${table}`, [...params, ['columns', cols]], f.backends);
    const groups = rows
      .map((r) => ({
        ...(table === 'services' ? { service: cell(r.description) } : {}),
        state: num(r.state),
        objects: num(r.n),
        newest: num(r.newest),
      }))
      .filter((g) => g.objects > 0);
    return { total, oldest, rows: [], since: nowSec - (WINDOWS[0] as number), groups };
  }
  const since = nowSec - (WINDOWS[pick] as number);
  const rows =
    (counts[pick] ?? 0) === 0
      ? []
      : await getRows(f.ctx, `/${table}`, [...params, ['last_state_change[gte]', String(since)], ['columns', columns]], f.backends);
  return { total, oldest, rows, since };
}

export interface DowntimeGroup {
  readonly author: string;
  readonly comment: string;
  readonly objects: number;
  readonly start: number;
  readonly end: number;
}

/** Downtimes grouped by author and comment (one maintenance = one line), by Thruk. */
export async function downtimeGroups(f: Fetch, params: Params): Promise<DowntimeGroup[]> {
  const rows = await getRows(
    f.ctx,
    '/downtimes',
    [...params, ['columns', 'author,comment,count(*):n,min(start_time):start,max(end_time):end']],
    f.backends,
  );
  return rows
    .map((r) => ({ author: cell(r.author), comment: cell(r.comment, 200), objects: num(r.n), start: num(r.start), end: num(r.end) }))
    .filter((g) => g.objects > 0)
    .sort((a, b) => a.start - b.start || b.objects - a.objects);
}

export interface Counted {
  readonly total: number;
  /** The rows, when total is at most FETCH_CAP. */
  readonly rows: readonly Row[] | undefined;
  /** Counts per group value, when there were too many rows to fetch. */
  readonly groups?: ReadonlyArray<{ key: string; n: number }>;
}

/** A count, then the rows only when there are few; many are grouped by Thruk on `groupBy` instead. */
export async function countedRows(f: Fetch, path: string, params: Params, columns: string, groupBy?: string): Promise<Counted> {
  const [total, few] = await Promise.all([countOf(f, path, params), fewRows(f, path, params, columns)]);
  if (total === 0) return { total, rows: [] };
  if (total > FETCH_CAP) {
    if (groupBy === undefined) return { total, rows: undefined };
    const groups = await getRows(f.ctx, path, [...params, ['columns', `${groupBy},count(*):n`]], f.backends);
    return {
      total,
      rows: undefined,
      groups: groups
        .map((r) => ({ key: cell(r[groupBy]), n: num(r.n) }))
        .filter((g) => g.n > 0)
        .sort((a, b) => b.n - a.n || a.key.localeCompare(b.key)),
    };
  }
  return { total, rows: few ?? (await getRows(f.ctx, path, [...params, ['columns', columns]], f.backends)) };
}

/**
 * The rows, asked beside their count with limit FETCH_CAP + 1 (issue 18: one round instead of
 * count, then rows). No sort is sent, so the limit cuts nothing when fewer come back: then they
 * are all of them; otherwise undefined (the count decides what is read instead).
 */
async function fewRows(f: Fetch, path: string, params: Params, columns: string): Promise<Row[] | undefined> {
  const rows = await getRows(f.ctx, path, [...params, ['columns', columns], ['limit', String(FETCH_CAP + 1)]], f.backends);
  return rows.length <= FETCH_CAP ? rows : undefined;
}

/** Counts per backend (peer_name), by Thruk. */
export async function countByPeer(f: Fetch, path: string, params: Params): Promise<Array<{ peer: string; n: number }>> {
  const rows = await getRows(f.ctx, path, [...params, ['columns', 'peer_name,count(*):n']], f.backends);
  return rows
    .map((r) => ({ peer: cell(r.peer_name), n: num(r.n) }))
    .filter((r) => r.n > 0)
    .sort((a, b) => b.n - a.n);
}

/**
 * Paging a list on a large estate without reading the whole table. Thruk applies `limit` before
 * `sort` (thruk-rest-reference §2.3), so the list tools sort the full filtered set and page here.
 * On a small estate that stays one request. On a large one (the /hosts/totals or
 * /services/totals, remembered for SIZE_HINT_TTL_MS, says so) the full set is read with the identity and sort columns only, the
 * page is cut here, and only the page's rows are read with every wanted column, by name.
 */
import { compileFilter, type FilterNode } from '../../thruk/filter.js';
import type { QueryParams } from '../../thruk/client.js';
import type { ToolContext } from '../core/define.js';
import { num } from '../lib/format.js';
import { getRows, page, query, type ListOutput, type Row } from '../lib/list.js';

/** Above this many objects in the table a full-column read is what the two-step read avoids. */
export const LARGE_ESTATE = 2000;
/** Names per by-name request: the regex goes into the URL, which proxies cap at ~8 KB. */
const NAME_CHARS_PER_REQUEST = 3000;

export interface KeyedTable {
  readonly table: 'hosts' | 'services';
  /** Columns that identify one row across backends. */
  readonly key: readonly string[];
  /** The by-name filter for a set of key rows (an "in" on each name column). */
  readonly byName: (rows: readonly Row[]) => FilterNode;
}

const uniq = (xs: readonly unknown[]): string[] => [...new Set(xs.map((x) => (typeof x === 'string' ? x : JSON.stringify(x ?? ''))))];

export const HOST_KEYS: KeyedTable = {
  table: 'hosts',
  key: ['name', 'peer_name'],
  byName: (rows) => ({ field: 'name', op: 'in', value: uniq(rows.map((r) => r.name)) }),
};

export const SERVICE_KEYS: KeyedTable = {
  table: 'services',
  key: ['host_name', 'description', 'peer_name'],
  // host in (…) and description in (…) may match a few more rows than the page; the key picks.
  byName: (rows) => ({
    type: 'group',
    operator: 'and',
    conditions: [
      { type: 'leaf', field: 'host', op: 'in', value: uniq(rows.map((r) => r.host_name)) },
      { type: 'leaf', field: 'description', op: 'in', value: uniq(rows.map((r) => r.description)) },
    ],
  }),
};

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v ?? ''));
/** A row's identity in its table (its key columns), the same for a key row and its full row. */
export const keyOf = (t: KeyedTable, r: Row): string => t.key.map((k) => text(r[k])).join('\u0000');

/**
 * How long a table's size is kept to choose between one read and keys-first (not the response
 * cache's THRUK_CACHE_TTL): an estate does not cross LARGE_ESTATE in minutes, and a wrong guess
 * only costs memory or a request, never a wrong answer.
 */
export const SIZE_HINT_TTL_MS = 10 * 60_000;

/** The table's size from the totals (remembered, see SIZE_HINT_TTL_MS); unknown (older Thruk, error) counts as small. */
export async function tableSize(ctx: ToolContext, table: 'hosts' | 'services', backends: string[] | undefined): Promise<number> {
  const hint = `size ${table} ${backends?.join(',') ?? ''}`;
  const known = ctx.thruk.recall<number>(hint);
  if (known !== undefined) return known;
  try {
    const t = await ctx.thruk.get<unknown>(`/${table}/totals`, { ...(backends ? { backends } : {}), signal: ctx.signal });
    const n = t !== null && typeof t === 'object' && !Array.isArray(t) ? num((t as Row).total) : 0;
    ctx.thruk.remember(hint, n, SIZE_HINT_TTL_MS);
    return n;
  } catch (e) {
    if (ctx.signal?.aborted === true) throw e;
    return 0;
  }
}

function chunks(t: KeyedTable, rows: readonly Row[]): Row[][] {
  const out: Row[][] = [];
  let cur: Row[] = [];
  let chars = 0;
  for (const r of rows) {
    const c = t.key.reduce((s, k) => s + text(r[k]).length + 1, 0);
    if (cur.length > 0 && chars + c > NAME_CHARS_PER_REQUEST) {
      out.push(cur);
      cur = [];
      chars = 0;
    }
    cur.push(r);
    chars += c;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

export interface KeyedPage {
  /** Every row of the filtered, sorted set: full rows (small estate) or key rows (large). */
  readonly all: Row[];
  /** Full rows from `offset` on, at most `limit`, in the sorted order. */
  readonly rows: Row[];
  /** For each of `rows`, its position in `all` (rows that vanished between the reads leave gaps). */
  readonly positions: number[];
  /** Position after the page in `all`. */
  readonly end: number;
}

/**
 * The rows of one page. `columns` undefined = every column. On a large estate the page's rows
 * are read by name in a second step; a row deleted in between is left out, never invented.
 */
export async function readPage(
  ctx: ToolContext,
  t: KeyedTable,
  params: QueryParams,
  o: { sort: string; columns: string[] | undefined; offset: number; limit: number; backends: string[] | undefined },
): Promise<KeyedPage> {
  const path = `/${t.table}`;
  if ((await tableSize(ctx, t.table, o.backends)) <= LARGE_ESTATE) {
    const all = await getRows(ctx, path, query(params, { sort: o.sort, columns: o.columns?.join(',') }), o.backends);
    const rows = all.slice(o.offset, o.offset + o.limit);
    return { all, rows, positions: rows.map((_, i) => o.offset + i), end: o.offset + rows.length };
  }
  const sortCols = o.sort
    .split(',')
    .map((c) => c.replace(/^[+-]/, ''))
    .filter((c) => c !== '');
  const all = await getRows(ctx, path, query(params, { sort: o.sort, columns: uniq([...t.key, ...sortCols]).join(',') }), o.backends);
  const slice = all.slice(o.offset, o.offset + o.limit);
  const found = await readByKey(ctx, t, slice, { columns: o.columns, backends: o.backends });
  const rows: Row[] = [];
  const positions: number[] = [];
  slice.forEach((k, i) => {
    const r = found.get(keyOf(t, k));
    if (r === undefined) return;
    rows.push(r);
    positions.push(o.offset + i);
  });
  return { all, rows, positions, end: o.offset + slice.length };
}

/**
 * The full rows of `keys` (rows carrying at least the key columns), by name, in requests whose
 * URLs stay under proxy limits; `params` narrow each read (e.g. still a problem). Keyed by keyOf;
 * a row gone since its key was read is simply absent.
 */
export async function readByKey(
  ctx: ToolContext,
  t: KeyedTable,
  keys: readonly Row[],
  o: { columns: readonly string[] | undefined; backends: string[] | undefined; params?: QueryParams },
): Promise<Map<string, Row>> {
  const found = new Map<string, Row>();
  const columns = o.columns === undefined ? undefined : uniq([...o.columns, ...t.key]).join(',');
  for (const part of chunks(t, keys)) {
    const { params: byName } = compileFilter(t.table, t.byName(part));
    for (const r of await getRows(ctx, `/${t.table}`, query([...(o.params ?? []), ...byName], { columns }), o.backends))
      found.set(keyOf(t, r), r);
  }
  return found;
}

/** page() over an already cut page: the budget applies as usual, paging facts are about `all`. */
export function pageOf(
  kp: KeyedPage,
  lines: (r: Row) => string,
  o: { offset: number; budgetTokens: number; what: string; shape?: (r: Row) => Row },
): { rows: Row[]; lines: string[]; meta: Omit<ListOutput, 'rows'> } {
  // Lines are rendered from the full rows (has_been_checked, state_type… decide the state word);
  // `shape` then cuts each row to the columns the caller asked for, for structuredContent.
  const p = page(kp.rows, lines, { offset: 0, limit: kp.rows.length, budgetTokens: o.budgetTokens, what: o.what });
  if (o.shape !== undefined) p.rows = p.rows.map(o.shape);
  const total = kp.all.length;
  // Cut by the budget: the next page starts after the last row shown, else after the whole slice.
  const end = p.rows.length < kp.rows.length ? (kp.positions[p.rows.length - 1] ?? o.offset) + 1 : kp.end;
  const meta: Omit<ListOutput, 'rows'> = { total, offset: o.offset, returned: p.rows.length };
  if (end < total) meta.next_offset = end;
  if (p.meta.truncated === true) meta.truncated = true;
  return { rows: p.rows, lines: p.lines, meta };
}

import { z } from 'zod';
import type { QueryParams } from '../../thruk/client.js';
import { ToolInputError, type ToolContext } from '../core/define.js';
import { cell, estimateTokens, formatValue, table } from './format.js';

const COLUMN_NAME = /^[A-Za-z0-9_]+$/;

export const backendsArg = z.string().max(2000).optional();

export const columnsArg = z.string().max(4000).optional().describe('Comma-separated; "" = all');

export const sortArg = (dflt: string) =>
  z
    .string()
    .max(500)
    .regex(
      /^[+-]?[A-Za-z0-9_]+(,[+-]?[A-Za-z0-9_]+)*$/,
      'a comma-separated list of column names, each optionally prefixed with - for descending',
    )
    .default(dflt)
    .describe('Columns, "-" = descending');

export const limitArg = (dflt: number) => z.number().int().min(1).max(1000).default(dflt);
export const offsetArg = z.number().int().min(0).max(10_000_000).default(0);

/** Shared output shape of every list tool: exact rows plus paging facts. */
export const listOutput = z.object({
  total: z.number().describe('Rows matching in Thruk'),
  offset: z.number(),
  returned: z.number(),
  next_offset: z.number().optional().describe('Pass as offset to get the next page'),
  truncated: z.boolean().optional().describe('true when the answer budget cut this page short'),
  rows: z.array(z.record(z.string(), z.unknown())),
  notes: z.array(z.string()).optional(),
});
export type ListOutput = z.output<typeof listOutput>;
export type Row = Record<string, unknown>;

export function parseBackends(s: string | undefined): string[] | undefined {
  if (s === undefined) return undefined;
  const list = s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  return list.length > 0 ? list : undefined;
}

/** undefined → default set; "" → all columns; otherwise validated names. */
export function parseColumns(s: string | undefined, dflt: readonly string[]): { list: string[] | undefined; custom: boolean } {
  if (s === undefined) return { list: [...dflt], custom: false };
  if (s.trim() === '') return { list: undefined, custom: true };
  const list = s
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  const bad = list.filter((c) => !COLUMN_NAME.test(c));
  if (bad.length > 0)
    throw new ToolInputError(
      `columns: ${bad.map((b) => `'${b}'`).join(', ')} is not a column name (letters, digits and _ only). Example: columns="name,state,plugin_output".`,
    );
  return { list: [...new Set(list)], custom: true };
}

/** Adds the columns a tool needs for its own logic to the user's choice. */
export function withColumns(list: string[] | undefined, needed: readonly string[]): string[] | undefined {
  if (list === undefined) return undefined;
  return [...new Set([...list, ...needed])];
}

export function query(params: QueryParams, extra: Record<string, string | undefined>): Array<[string, string]> {
  const out: Array<[string, string]> = [...params].map(([k, v]) => [k, v] as [string, string]);
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out.push([k, v]);
  return out;
}

export function pick(row: Row, cols: readonly string[] | undefined): Row {
  if (cols === undefined) return row;
  const out: Row = {};
  for (const c of cols) if (c in row) out[c] = row[c];
  return out;
}

export interface PageOptions {
  readonly offset: number;
  readonly limit: number;
  readonly budgetTokens: number;
  readonly what: string;
}

/**
 * Applies offset/limit to the full ordered result (of any row type: the rows come back typed) and then the answer budget: rows are added
 * until the text or the structured rows would pass the budget. Cuts are never silent.
 */
export function page<R extends object = Row>(
  all: readonly R[],
  lines: (r: R) => string,
  opts: PageOptions,
): { rows: R[]; lines: string[]; meta: Omit<ListOutput, 'rows'> } {
  return pageSlice(all.slice(opts.offset, opts.offset + opts.limit), all.length, lines, opts);
}

/**
 * page() for a caller that fetched only the rows of the page (`slice`, at most `limit` rows from
 * `offset`) out of `total`: large result sets are ordered by their keys and only the page is read
 * in full.
 */
export function pageSlice<R extends object = Row>(
  slice: readonly R[],
  total: number,
  lines: (r: R) => string,
  opts: PageOptions,
): { rows: R[]; lines: string[]; meta: Omit<ListOutput, 'rows'> } {
  const rows: R[] = [];
  const out: string[] = [];
  let textTokens = 200;
  let jsonTokens = 200;
  let truncated = false;
  for (const r of slice) {
    const line = lines(r);
    const t = estimateTokens(line) + 1;
    const j = estimateTokens(JSON.stringify(r));
    // The budget is what the model reads: the text. structuredContent (exact rows, for programs)
    // is only kept from growing without bound, at three times the budget: JSON rows cost about
    // twice the tokens of their compact line and chars/3 overestimates JSON, so a full default
    // page of 100 log rows fits.
    if (rows.length > 0 && (textTokens + t > opts.budgetTokens || jsonTokens + j > 3 * opts.budgetTokens)) {
      truncated = true;
      break;
    }
    textTokens += t;
    jsonTokens += j;
    rows.push(r);
    out.push(line);
  }
  const end = opts.offset + rows.length;
  const meta: Omit<ListOutput, 'rows'> = { total, offset: opts.offset, returned: rows.length };
  if (end < total) meta.next_offset = end;
  if (truncated) meta.truncated = true;
  return { rows, lines: out, meta };
}

/** The header and footer lines every list answer shares. */
export function pageHeader(what: string, meta: Omit<ListOutput, 'rows'>): string {
  if (meta.total === 0) return `No ${what} matched.`;
  const range = meta.returned === 0 ? `none of ${meta.total}` : `${meta.offset + 1}-${meta.offset + meta.returned} of ${meta.total}`;
  return `${what} ${range}`;
}

export function pageFooter(meta: Omit<ListOutput, 'rows'>): string | undefined {
  if (meta.next_offset === undefined) return undefined;
  const left = meta.total - meta.next_offset;
  // A smaller limit would show fewer rows, not more: the budget cut is lifted by fewer columns.
  const why = meta.truncated === true ? ' (cut to fit the answer budget; fewer columns fit more rows per page)' : '';
  return `${left} more not shown${why}. Next page: offset=${meta.next_offset}.`;
}

export function renderList(
  what: string,
  meta: Omit<ListOutput, 'rows'>,
  header: readonly string[],
  lines: readonly string[],
  notes: readonly string[] = [],
): string {
  const parts = [pageHeader(what, meta)];
  if (lines.length > 0) parts.push(table(header, []), ...lines);
  const foot = pageFooter(meta);
  if (foot !== undefined) parts.push(foot);
  for (const n of notes) parts.push(`Note: ${n}`);
  return parts.join('\n');
}

/** Generic line renderer for user-chosen columns. */
export function genericLine(kind: 'hosts' | 'services' | 'other', cols: readonly string[], nowMs: number) {
  return (r: Row) => cols.map((c) => formatValue(kind, c, r[c], r, nowMs)).join(' | ');
}

export function columnsOf(rows: readonly Row[], chosen: readonly string[] | undefined): string[] {
  if (chosen !== undefined) return [...chosen];
  const first = rows[0];
  return first === undefined ? [] : Object.keys(first).filter((k) => k !== 'perf_data_expanded' && k !== 'host_perf_data_expanded');
}

/** Values that only say "all is normal"; the detail view leaves them out to save tokens. */
const NORMAL: Record<string, (v: unknown) => boolean> = {
  acknowledged: (v) => v === 0 || v === false,
  host_acknowledged: (v) => v === 0 || v === false,
  scheduled_downtime_depth: (v) => v === 0,
  host_scheduled_downtime_depth: (v) => v === 0,
  is_flapping: (v) => v === 0 || v === false,
  has_been_checked: (v) => v === 1 || v === true,
  host_has_been_checked: (v) => v === 1 || v === true,
  notifications_enabled: (v) => v === 1 || v === true,
  active_checks_enabled: (v) => v === 1 || v === true,
};

function renderDetailValue(kind: 'hosts' | 'services' | 'other', k: string, v: unknown, row: Row, nowMs: number): string {
  if (k === 'custom_variables' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
    // Icinga 2 dummy checks keep their output in a variable (dummy_text): it would repeat the output.
    const out = typeof row.plugin_output === 'string' && row.plugin_output.length >= 8 ? row.plugin_output : undefined;
    return Object.entries(v)
      .map(
        ([n, x]) =>
          `${n}=${out !== undefined && typeof x === 'string' && x.startsWith(out) ? `(output${x.length > out.length ? '+…' : ''})` : cell(x, 40)}`,
      )
      .join(', ');
  }
  if ((k === 'latency' || k === 'execution_time') && typeof v === 'number') return `${v.toFixed(3)}s`;
  // [[id, author, text], …]: one readable entry each instead of a JSON array.
  if (/(^|_)(comments|downtimes)_with_info$/.test(k) && Array.isArray(v)) return withInfo(v);
  return formatValue(kind, k, v, row, nowMs) || cell(v);
}

function withInfo(v: readonly unknown[]): string {
  return v.map((e) => (Array.isArray(e) ? `#${cell(e[0])} by ${cell(e[1])}: ${cell(e.slice(2).join(' '), 160)}` : cell(e))).join('; ');
}

/** "key: value" lines for one object, skipping empty and all-is-normal values. */
export function detailLines(
  row: Row,
  kind: 'hosts' | 'services' | 'other',
  nowMs: number,
  skip: ReadonlySet<string> = new Set(),
): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(row)) {
    if (skip.has(k) || v === null || v === undefined || v === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    if (NORMAL[k]?.(v) === true) continue;
    out.push(`${k}: ${renderDetailValue(kind, k, v, row, nowMs)}`);
  }
  return out;
}

/** Fetches rows; Thruk answers arrays for list endpoints, but be tolerant of a lone object. */
export async function getRows(ctx: ToolContext, path: string, q: QueryParams, backends: string[] | undefined): Promise<Row[]> {
  const res = await ctx.thruk.get<unknown>(path, { query: q, ...(backends ? { backends } : {}), signal: ctx.signal });
  if (Array.isArray(res)) return res as Row[];
  if (res !== null && typeof res === 'object') return [res as Row];
  return [];
}

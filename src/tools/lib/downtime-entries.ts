/** What downtimes and comments share: host vs service entries, time rendering, scope-aware fetching. */
import { z } from 'zod';
import { compileFilter, type FilterNode, type FilterTable } from '../../thruk/filter.js';
import { parseTime } from './time.js';
import type { ToolContext } from '../core/define.js';
import { ago, cell, iso } from './format.js';
import { getRows, query, type Row } from './list.js';
import { emptyScopeNote, inHostScope, resolveHostScope, splitHostScope } from './hostscope.js';

/** Host entries carry no service: Icinga 2 sends null, Naemon "". */
export function isHostEntry(r: Row): boolean {
  return r.service_description === null || r.service_description === undefined || r.service_description === '';
}

export const kindArg = z.enum(['all', 'host', 'service']).default('all').describe('Host or service entries');

/** "name" or "name@peer" when rows come from several backends. */
export function hostCell(r: Row, showPeer: boolean): string {
  const h = cell(r.host_name);
  return showPeer && r.peer_name !== undefined && r.peer_name !== null ? `${h}@${cell(r.peer_name)}` : h;
}

export function serviceCell(r: Row): string {
  return isHostEntry(r) ? '(host)' : cell(r.service_description);
}

/** Relative to now in words, plus the exact instant: "in 2h (…Z)" / "3h ago (…Z)". */
export function relIso(epoch: number, nowMs: number): string {
  if (epoch <= 0) return 'never';
  const d = epoch - nowMs / 1000;
  return `${ago(-d)} (${iso(epoch)})`;
}

export interface ScopedFetch {
  readonly rows: Row[];
  readonly notes: string[];
}

/**
 * Fetches a downtimes/comments table with the caller's filter. Host conditions (hostgroup,
 * custom_var) are resolved through /hosts and applied here, which works on every Thruk version
 * (host_* columns on these tables only exist since 3.12) and with every operator.
 */
export async function fetchScoped(
  ctx: ToolContext,
  table: Extract<FilterTable, 'downtimes' | 'comments'>,
  filter: FilterNode | undefined,
  extra: Parameters<typeof compileFilter>[2],
  fetch: { sort: string; columns: string[] | undefined },
  backends: string[] | undefined,
): Promise<ScopedFetch> {
  const split = splitHostScope(filter);
  const resolveTime = (v: string | number) => parseTime(v, ctx.now(), 'filter time');
  const { params } = compileFilter(table, split.own, extra, { resolveTime });
  const q = query(params, { sort: fetch.sort, columns: fetch.columns?.join(',') });
  const [rows, scope] = await Promise.all([
    getRows(ctx, `/${table}`, q, backends),
    split.host === undefined ? Promise.resolve(undefined) : resolveHostScope(ctx, split.host, backends),
  ]);
  if (scope === undefined) return { rows, notes: [] };
  const notes = scope.count === 0 ? [emptyScopeNote()] : [];
  return { rows: rows.filter((r) => inHostScope(scope, r)), notes };
}

export function byKind(rows: Row[], kind: 'all' | 'host' | 'service'): Row[] {
  if (kind === 'all') return rows;
  return rows.filter((r) => isHostEntry(r) === (kind === 'host'));
}

export { multiplePeers } from './words.js';

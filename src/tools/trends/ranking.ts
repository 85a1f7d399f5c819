/**
 * Ranked lists of the trend tools: folding per-object counts into groups, the row shape, and the
 * paged compact rendering (budget-aware, never silently cut).
 */
import { z } from 'zod';
import { when } from '../lib/format.js';
import { page, pageFooter, type ListOutput, type Row } from '../lib/list.js';
import type { ObjectStats } from './aggregate.js';
import { hostLabel, noteLines, objectKey, windowText } from '../lib/logwindow.js';

export const rankedRow = z.object({
  host: z.string().optional(),
  service: z.string().optional(),
  peer_name: z.string().optional().describe('The core of the host (several cores in scope)'),
  hostgroup: z.string().optional(),
  servicegroup: z.string().optional(),
  alert_count: z.number(),
  hosts_affected: z.number().optional(),
  services_affected: z.number().optional(),
  last_state: z.string().optional().describe('State of the newest counted alert'),
  first_alert_time: z.string().optional(),
  last_alert_time: z.string(),
});
export type RankedRow = z.output<typeof rankedRow>;

export interface GroupFold {
  readonly name: string;
  count: number;
  last: number;
  first: number;
  readonly hosts: Set<string>;
  readonly services: Set<string>;
}

export const NO_GROUP = '(none)';

/**
 * Spreads per-object counts over groups: an object in N groups counts fully in each, an object
 * in none lands in "(none)". Sorted by count, then newest, then name.
 */
export function foldGroups(stats: readonly ObjectStats[], groupsOf: (s: ObjectStats) => readonly string[]): GroupFold[] {
  const out = new Map<string, GroupFold>();
  for (const s of stats) {
    const names = groupsOf(s);
    for (const g of names.length > 0 ? names : [NO_GROUP]) {
      let f = out.get(g);
      if (f === undefined) {
        f = { name: g, count: 0, last: s.last, first: s.first, hosts: new Set(), services: new Set() };
        out.set(g, f);
      }
      f.count += s.count;
      f.last = Math.max(f.last, s.last);
      f.first = Math.min(f.first, s.first);
      f.hosts.add(hostLabel(s.host, s.core));
      if (s.service !== '') f.services.add(objectKey(s.host, s.service, s.core));
    }
  }
  return [...out.values()].sort((a, b) => b.count - a.count || b.last - a.last || a.name.localeCompare(b.name));
}

export interface RankedPage {
  readonly meta: Omit<ListOutput, 'rows'>;
  readonly rows: RankedRow[];
  readonly text: string[];
}

/** A page of ranked rows: the identity columns some row has, then counts, state and time. */
export function rankedText(
  header: string,
  rows: readonly RankedRow[],
  opts: { offset: number; limit: number; budgetTokens: number; nowMs: number; what: string },
): RankedPage {
  const cols = (['hostgroup', 'servicegroup', 'host', 'service'] as const).filter((c) => rows.some((r) => r[c] !== undefined));
  const extra = (['hosts_affected', 'services_affected'] as const).filter((c) => rows.some((r) => r[c] !== undefined));
  const withState = rows.some((r) => r.last_state !== undefined);
  const line = (x: Row): string => {
    const r = x as RankedRow;
    const cells = [
      ...cols.map((c) => (c === 'host' && r.host !== undefined ? hostLabel(r.host, r.peer_name) : (r[c] ?? ''))),
      String(r.alert_count),
      ...extra.map((c) => String(r[c] ?? '')),
    ];
    if (withState) cells.push(r.last_state ?? '');
    cells.push(when(Date.parse(r.last_alert_time) / 1000, opts.nowMs));
    return cells.join(' | ');
  };
  const pg = page(rows, line, { offset: opts.offset, limit: opts.limit, budgetTokens: opts.budgetTokens, what: opts.what });
  const text = [header];
  if (pg.rows.length > 0) {
    const head = [
      ...cols,
      'alerts',
      ...extra.map((c) => c.replace('_affected', '')),
      ...(withState ? ['last non-OK state'] : []),
      'last alert',
    ];
    text.push(
      `${opts.what} ${pg.meta.offset + 1}-${pg.meta.offset + pg.meta.returned} of ${pg.meta.total}:`,
      head.join(' | '),
      ...pg.lines,
    );
  }
  const foot = pageFooter(pg.meta);
  if (foot !== undefined) text.push(foot);
  return { meta: pg.meta, rows: pg.rows, text };
}

export function headerLine(title: string, w: { since: number; until: number }, summary: string): string {
  return `${title} ${windowText(w)}: ${summary}`;
}

export { noteLines };

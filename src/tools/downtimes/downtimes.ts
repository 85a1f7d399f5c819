import { z } from 'zod';
import { filterSchema, type FilterLeaf } from '../../thruk/filter.js';
import { pathOf } from '../../thruk/client.js';
import { defineTool, ToolInputError } from '../core/define.js';
import { age, cell, duration, flag, iso, num } from '../lib/format.js';
import {
  backendsArg,
  columnsArg,
  columnsOf,
  detailLines,
  genericLine,
  getRows,
  limitArg,
  listOutput,
  offsetArg,
  page,
  parseBackends,
  parseColumns,
  pick,
  renderList,
  sortArg,
  withColumns,
  type Row,
} from '../lib/list.js';
import { readCores } from '../lib/cores.js';
import { byKind, fetchScoped, hostCell, isHostEntry, kindArg, multiplePeers, serviceCell } from '../lib/downtime-entries.js';

/** The Python thruk-mcp's default downtime columns (parity), plus entry_time (when it was set). */
export const DEFAULT_DOWNTIME_COLUMNS = [
  'id',
  'host_name',
  'service_description',
  'author',
  'comment',
  'entry_time',
  'start_time',
  'end_time',
  'fixed',
  'duration',
  'triggered_by',
  'peer_name',
] as const;
/** What the tool's own logic reads, whatever columns the caller chose. */
const NEEDED = ['host_name', 'service_description', 'start_time', 'end_time', 'fixed', 'peer_key', 'peer_name'];

const DOWNTIME_FILTER_FIELDS = [
  'host',
  'service',
  'hostgroup',
  'custom_var',
  'author',
  'comment',
  'fixed',
  'start_time',
  'end_time',
  'entry_time',
  'peer_name',
] as const;

export type DowntimeStatus = 'active' | 'window_open' | 'future' | 'past';

/** Fixed downtimes are in effect for their whole window; flexible ones only once a problem starts them. */
export function downtimeStatus(r: Row, nowMs: number): DowntimeStatus {
  const now = nowMs / 1000;
  if (now < num(r.start_time)) return 'future';
  if (now > num(r.end_time)) return 'past';
  return flag(r.fixed) ? 'active' : 'window_open';
}

function typeText(r: Row): string {
  const parts = [flag(r.fixed) ? 'fixed' : `flexible ${duration(num(r.duration))}`];
  if (num(r.triggered_by) > 0) parts.push(`triggered by #${num(r.triggered_by)}`);
  return parts.join(', ');
}

function entryWindowText(r: Row, nowMs: number): string {
  const now = nowMs / 1000;
  const start = num(r.start_time);
  const end = num(r.end_time);
  const status = downtimeStatus(r, nowMs);
  const rel =
    status === 'future'
      ? `starts in ${duration(start - now)}`
      : status === 'past'
        ? `ended ${age(now - end)} ago`
        : `${status === 'active' ? 'active' : 'window open, starts on a problem'}, ends in ${duration(end - now)}`;
  return `${iso(start)} → ${iso(end)} (${rel})`;
}

const LINE_HEADER = ['id', 'host', 'service', 'type', 'window', 'author', 'comment'];
const SHOWN_IN_LINE: ReadonlySet<string> = new Set([
  'id',
  'host_name',
  'service_description',
  'author',
  'comment',
  'kind',
  'status',
  'fixed',
  'duration',
  'triggered_by',
  'start_time',
  'end_time',
  'peer_key',
]);

function downtimeLine(nowMs: number, showPeer: boolean) {
  return (r: Row): string =>
    [
      `#${cell(r.id)}`,
      hostCell(r, showPeer),
      serviceCell(r),
      typeText(r),
      entryWindowText(r, nowMs),
      cell(r.author),
      cell(r.comment, 160),
    ].join(' | ');
}

/** Derived facts added to every row: host or service downtime, and where now falls in its window. */
function withDerived(r: Row, nowMs: number, from: Row = r): Row {
  return { ...r, kind: isHostEntry(from) ? 'host' : 'service', status: downtimeStatus(from, nowMs) };
}

export const listDowntimes = defineTool({
  name: 'thruk_list_downtimes',
  title: 'List downtimes',
  toolset: 'downtimes',
  access: 'read',
  description: 'Downtimes (default: active now) with id, object, window, author and comment. Ids feed the delete tools.',
  input: z
    .object({
      filter: filterSchema(DOWNTIME_FILTER_FIELDS).optional(),
      active_only: z.boolean().default(true).describe('false: also future and ended ones'),
      kind: kindArg,
      limit: limitArg(100),
      offset: offsetArg,
      sort: sortArg('-start_time'),
      columns: columnsArg,
      backends: backendsArg,
    })
    .strict(),
  output: listOutput,
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const cols = parseColumns(args.columns, DEFAULT_DOWNTIME_COLUMNS);
    const nowMs = ctx.now();
    const nowSec = Math.floor(nowMs / 1000);
    // Our clock decides "now", so the answer agrees with the times we print.
    const extra: FilterLeaf[] = args.active_only
      ? [
          { field: 'start_time', op: 'lte', value: nowSec },
          { field: 'end_time', op: 'gte', value: nowSec },
        ]
      : [];
    const fetched = await fetchScoped(
      ctx,
      'downtimes',
      args.filter,
      extra,
      { sort: args.sort, columns: withColumns(cols.list, NEEDED) },
      backends,
    );
    const all = byKind(fetched.rows, args.kind);
    const shown = columnsOf(all, cols.list);
    const render = cols.custom ? genericLine('other', shown, nowMs) : downtimeLine(nowMs, multiplePeers(all));
    const p = page(all, render, { offset: args.offset, limit: args.limit, budgetTokens: ctx.config.maxAnswerTokens, what: 'downtimes' });
    const notes = [...fetched.notes];
    if (p.meta.total === 0 && args.active_only)
      notes.push(`only downtimes in effect now (${iso(nowSec)}) were asked for; pass active_only=false to include future and ended ones.`);
    const rows = p.rows.map((r) => withDerived(pick(r, cols.list), nowMs, r));
    const text = renderList('downtimes', p.meta, cols.custom ? shown : LINE_HEADER, p.lines, notes);
    return { data: { ...p.meta, rows, ...(notes.length > 0 ? { notes } : {}) }, text };
  },
});

const downtimeOutput = z.object({
  downtime: z.record(z.string(), z.unknown()),
  notes: z.array(z.string()).optional(),
});

/** One candidate of a shared id, as the refusal lists it: core, object, window, author. */
function candidate(r: Row, nowMs: number): string {
  const what = isHostEntry(r) ? `host ${cell(r.host_name)}` : `service ${cell(r.host_name)}/${cell(r.service_description)}`;
  return `${cell(r.peer_name)}: ${what}, ${typeText(r)}, ${entryWindowText(r, nowMs)}, by ${cell(r.author)}`;
}

export const getDowntime = defineTool({
  name: 'thruk_get_downtime',
  title: 'Get downtime',
  toolset: 'downtimes',
  access: 'read',
  description: 'One downtime by id: object, fixed or flexible, window, trigger, author, comment.',
  input: z
    .object({
      downtime_id: z.number().int().min(0).max(2_147_483_647).describe('From thruk_list_downtimes'),
      backends: backendsArg,
    })
    .strict(),
  output: downtimeOutput,
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const rows = await getRows(ctx, pathOf('downtimes', String(args.downtime_id)), [], backends);
    if (rows.length === 0) {
      throw new ToolInputError(
        `No downtime with id ${args.downtime_id}${backends ? ` on ${backends.join(', ')}` : ''}. It may have ended or been deleted, and ids are renumbered when Icinga 2 reloads; list the current ones with thruk_list_downtimes (filter by host, author or comment; active_only=false for future ones).`,
      );
    }
    const nowMs = ctx.now();
    if (rows.length > 1) {
      // Each core numbers its own downtimes: an id on several cores names several downtimes, and
      // showing one of them would answer for a downtime the caller may not mean (the deletes refuse too).
      const names = rows.map((r) => cell(r.peer_name));
      throw new ToolInputError(
        `Downtime id ${args.downtime_id} exists on several backends (ids are per core): ${rows.map((r) => candidate(r, nowMs)).join('; ')}. Pass backends (${names.map((n) => `"${n}"`).join(' or ')}) to read one.`,
      );
    }
    const first = withDerived(rows[0] as Row, nowMs);
    const several = (await readCores(ctx, backends)).several;
    const lines = [
      `downtime #${cell(first.id)}${several ? ` on ${cell(first.peer_name)}` : ''}`,
      LINE_HEADER.join(' | '),
      downtimeLine(nowMs, several)(first),
      ...detailLines(first, 'other', nowMs, SHOWN_IN_LINE),
    ];
    return { data: { downtime: first }, text: lines.join('\n') };
  },
});

import { z } from 'zod';
import { filterSchema } from '../../thruk/filter.js';
import { defineTool } from '../core/define.js';
import { cell, flag, num } from '../lib/format.js';
import {
  backendsArg,
  columnsArg,
  columnsOf,
  genericLine,
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
import { byKind, fetchScoped, hostCell, isHostEntry, kindArg, multiplePeers, relIso, serviceCell } from '../lib/downtime-entries.js';

/** The Python thruk-mcp's default comment columns (parity). */
export const DEFAULT_COMMENT_COLUMNS = [
  'id',
  'host_name',
  'service_description',
  'author',
  'comment',
  'entry_time',
  'entry_type',
  'persistent',
  'peer_name',
] as const;
const NEEDED = ['host_name', 'service_description', 'entry_time', 'entry_type', 'expires', 'expire_time', 'peer_key', 'peer_name'];

const COMMENT_FILTER_FIELDS = [
  'host',
  'service',
  'hostgroup',
  'custom_var',
  'author',
  'comment',
  'entry_type',
  'entry_time',
  'persistent',
  'peer_name',
] as const;

export const ENTRY_TYPES: Readonly<Record<number, string>> = { 1: 'user', 2: 'downtime', 3: 'flapping', 4: 'acknowledgement' };

export function entryTypeName(v: unknown): string {
  const n = num(v);
  return ENTRY_TYPES[n] ?? `type ${n}`;
}

const LINE_HEADER = ['id', 'host', 'service', 'type', 'written', 'author', 'comment'];

function commentLine(nowMs: number, showPeer: boolean) {
  return (r: Row): string => {
    const marks: string[] = [];
    if (flag(r.persistent)) marks.push('persistent');
    if (flag(r.expires) && num(r.expire_time) > 0) marks.push(`expires ${relIso(num(r.expire_time), nowMs)}`);
    const type = [entryTypeName(r.entry_type), ...marks].join(', ');
    return [
      `#${cell(r.id)}`,
      hostCell(r, showPeer),
      serviceCell(r),
      type,
      relIso(num(r.entry_time), nowMs),
      cell(r.author),
      cell(r.comment, 200),
    ].join(' | ');
  };
}

export const listComments = defineTool({
  name: 'thruk_list_comments',
  title: 'List comments',
  toolset: 'downtimes',
  access: 'read',
  description: 'Comments on hosts and services (user, acknowledgement, downtime, flapping) with author and age.',
  input: z
    .object({
      filter: filterSchema(COMMENT_FILTER_FIELDS).optional(),
      kind: kindArg,
      limit: limitArg(100),
      offset: offsetArg,
      sort: sortArg('-entry_time'),
      columns: columnsArg,
      backends: backendsArg,
    })
    .strict(),
  output: listOutput,
  run: async (ctx, args) => {
    const cols = parseColumns(args.columns, DEFAULT_COMMENT_COLUMNS);
    const fetched = await fetchScoped(
      ctx,
      'comments',
      args.filter,
      [],
      { sort: args.sort, columns: withColumns(cols.list, NEEDED) },
      parseBackends(args.backends),
    );
    const all = byKind(fetched.rows, args.kind);
    const nowMs = ctx.now();
    const shown = columnsOf(all, cols.list);
    const render = cols.custom ? genericLine('other', shown, nowMs) : commentLine(nowMs, multiplePeers(all));
    const p = page(all, render, { offset: args.offset, limit: args.limit, budgetTokens: ctx.config.maxAnswerTokens, what: 'comments' });
    const rows = p.rows.map((r) => ({ ...pick(r, cols.list), kind: isHostEntry(r) ? 'host' : 'service' }));
    const text = renderList('comments', p.meta, cols.custom ? shown : LINE_HEADER, p.lines, fetched.notes);
    return { data: { ...p.meta, rows, ...(fetched.notes.length > 0 ? { notes: fetched.notes } : {}) }, text };
  },
});

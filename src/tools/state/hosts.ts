import { z } from 'zod';
import { compileFilter, filterSchema } from '../../thruk/filter.js';
import { defineTool, type ToolContext } from '../core/define.js';
import { cell, hostStateName } from '../lib/format.js';
import { readCores } from '../lib/cores.js';
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
  parseBackends,
  parseColumns,
  pick,
  query,
  renderList,
  sortArg,
  withColumns,
  type Row,
} from '../lib/list.js';
import { startsOf } from '../lib/corestart.js';
import { hostNameArg, hostSuggestions, notFound } from '../lib/objects.js';
import { HOST_KEYS, pageOf, readPage } from './paging.js';
import { DETAIL_HEAD_KEYS, detailHead, HOST_LINE_HEADER, hostLine, hostServiceLines, multiplePeers, parentCell } from '../lib/rows.js';

/** The Python thruk-mcp's default host columns (parity), plus what our compact rendering reads. */
export const DEFAULT_HOST_COLUMNS = [
  'name',
  'state',
  'plugin_output',
  'last_check',
  'last_state_change',
  'acknowledged',
  'scheduled_downtime_depth',
  'notifications_enabled',
  'current_attempt',
  'max_check_attempts',
  'peer_name',
] as const;
const HOST_RENDER_NEEDS = ['has_been_checked', 'state_type', 'is_flapping'];

export const HOST_DETAIL_COLUMNS = [
  'name',
  'alias',
  'address',
  'state',
  'state_type',
  'has_been_checked',
  'plugin_output',
  'long_plugin_output',
  'perf_data',
  'last_check',
  'next_check',
  'last_state_change',
  'current_attempt',
  'max_check_attempts',
  'acknowledged',
  'acknowledgement_type',
  'scheduled_downtime_depth',
  'downtimes_with_info',
  'comments_with_info',
  'notifications_enabled',
  'active_checks_enabled',
  'is_flapping',
  'groups',
  'parents',
  'childs',
  'check_command',
  'check_interval',
  'latency',
  'execution_time',
  'custom_variables',
  'notes_url',
  'peer_name',
] as const;

const HOST_SERVICE_COLUMNS = [
  'host_name',
  'description',
  'state',
  'state_type',
  'has_been_checked',
  'plugin_output',
  'last_state_change',
  'acknowledged',
  'scheduled_downtime_depth',
  'current_attempt',
  'max_check_attempts',
  'is_flapping',
  'peer_name',
];

const HOST_FILTER_FIELDS = [
  'name',
  'address',
  'state',
  'hostgroup',
  'custom_var',
  'alias',
  'acknowledged',
  'scheduled_downtime_depth',
  'plugin_output',
  'has_been_checked',
  'state_type',
  'notifications_enabled',
  'is_flapping',
  'peer_name',
] as const;

export const listHosts = defineTool({
  name: 'thruk_list_hosts',
  title: 'List hosts',
  toolset: 'state',
  access: 'read',
  description: 'List hosts, one line each: state, since when, acked/downtime, output. For problems only use thruk_problems.',
  input: z
    .object({
      filter: filterSchema(HOST_FILTER_FIELDS).optional(),
      limit: limitArg(50),
      offset: offsetArg,
      sort: sortArg('name'),
      columns: columnsArg,
      backends: backendsArg,
    })
    .strict(),
  output: listOutput,
  run: async (ctx, args) => {
    const cols = parseColumns(args.columns, DEFAULT_HOST_COLUMNS);
    // A chosen `state` column still needs has_been_checked: state 0 of a never-checked object is PENDING, not UP.
    const fetchCols = withColumns(
      cols.list,
      cols.custom ? (cols.list?.includes('state') === true ? ['has_been_checked'] : []) : HOST_RENDER_NEEDS,
    );
    const { params } = compileFilter('hosts', args.filter);
    // Thruk pushes `limit` to Livestatus before sorting (not a global top-N), so we never send
    // limit/offset with a sort: readPage sorts the whole set and pages here.
    const backends = parseBackends(args.backends);
    const [kp, cores] = await Promise.all([
      readPage(ctx, HOST_KEYS, params, {
        sort: args.sort,
        columns: withColumns(fetchCols, ['peer_name']),
        offset: args.offset,
        limit: args.limit,
        backends,
      }),
      readCores(ctx, backends),
    ]);
    const now = ctx.now();
    // With several cores every row names its core, in the text and in structuredContent.
    const several = cores.several || multiplePeers(kp.all);
    const listCols = several && cols.list !== undefined && !cols.list.includes('peer_name') ? [...cols.list, 'peer_name'] : cols.list;
    const shownCols = columnsOf(kp.rows, listCols);
    const render = cols.custom ? genericLine('hosts', shownCols, now) : hostLine(now, several, startsOf(cores));
    // The render sees the whole row (has_been_checked decides PENDING); the data keeps the asked columns.
    const p = pageOf(kp, render, {
      offset: args.offset,
      budgetTokens: ctx.config.maxAnswerTokens,
      what: 'hosts',
      shape: (r) => pick(r, listCols),
    });
    const text = renderList('hosts', p.meta, cols.custom ? shownCols : HOST_LINE_HEADER, p.lines);
    return { data: { ...p.meta, rows: p.rows }, text };
  },
});

const hostDetailOutput = z.object({
  host: z.record(z.string(), z.unknown()),
  others: z.array(z.record(z.string(), z.unknown())).optional().describe('Same name on other backends'),
  services: z.array(z.record(z.string(), z.unknown())).optional(),
  parents: z.array(z.record(z.string(), z.unknown())).optional(),
  notes: z.array(z.string()).optional(),
});

export const getHost = defineTool({
  name: 'thruk_get_host',
  title: 'Get host',
  toolset: 'state',
  access: 'read',
  description: "One host in depth: state, output, handling, groups, custom variables, its services and its parents' state.",
  input: z
    .object({
      host: hostNameArg,
      include_services: z.boolean().default(true).describe('Also list its services'),
      columns: columnsArg,
      backends: backendsArg,
    })
    .strict(),
  output: hostDetailOutput,
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const cols = parseColumns(args.columns, HOST_DETAIL_COLUMNS);
    const q = query([['name', args.host]], { columns: cols.list?.join(',') });
    // One round (issue 18): the host, its services and its parents are asked together. The parents
    // are the hosts whose `childs` list holds this name; the `parents` column then says which of
    // them are this host's (a namesake on another core has its own), and any it names that the
    // first read missed are read by name afterwards.
    const [rows, cores, allServices, parentCandidates] = await Promise.all([
      getRows(ctx, '/hosts', q, backends),
      readCores(ctx, backends),
      args.include_services
        ? getRows(
            ctx,
            '/services',
            [
              ['host_name', args.host],
              ['columns', HOST_SERVICE_COLUMNS.join(',')],
              ['sort', 'host_name,description'],
            ],
            backends,
          )
        : Promise.resolve(undefined),
      getRows(ctx, '/hosts', query([['childs[gte]', args.host]], { columns: PARENT_COLUMNS.join(','), sort: 'name' }), backends),
    ]);
    if (rows.length === 0) throw notFound('host', args.host, await hostSuggestions(ctx, args.host, backends), 'thruk_list_hosts');
    const host = rows[0] as Row;
    const now = ctx.now();
    const notes: string[] = [];
    const peerOf = (r: Row): string => (typeof r.peer_name === 'string' ? r.peer_name : '');
    if (rows.length > 1) {
      // Two hosts of one name are two hosts: this answer is the first one's, the others are named
      // with their state and the call that shows them, never mixed into its services.
      const others = rows
        .slice(1)
        .map((r) => `${cell(r.name)}@${peerOf(r)} ${hostStateName(r.state, r.has_been_checked)} (backends="${peerOf(r)}" shows it)`);
      notes.push(
        `'${args.host}' exists on ${rows.length} backends (${rows.map(peerOf).join(', ')}): this is the one on ${peerOf(host)}; also ${others.join(', ')}; their rows are in 'others'.`,
      );
    }
    const parents = await parentRows(ctx, host, parentCandidates, backends);

    // Only the shown host's own services (the namesake's belong to another host on another core).
    const services = allServices !== undefined && rows.length > 1 ? allServices.filter((s) => peerOf(s) === peerOf(host)) : allServices;
    // The parents' rows say more than the bare names of the `parents` column: show them once.
    const skip = parents !== undefined && parents.length > 0 ? new Set([...DETAIL_HEAD_KEYS, 'parents']) : DETAIL_HEAD_KEYS;
    const starts = startsOf(cores);
    const lines = [...detailHead(host, 'hosts', now, starts), ...detailLines(host, 'hosts', now, skip)];
    if (parents !== undefined && parents.length > 0)
      lines.push(`parents (${parents.length}): ${parents.map(parentCell(now, starts)).join('; ')}`);
    if (services !== undefined) lines.push(...hostServiceLines(services, now, { showPeer: cores.several, starts }));
    for (const n of notes) lines.push(`Note: ${n}`);
    const data: z.output<typeof hostDetailOutput> = { host };
    if (rows.length > 1) data.others = rows.slice(1);
    if (services !== undefined) data.services = services;
    if (parents !== undefined) data.parents = parents;
    if (notes.length > 0) data.notes = notes;
    return { data, text: lines.join('\n') };
  },
});

const PARENT_COLUMNS = [...DEFAULT_HOST_COLUMNS, ...HOST_RENDER_NEEDS];

/**
 * The rows of the hosts the `parents` column names: those the childs read found when it found
 * every name (the usual case, no further request), else all of them read by name as before.
 */
async function parentRows(
  ctx: ToolContext,
  host: Row,
  candidates: readonly Row[],
  backends: string[] | undefined,
): Promise<Row[] | undefined> {
  const parents = Array.isArray(host.parents) ? (host.parents as unknown[]).map(String) : [];
  if (parents.length === 0) return undefined;
  const wanted = new Set(parents);
  const found = candidates.filter((r) => wanted.has(String(r.name)));
  if (parents.every((p) => found.some((r) => String(r.name) === p))) return found;
  const { params } = compileFilter('hosts', { field: 'name', op: 'in', value: parents });
  return getRows(ctx, '/hosts', query(params, { columns: PARENT_COLUMNS.join(','), sort: 'name' }), backends);
}

export { HOST_LINE_HEADER };

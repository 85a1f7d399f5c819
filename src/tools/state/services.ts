import { z } from 'zod';
import { compileFilter, filterSchema } from '../../thruk/filter.js';
import { defineTool, type ToolContext } from '../core/define.js';
import { cell } from '../lib/format.js';
import { closest } from '../lib/closest.js';
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
import { hostNameArg, hostSuggestions, notFound, objectName, SERVICE_FILTER_FIELDS } from '../lib/objects.js';
import { startsOf } from '../lib/corestart.js';
import { pageOf, readPage, SERVICE_KEYS } from './paging.js';
import { DETAIL_HEAD_KEYS, detailHead, multiplePeers, SERVICE_LINE_HEADER, serviceLine } from '../lib/rows.js';

export const DEFAULT_SERVICE_COLUMNS = [
  'host_name',
  'description',
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
const SERVICE_RENDER_NEEDS = ['has_been_checked', 'state_type', 'is_flapping'];

const SERVICE_DETAIL_COLUMNS = [
  'host_name',
  'description',
  'display_name',
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
  'check_command',
  'check_interval',
  'latency',
  'execution_time',
  'custom_variables',
  'host_state',
  'host_has_been_checked',
  'host_acknowledged',
  'host_scheduled_downtime_depth',
  'host_plugin_output',
  'peer_name',
] as const;

export const listServices = defineTool({
  name: 'thruk_list_services',
  title: 'List services',
  toolset: 'state',
  access: 'read',
  description: 'List services, one line each: state, since when, acked/downtime, output. For problems only use thruk_problems.',
  input: z
    .object({
      filter: filterSchema(SERVICE_FILTER_FIELDS).optional(),
      limit: limitArg(50),
      offset: offsetArg,
      sort: sortArg('host_name,description'),
      columns: columnsArg,
      backends: backendsArg,
    })
    .strict(),
  output: listOutput,
  run: async (ctx, args) => {
    const cols = parseColumns(args.columns, DEFAULT_SERVICE_COLUMNS);
    // A chosen `state` column still needs has_been_checked: state 0 of a never-checked object is PENDING, not OK.
    const fetchCols = withColumns(
      cols.list,
      cols.custom ? (cols.list?.includes('state') === true ? ['has_been_checked'] : []) : SERVICE_RENDER_NEEDS,
    );
    const { params } = compileFilter('services', args.filter);
    const backends = parseBackends(args.backends);
    const [kp, cores] = await Promise.all([
      readPage(ctx, SERVICE_KEYS, params, {
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
    const render = cols.custom ? genericLine('services', shownCols, now) : serviceLine(now, several, startsOf(cores));
    // The render sees the whole row (has_been_checked decides PENDING); the data keeps the asked columns.
    const p = pageOf(kp, render, {
      offset: args.offset,
      budgetTokens: ctx.config.maxAnswerTokens,
      what: 'services',
      shape: (r) => pick(r, listCols),
    });
    return {
      data: { ...p.meta, rows: p.rows },
      text: renderList('services', p.meta, cols.custom ? shownCols : SERVICE_LINE_HEADER, p.lines),
    };
  },
});

const serviceDetailOutput = z.object({
  service: z.record(z.string(), z.unknown()),
  others: z.array(z.record(z.string(), z.unknown())).optional().describe('Same service on other backends'),
  notes: z.array(z.string()).optional(),
});

async function serviceSuggestions(
  ctx: ToolContext,
  host: string,
  service: string,
  backends: string[] | undefined,
): Promise<{ kind: 'service' | 'host'; near: string[] }> {
  const services = await getRows(
    ctx,
    '/services',
    [
      ['host_name', host],
      ['columns', 'description'],
    ],
    backends,
  );
  if (services.length > 0)
    return {
      kind: 'service',
      near: closest(
        service,
        services.map((r) => String(r.description)),
        3,
      ),
    };
  return { kind: 'host', near: await hostSuggestions(ctx, host, backends) };
}

export const getService = defineTool({
  name: 'thruk_get_service',
  title: 'Get service',
  toolset: 'state',
  access: 'read',
  description: 'One service in depth: state, full output, perf data, handling, groups, custom variables, host state.',
  input: z
    .object({
      host: hostNameArg,
      service: objectName('Service name'),
      columns: columnsArg,
      backends: backendsArg,
    })
    .strict(),
  output: serviceDetailOutput,
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const cols = parseColumns(args.columns, SERVICE_DETAIL_COLUMNS);
    const q = query(
      [
        ['host_name', args.host],
        ['description', args.service],
      ],
      { columns: cols.list?.join(',') },
    );
    const [rows, cores] = await Promise.all([getRows(ctx, '/services', q, backends), readCores(ctx, backends)]);
    if (rows.length === 0) {
      const s = await serviceSuggestions(ctx, args.host, args.service, backends);
      throw s.kind === 'service'
        ? notFound(
            `service on host '${args.host}'`,
            args.service,
            s.near,
            `thruk_list_services with filter {"field":"host","value":"${args.host}"}`,
          )
        : notFound('host', args.host, s.near, 'thruk_list_hosts');
    }
    const svc = rows[0] as Row;
    const now = ctx.now();
    const lines = [...detailHead(svc, 'services', now, startsOf(cores)), ...detailLines(svc, 'services', now, DETAIL_HEAD_KEYS)];
    const data: z.output<typeof serviceDetailOutput> = { service: svc };
    if (rows.length > 1) {
      data.others = rows.slice(1);
      data.notes = [
        `This service exists on ${rows.length} backends (${rows.map((r) => cell(r.peer_name)).join(', ')}); showing the first.`,
      ];
      lines.push(`Note: ${data.notes[0] ?? ''}`);
    }
    return { data, text: lines.join('\n') };
  },
});

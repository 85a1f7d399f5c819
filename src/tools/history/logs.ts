import { z } from 'zod';
import { filterSchema, type FilterLeaf, type FilterNode } from '../../thruk/filter.js';
import { defineTool, type ToolContext } from '../core/define.js';
import { windowFromFilter } from '../lib/logquery.js';
import { backendsArg, columnsArg, limitArg, offsetArg, parseBackends, parseColumns, withColumns } from '../lib/list.js';
import { DEFAULT_LOG_COLUMNS, EVENT_COLUMNS, logSortArg, parseTimeSort, repairHosts, timeArg, untilArg } from './common.js';
import { sinceDefaultedArg } from '../lib/logwindow.js';
import { mapLeaves, stateByKind } from './filters.js';
import { customLine, LOG_LINE_HEADER, logLine, logListOutput, renderResult, runList } from './list.js';

/** The arguments thruk_list_logs and thruk_list_alerts share; only the filterable fields differ. */
function windowListInput(fields: Parameters<typeof filterSchema>[0]) {
  return z
    .object({
      filter: filterSchema(fields).optional(),
      since: sinceDefaultedArg('-24h'),
      until: untilArg,
      limit: limitArg(100),
      offset: offsetArg,
      sort: logSortArg,
      columns: columnsArg,
      backends: backendsArg,
    })
    .strict();
}

export const LOG_FILTER_FIELDS = [
  'host',
  'service',
  'message',
  'hostgroup',
  'custom_var',
  'since',
  'until',
  'type',
  'class',
  'state',
  'contact',
] as const;
const ALERT_FILTER_FIELDS = ['host', 'service', 'state', 'state_type', 'hostgroup', 'custom_var', 'since', 'until'] as const;

const ALERT_TYPES = '^(HOST|SERVICE) ALERT$';
const ALERT_EXTRA: FilterLeaf[] = [
  { field: 'class', value: 1 },
  { field: 'type', op: 'regex', value: ALERT_TYPES },
];

interface Common {
  filter?: FilterNode | undefined;
  limit: number;
  offset: number;
  columns?: string | undefined;
  backends?: string | undefined;
}

/** State names apply to rows of their kind only (DOWN and WARNING are both 1). */
async function kindStates(filter: FilterNode | undefined, alertsOnly: boolean): Promise<FilterNode | undefined> {
  return mapLeaves(filter, (l) =>
    alertsOnly ? stateByKind(l, '^HOST ALERT$', '^SERVICE ALERT$', false) : stateByKind(l, 'HOST', 'SERVICE', true),
  );
}

async function listRun(
  ctx: ToolContext,
  args: Common,
  o: { what: string; since: string | number; until: string | number | undefined; order: 'newest' | 'oldest'; alertsOnly: boolean },
) {
  const win = windowFromFilter(args.filter, o.since, o.until, ctx.now());
  const cols = parseColumns(args.columns, DEFAULT_LOG_COLUMNS);
  const filter = await kindStates(win.rest, o.alertsOnly);
  const res = await runList(
    ctx,
    {
      what: o.what,
      filter,
      ...(o.alertsOnly ? { extra: ALERT_EXTRA } : {}),
      since: win.since,
      until: win.until,
      order: o.order,
      offset: args.offset,
      limit: args.limit,
      columns: cols.list,
      fetchColumns: withColumns(cols.list, cols.custom ? ['type', 'service_description', 'options'] : EVENT_COLUMNS),
      custom: cols.custom,
      backends: parseBackends(args.backends),
      transform: repairHosts,
    },
    cols.custom && cols.list !== undefined ? customLine(cols.list, ctx.now()) : logLine(ctx.now()),
  );
  const header = cols.custom && cols.list !== undefined ? cols.list : LOG_LINE_HEADER;
  return { data: res.data, text: renderResult(res, header) };
}

export const listLogs = defineTool({
  name: 'thruk_list_logs',
  title: 'List log events',
  toolset: 'history',
  access: 'read',
  description: 'The monitoring log in a window, newest first: alerts, notifications, downtimes, flapping, commands. One line per event.',
  input: windowListInput(LOG_FILTER_FIELDS),
  output: logListOutput,
  run: (ctx, args) =>
    listRun(ctx, args, { what: 'log events', since: args.since, until: args.until, order: parseTimeSort(args.sort), alertsOnly: false }),
});

export const listAlerts = defineTool({
  name: 'thruk_list_alerts',
  title: 'List alerts',
  toolset: 'history',
  access: 'read',
  description: 'Alerts: host and service state changes (SOFT and HARD) in a window, newest first, with output.',
  input: windowListInput(ALERT_FILTER_FIELDS),
  output: logListOutput,
  run: (ctx, args) =>
    listRun(ctx, args, { what: 'alerts', since: args.since, until: args.until, order: parseTimeSort(args.sort), alertsOnly: true }),
});

export const recentEvents = defineTool({
  name: 'thruk_recent_events',
  title: 'Recent events',
  toolset: 'history',
  access: 'read',
  description: 'What just happened: log events of the last hours (default 1), newest first.',
  input: z
    .object({
      filter: filterSchema(LOG_FILTER_FIELDS).optional(),
      hours: z.number().int().min(1).max(8760).default(1).describe('Look back this many hours'),
      since: timeArg('Instead of hours: -30m, today, ISO-8601').optional(),
      only_alerts: z.boolean().default(false).describe('State changes only'),
      limit: limitArg(100),
      offset: offsetArg,
      columns: columnsArg,
      backends: backendsArg,
    })
    .strict(),
  output: logListOutput,
  run: (ctx, args) =>
    listRun(ctx, args, {
      what: args.only_alerts ? 'alerts' : 'events',
      since: args.since ?? `-${args.hours}h`,
      until: undefined,
      order: 'newest',
      alertsOnly: args.only_alerts,
    }),
});

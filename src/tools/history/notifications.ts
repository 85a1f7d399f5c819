import { z } from 'zod';
import { filterSchema } from '../../thruk/filter.js';
import { defineTool } from '../core/define.js';
import { cell } from '../lib/format.js';
import { windowFromFilter } from '../lib/logquery.js';
import { backendsArg, columnsArg, limitArg, offsetArg, parseBackends, parseColumns, withColumns } from '../lib/list.js';
import { DEFAULT_NOTIFICATION_COLUMNS, logSortArg, parseTimeSort, stamp, untilArg, type Row } from './common.js';
import { sinceDefaultedArg } from '../lib/logwindow.js';
import { customLine, logListOutput, renderResult, runList } from './list.js';
import { readNotification, repairedRow } from './notify.js';

export const NOTIFICATION_FILTER_FIELDS = ['host', 'service', 'state', 'contact', 'hostgroup', 'custom_var', 'since', 'until'] as const;
/** Derived keys added to default rows: what kind of notification, and the check output. */
const DERIVED = ['notification_type', 'output'];
const HEADER = ['time', 'object', 'type (state)', 'contact', 'command', 'output'];

/** Replaces broken columns with the values of the log line, and says how many rows needed it. */
export function repairNotifications(rows: Row[]): { rows: Row[]; notes: string[] } {
  let repaired = 0;
  const out = rows.map((r) => {
    const n = readNotification(r);
    if (n.repaired) repaired++;
    return { ...repairedRow(r, n), notification_type: n.reason, output: n.output };
  });
  const notes =
    repaired === 0
      ? []
      : [
          `${repaired} of ${rows.length} rows had mis-parsed notification columns (Icinga 2 Livestatus); host, service, state, contact, command and output were read from the log line instead, nothing is lost.`,
        ];
  return { rows: out, notes };
}

function line(nowMs: number) {
  return (r: Row): string => {
    const n = readNotification(r);
    const obj = n.service !== undefined ? `${n.host}/${n.service}` : n.host;
    const what = n.state === undefined ? n.reason : `${n.reason} (${n.state})`;
    const ack = n.author !== undefined ? ` [${n.author}: ${n.comment ?? ''}]` : '';
    return [stamp(r.time, nowMs), obj, what, n.contact, n.command, `${cell(n.output, 200)}${ack}`].join(' | ');
  };
}

export const listNotifications = defineTool({
  name: 'thruk_list_notifications',
  title: 'List notifications',
  toolset: 'history',
  access: 'read',
  description: 'Notifications sent: who was notified about what in a window, newest first, with contact and command.',
  input: z
    .object({
      filter: filterSchema(NOTIFICATION_FILTER_FIELDS).optional(),
      since: sinceDefaultedArg('-24h'),
      until: untilArg,
      limit: limitArg(100),
      offset: offsetArg,
      sort: logSortArg,
      columns: columnsArg,
      backends: backendsArg,
    })
    .strict(),
  output: logListOutput,
  run: async (ctx, args) => {
    const now = ctx.now();
    const win = windowFromFilter(args.filter, args.since, args.until, now);
    const cols = parseColumns(args.columns, [...DEFAULT_NOTIFICATION_COLUMNS, ...DERIVED]);
    const fetch = withColumns(
      cols.list?.filter((c) => !DERIVED.includes(c)),
      ['time', 'type', 'options', 'host_name', 'service_description', 'contact_name', 'command_name', 'state', 'state_type'],
    );
    const res = await runList(
      ctx,
      {
        what: 'notifications',
        filter: win.rest,
        extra: [{ field: 'class', value: 3 }],
        line: 'notification',
        since: win.since,
        until: win.until,
        order: parseTimeSort(args.sort),
        offset: args.offset,
        limit: args.limit,
        columns: cols.list,
        fetchColumns: fetch,
        custom: cols.custom,
        backends: parseBackends(args.backends),
        transform: repairNotifications,
      },
      cols.custom && cols.list !== undefined ? customLine(cols.list, now) : line(now),
    );
    return { data: res.data, text: renderResult(res, cols.custom && cols.list !== undefined ? cols.list : HEADER) };
  },
});

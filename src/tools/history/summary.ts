import { z } from 'zod';
import { compileFilter, filterSchema, MAX_IN_VALUES } from '../../thruk/filter.js';
import { defineTool, type ToolContext } from '../core/define.js';
import { iso, num } from '../lib/format.js';
import { aggregateLogs, coreParts, countLogs, windowFromFilter, type PreparedLogQuery } from '../lib/logquery.js';
import { backendsArg, limitArg, parseBackends } from '../lib/list.js';
import { label, plural, stamp, str, untilArg, type Row } from './common.js';
import { sinceDefaultedArg, windowText } from '../lib/logwindow.js';
import { fetchEdge } from './fetch.js';
import { prepareScoped } from './filters.js';
import { NOTIFICATION_FILTER_FIELDS } from './notifications.js';
import { parseNotificationType, readNotification } from './notify.js';

const GROUPS = ['contact', 'host', 'service', 'state', 'command', 'hostgroup', 'servicegroup'] as const;
type GroupBy = (typeof GROUPS)[number];
/** Raw rows read when a dimension cannot be aggregated by Thruk (command, Icinga 2 host rows). */
const RAW_CAP = 50_000;
const PAGE = 5000;

/** One notification, or one Thruk-side group of identical ones. */
interface Unit {
  host: string;
  service?: string;
  core?: string;
  contact: string;
  command: string;
  state: string;
  reason: string;
  count: number;
  last: number;
}

const result = z.object({
  group: z.string().describe('The contact, host, host/service, state, command or group name'),
  count: z.number(),
  last_time: z.string(),
  hosts_affected: z.number(),
  services_affected: z.number(),
  peer_name: z.string().optional().describe('The core of the host or service group (several cores in scope)'),
  by_type: z.record(z.string(), z.number()).describe('PROBLEM, RECOVERY, ACKNOWLEDGEMENT, DOWNTIMESTART, FLAPPINGSTART…'),
});
const summaryOutput = z.object({
  since: z.string(),
  until: z.string(),
  group_by: z.enum(GROUPS),
  total: z.number(),
  groups: z.number(),
  results: z.array(result),
  notes: z.array(z.string()).optional(),
});
type Result = z.output<typeof result>;

function unitOfRow(r: Row, count: number, last: number): Unit {
  const n = readNotification(r);
  return {
    host: n.host,
    ...(n.service !== undefined ? { service: n.service } : {}),
    contact: n.contact,
    command: n.command,
    state: n.state ?? '',
    reason: n.reason,
    count,
    last,
  };
}

async function rawUnits(
  ctx: ToolContext,
  p: PreparedLogQuery,
  since: number,
  until: number,
  backends: string[] | undefined,
  notes: string[],
): Promise<Unit[]> {
  const e = await fetchEdge(ctx, p, {
    since,
    until,
    columns: ['time', 'type', 'options', 'host_name', 'service_description', 'contact_name', 'command_name', 'state', 'state_type'],
    maxRows: RAW_CAP,
    order: 'newest',
    backends,
  });
  if (e.truncated)
    notes.push(`more than ${RAW_CAP} notifications need reading one by one; counted from ${iso(e.from)} only. Narrow the window.`);
  return e.rows.map((r) => unitOfRow(r, 1, num(r.time)));
}

/** Thruk-side groups; HOST NOTIFICATION groups without host (Icinga 2) are re-read from their lines. */
async function aggregatedUnits(
  ctx: ToolContext,
  p: PreparedLogQuery,
  since: number,
  until: number,
  backends: string[] | undefined,
  notes: string[],
): Promise<Unit[]> {
  const groups = await aggregateLogs(ctx, p, {
    since,
    until,
    groupBy: ['type', 'host_name', 'service_description', 'contact_name', 'state_type'],
    backends,
    attribute: false,
    notes,
  });
  const hostless = groups.some((g) => /^HOST/.test(str(g.type)) && str(g.host_name) === '');
  const out: Unit[] = [];
  for (const g of groups) {
    const kind = /SERVICE/.test(str(g.type)) ? 'service' : 'host';
    // Icinga 2 leaves host_name empty on host notifications: those are all read from their lines below.
    if (hostless && kind === 'host') continue;
    const t = parseNotificationType(kind, str(g.state_type));
    const service = kind === 'service' ? str(g.service_description) : undefined;
    out.push({
      host: str(g.host_name),
      ...(service !== undefined ? { service } : {}),
      contact: str(g.contact_name),
      command: '',
      state: t.state ?? '',
      reason: t.reason,
      count: num(g.count),
      last: num(g.last),
    });
  }
  if (hostless) {
    const q: PreparedLogQuery = { ...p, params: [...p.params, ['type', 'HOST NOTIFICATION']] };
    out.push(...(await rawUnits(ctx, q, since, until, backends, notes)));
    notes.push('host notifications carry no host_name column here (Icinga 2); they were counted from their log lines, nothing is lost.');
  }
  return out;
}

async function pagedRows(
  ctx: ToolContext,
  path: string,
  params: Array<[string, string]>,
  columns: string,
  backends: string[] | undefined,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (let offset = 0; ; offset += PAGE) {
    // No sort with limit/offset: Thruk then pages in the core's stable order.
    const res = await ctx.thruk.get<unknown>(path, {
      query: [...params, ['columns', columns], ['limit', String(PAGE)], ['offset', String(offset)]],
      ...(backends ? { backends } : {}),
      signal: ctx.signal,
    });
    const list = Array.isArray(res) ? (res as Row[]) : [];
    rows.push(...list);
    if (list.length < PAGE) return rows;
  }
}

/** Group memberships of the hosts (or services) that were notified about. */
async function memberships(
  ctx: ToolContext,
  kind: 'hostgroup' | 'servicegroup',
  units: readonly Unit[],
  backends: string[] | undefined,
): Promise<Map<string, string[]>> {
  const hosts = [...new Set(units.map((u) => u.host))];
  const byName =
    hosts.length <= MAX_IN_VALUES
      ? compileFilter(kind === 'hostgroup' ? 'hosts' : 'services', { field: 'host', op: 'in', value: hosts }).params
      : [];
  const rows =
    kind === 'hostgroup'
      ? await pagedRows(ctx, '/hosts', byName, 'name,groups', backends)
      : await pagedRows(ctx, '/services', byName, 'host_name,description,groups', backends);
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const key = kind === 'hostgroup' ? str(r.name) : label(str(r.host_name), str(r.description));
    out.set(key, Array.isArray(r.groups) ? (r.groups as unknown[]).map(String) : []);
  }
  return out;
}

/** The host as rows name it: `name@core` when several cores are in scope (one name on two cores is two hosts). */
function hostOfUnit(u: Unit): string {
  return u.core === undefined || u.core === '' ? u.host : `${u.host}@${u.core}`;
}

function keysOf(u: Unit, by: GroupBy, groups: Map<string, string[]> | undefined): string[] {
  switch (by) {
    case 'contact':
      return [u.contact || '(none)'];
    case 'host':
      return [hostOfUnit(u)];
    case 'service':
      return u.service === undefined ? [] : [label(hostOfUnit(u), u.service)];
    case 'state':
      return [u.state || '(none)'];
    case 'command':
      return [u.command || '(none)'];
    case 'hostgroup': {
      const g = groups?.get(u.host);
      return g === undefined ? ['(host not found)'] : g.length === 0 ? ['(none)'] : g;
    }
    case 'servicegroup': {
      if (u.service === undefined) return [];
      const g = groups?.get(label(u.host, u.service));
      return g === undefined ? ['(service not found)'] : g.length === 0 ? ['(none)'] : g;
    }
  }
}

export const notificationSummary = defineTool({
  name: 'thruk_notification_summary',
  title: 'Notification summary',
  toolset: 'history',
  access: 'read',
  description: 'Notification counts per contact, host, service, state, command or group in a window: who got paged most.',
  input: z
    .object({
      group_by: z.enum(GROUPS).default('contact').describe('Count by'),
      since: sinceDefaultedArg('-24h'),
      until: untilArg,
      filter: filterSchema(NOTIFICATION_FILTER_FIELDS).optional(),
      limit: limitArg(100),
      backends: backendsArg,
    })
    .strict(),
  output: summaryOutput,
  run: async (ctx, args) => {
    const nowMs = ctx.now();
    const win = windowFromFilter(args.filter, args.since, args.until, nowMs);
    const backends = parseBackends(args.backends);
    const p = await prepareScoped(ctx, { filter: win.rest, backends, line: 'notification', extra: [{ field: 'class', value: 3 }] });
    const notes = [...p.notes];
    const total = p.empty ? 0 : await countLogs(ctx, p, win.since, win.until, backends);
    // command_name is the output on Icinga 2, so commands are read from the lines.
    // Read per core when several are in scope: a host name on two cores is two hosts, and each
    // core's notifications are cut on their own.
    const read = (b: string[] | undefined) =>
      args.group_by === 'command'
        ? rawUnits(ctx, p, win.since, win.until, b, notes)
        : aggregatedUnits(ctx, p, win.since, win.until, b, notes);
    const units =
      total === 0
        ? []
        : (
            await Promise.all(
              (await coreParts(ctx, backends)).map(async (c) =>
                (await read(c.backends)).map((u) => (c.core === '' ? u : { ...u, core: c.core })),
              ),
            )
          ).flat();
    notes.splice(0, notes.length, ...new Set(notes));
    const groups =
      args.group_by === 'hostgroup' || args.group_by === 'servicegroup'
        ? await memberships(ctx, args.group_by, units, backends)
        : undefined;
    const acc = new Map<
      string,
      { count: number; last: number; core: string | undefined; hosts: Set<string>; services: Set<string>; types: Record<string, number> }
    >();
    let skipped = 0;
    for (const u of units) {
      const keys = keysOf(u, args.group_by, groups);
      if (keys.length === 0) skipped += u.count;
      for (const k of keys) {
        const byObject = args.group_by === 'host' || args.group_by === 'service';
        const a = acc.get(k) ?? {
          count: 0,
          last: 0,
          core: byObject ? u.core : undefined,
          hosts: new Set<string>(),
          services: new Set<string>(),
          types: {},
        };
        a.count += u.count;
        a.last = Math.max(a.last, u.last);
        a.hosts.add(hostOfUnit(u));
        if (u.service !== undefined) a.services.add(label(hostOfUnit(u), u.service));
        a.types[u.reason] = (a.types[u.reason] ?? 0) + u.count;
        acc.set(k, a);
      }
    }
    if (skipped > 0)
      notes.push(
        `${skipped} host notifications have no service and are not in any ${args.group_by === 'service' ? 'service' : 'service group'} row.`,
      );
    const all: Result[] = [...acc].map(([group, a]) => ({
      group,
      count: a.count,
      last_time: iso(a.last),
      hosts_affected: a.hosts.size,
      services_affected: a.services.size,
      ...(a.core !== undefined && a.core !== '' ? { peer_name: a.core } : {}),
      by_type: a.types,
    }));
    all.sort((x, y) => y.count - x.count || x.group.localeCompare(y.group));
    const results = all.slice(0, args.limit);
    if (all.length > results.length)
      notes.push(`${all.length - results.length} more groups with fewer notifications not shown; raise limit (max 1000).`);
    if (args.group_by === 'hostgroup') notes.push('a host in several host groups counts in each.');
    const lines = results.map((r) =>
      [
        r.group,
        String(r.count),
        `last ${stamp(Date.parse(r.last_time) / 1000, nowMs)}`,
        `${r.hosts_affected} hosts, ${r.services_affected} services`,
        Object.entries(r.by_type)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
      ].join(' | '),
    );
    const parts = [
      total === 0
        ? `No notifications in ${windowText(win)}.`
        : `Notifications by ${args.group_by} in ${windowText(win)}: ${total} in ${plural(all.length, 'group')}.`,
    ];
    if (lines.length > 0) parts.push(`${args.group_by} | count | last | affected | types`, ...lines);
    for (const n of notes) parts.push(`Note: ${n}`);
    const data: z.output<typeof summaryOutput> = {
      since: iso(win.since),
      until: iso(win.until),
      group_by: args.group_by,
      total,
      groups: all.length,
      results,
    };
    if (notes.length > 0) data.notes = notes;
    return { data, text: parts.join('\n') };
  },
});

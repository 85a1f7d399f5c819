import { availability, indexLogs, outages, reportPeriod } from './availability.js';
import { evalExpr, parseColumns, sortedObject } from './columns.js';
import { ThrukError } from './errors.js';
import type { Params } from './params.js';
import { icinga2FirstReadFile, logNewestFirst } from './flavour.js';
import { buildFilter, filterRows, runQuery } from './query.js';
import type { QueryOptions } from './query.js';
import type { FilterNode } from './qlang.js';
import type { GroupRow, LogRow, NamedRow, SiteRow } from './rows-other.js';
import { commentsTable, contactsTable, downtimesTable, hostgroupsTable, logsTable, servicegroupsTable, simpleTable } from './rows-other.js';
import { hostsTable, servicesTable } from './rows-status.js';
import { hostStats, serviceStats } from './stats.js';
import type { TableDef } from './table-types.js';
import type { ContactRecord, HostRecord, JsonObject, JsonValue, LogEntry, ServiceRecord, SiteState } from './types.js';

export interface Result {
  data: JsonValue;
  columns?: string[];
}

export interface HandlerCtx {
  readonly params: Params;
  readonly sites: readonly SiteState[];
  readonly now: number;
  /** The caller's contact authorization; absent = sees everything. */
  readonly canSee?: ((h: HostRecord) => boolean) | undefined;
}

const eqLeaf = (key: string, value: string): FilterNode => ({ kind: 'cmp', key, op: '=', value });

function list<R>(
  c: HandlerCtx,
  table: TableDef<R>,
  rows: readonly R[] | ((from: number, to: number) => readonly R[]),
  opts: QueryOptions<R> = {},
): Result {
  return runQuery(table, rows, c.params, { now: c.now }, opts);
}

const flat = <T>(sites: readonly SiteState[], pick: (s: SiteState) => readonly T[]): readonly T[] =>
  sites.length === 1 && sites[0] ? pick(sites[0]) : sites.flatMap((s) => [...pick(s)]);

function visibleHosts(c: HandlerCtx, rows: readonly HostRecord[]): readonly HostRecord[] {
  const see = c.canSee;
  return see === undefined ? rows : rows.filter((h) => see(h));
}

function visibleServices(c: HandlerCtx, rows: readonly ServiceRecord[]): readonly ServiceRecord[] {
  const see = c.canSee;
  return see === undefined ? rows : rows.filter((s) => see(s.host));
}

export function hosts(c: HandlerCtx, name?: string): Result {
  const rows = name === undefined ? flat(c.sites, (s) => s.hosts) : c.sites.flatMap((s) => s.hostByName.get(name) ?? []);
  return list(c, hostsTable(), visibleHosts(c, rows));
}

export function services(c: HandlerCtx, host?: string, description?: string): Result {
  let rows: readonly ServiceRecord[];
  if (host === undefined) rows = flat(c.sites, (s) => s.services);
  else if (description === undefined) rows = c.sites.flatMap((s) => s.hostByName.get(host)?.services ?? []);
  else rows = c.sites.flatMap((s) => s.findService(host, description) ?? []);
  return list(c, servicesTable(), visibleServices(c, rows));
}

/** `columns=` on an object result only selects and renames keys. */
function selectKeys(obj: JsonObject, params: Params): Result {
  if (!params.has('columns')) return { data: obj, columns: Object.keys(obj) };
  const specs = parseColumns(params.all('columns'));
  return { data: sortedObject(specs.map((s) => [s.key, evalExpr(s.expr, (n) => obj[n])])), columns: specs.map((s) => s.key) };
}

const STATS_OPTS = new Set(['timeperiod', 'start', 'end']);

export function hostStatsResult(c: HandlerCtx, keys: readonly string[] | undefined, group?: string): Result {
  const base = group === undefined ? [] : [{ kind: 'cmp', key: 'groups', op: '>=', value: group } as FilterNode];
  const { filter } = buildFilter(c.params, { base, skipParams: STATS_OPTS }, c.now);
  const { rows } = filterRows(
    hostsTable(),
    visibleHosts(
      c,
      flat(c.sites, (s) => s.hosts),
    ),
    filter,
    { now: c.now },
  );
  return selectKeys(hostStats(rows, keys), c.params);
}

export function serviceStatsResult(c: HandlerCtx, keys: readonly string[] | undefined, group?: string): Result {
  const base = group === undefined ? [] : [{ kind: 'cmp', key: 'groups', op: '>=', value: group } as FilterNode];
  const { filter } = buildFilter(c.params, { base, skipParams: STATS_OPTS }, c.now);
  const { rows } = filterRows(
    servicesTable(),
    visibleServices(
      c,
      flat(c.sites, (s) => s.services),
    ),
    filter,
    { now: c.now },
  );
  return selectKeys(serviceStats(rows, keys), c.params);
}

export function commandline(c: HandlerCtx, host: string, svc?: string): Result {
  const rows: JsonObject[] = [];
  for (const s of c.sites) {
    const h = s.hostByName.get(host);
    if (!h) continue;
    const o = svc === undefined ? h : h.services.find((x) => x.description === svc);
    if (!o) continue;
    const cmd = o.cfg.checkCommand;
    // Icinga 2's Livestatus never gives the command line (real fixture
    // real-stack/commandline_web-01_two_cores.json); Naemon expands it.
    const line = s.core === 'icinga2' ? '<internal>' : `/usr/lib/nagios/plugins/check_${cmd.replace(/[^a-z0-9_]/gi, '_')} -H ${h.address}`;
    const row: JsonObject = {
      check_command: cmd,
      command_line: line,
      error: '',
      host_name: h.name,
      peer_key: s.key,
      peer_name: s.name,
      peer_section: s.section,
    };
    if (svc !== undefined) row['service_description'] = svc;
    rows.push(sortedObject(Object.entries(row)));
  }
  return { data: rows, columns: Object.keys(rows[0] ?? {}) };
}

function logSource(sites: readonly SiteState[]): (from: number, to: number) => LogRow[] {
  return (from, to) => {
    const out: LogRow[] = [];
    for (const site of sites) {
      const logs = site.logs;
      // Icinga 2 skips the log file that began before the window (its rows never come back).
      const start = Math.max(from, icinga2FirstReadFile(site, from) ?? from);
      let lo = 0;
      let hi = logs.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((logs[mid]?.time ?? 0) < start) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < logs.length; i++) {
        const e = logs[i] as LogEntry;
        if (e.time > to) break;
        out.push({ e, site });
      }
    }
    return out;
  };
}

export function logs(c: HandlerCtx, kind: 'logs' | 'alerts' | 'notifications', host?: string): Result {
  const base: FilterNode[] = [];
  if (kind === 'alerts') base.push({ kind: 'cmp', key: 'type', op: '~', value: '^(HOST|SERVICE) ALERT$' });
  if (kind === 'notifications') base.push(eqLeaf('class', '3'));
  if (host !== undefined) base.push(eqLeaf('host_name', host));
  return list(c, logsTable(kind), logSource(logSites(c.sites)), { base, logWindow: true, limitSlice: limitPerCore });
}

/**
 * A site whose log table fails (SiteState.logError): asked alone, Thruk answers 500 with the core's
 * Livestatus error; asked with other sites, it answers 200 with the others' rows and says nothing
 * (real Thruk 3.20.2, fixtures real-stack/logs_count_icinga_failing.json, logs_*_all_one_core_failing.json).
 */
function logSites(sites: readonly SiteState[]): readonly SiteState[] {
  const ok = sites.filter((s) => s.logError === undefined);
  const broken = sites.find((s) => s.logError !== undefined);
  if (ok.length === 0 && broken !== undefined) {
    throw new ThrukError(500, 'error during request', {
      description: `${broken.name}: 452: internal livestatus error - ${broken.logError ?? ''} at lib/Thruk/Backend/Manager.pm line 1698.\n`,
    });
  }
  return ok;
}

/** Thruk sends `Limit:` to every core: Naemon answers its newest rows, Icinga 2 its oldest. */
function limitPerCore(rows: LogRow[], n: number): LogRow[] {
  const bySite = new Map<SiteState, LogRow[]>();
  for (const r of rows) {
    const list = bySite.get(r.site);
    if (list) list.push(r);
    else bySite.set(r.site, [r]);
  }
  const out: LogRow[] = [];
  for (const [site, list] of bySite)
    out.push(...(logNewestFirst(site) ? list.slice(Math.max(0, list.length - n)).reverse() : list.slice(0, n)));
  return out;
}

export function downtimes(c: HandlerCtx, id?: string): Result {
  return list(
    c,
    downtimesTable(),
    flat(c.sites, (s) => s.downtimes),
    id === undefined ? {} : { base: [eqLeaf('id', id)] },
  );
}

export function comments(c: HandlerCtx, id?: string): Result {
  return list(
    c,
    commentsTable(),
    flat(c.sites, (s) => s.comments),
    id === undefined ? {} : { base: [eqLeaf('id', id)] },
  );
}

export function groupRows(sites: readonly SiteState[], kind: 'hostgroups' | 'servicegroups'): GroupRow[] {
  const rows = new Map<string, GroupRow>();
  for (const site of sites) {
    for (const def of site[kind]) {
      let row = rows.get(def.name);
      if (!row) {
        row = { def, kind, sites: [], hosts: [], services: [] };
        rows.set(def.name, row);
      }
      row.sites.push(site);
      if (kind === 'hostgroups') {
        for (const h of site.hosts) {
          if (!h.groups.includes(def.name)) continue;
          row.hosts.push(h);
          row.services.push(...h.services);
        }
      } else {
        for (const s of site.services) if (s.groups.includes(def.name)) row.services.push(s);
      }
    }
  }
  return [...rows.values()];
}

export function groups(c: HandlerCtx, kind: 'hostgroups' | 'servicegroups', name?: string): Result {
  const all = groupRows(c.sites, kind);
  const rows = name === undefined ? all : all.filter((g) => g.def.name === name);
  return list(c, kind === 'hostgroups' ? hostgroupsTable() : servicegroupsTable(), rows);
}

export function contacts(c: HandlerCtx, name?: string): Result {
  const rows: SiteRow<ContactRecord>[] = c.sites.flatMap((site) =>
    site.contacts.filter((x) => name === undefined || x.name === name).map((v) => ({ v, site })),
  );
  return list(c, contactsTable(), rows);
}

const TIMEPERIODS = [
  { name: 'workhours', alias: 'Office hours (Mon-Fri 08-18)' },
  { name: '24x7', alias: 'Icinga 2 24x7 TimePeriod' },
  { name: 'never', alias: 'Never' },
];
const COMMANDS = [
  ['hostalive', '/usr/lib/nagios/plugins/check_ping -H $address$ -w 3000.0,80% -c 5000.0,100% -p 5'],
  ['ping4', '/usr/lib/nagios/plugins/check_ping -4 -H $address$ -w 100,20% -c 500,60%'],
  ['ssh', '/usr/lib/nagios/plugins/check_ssh $address$'],
  ['http', '/usr/lib/nagios/plugins/check_http -H $address$'],
  ['disk', '/usr/lib/nagios/plugins/check_disk -w 20% -c 10%'],
  ['load', '/usr/lib/nagios/plugins/check_load -w 5,4,3 -c 10,8,6'],
  ['mem', '/usr/lib/nagios/plugins/check_mem -w 85 -c 95'],
  ['ntp_time', '/usr/lib/nagios/plugins/check_ntp_time -H $address$'],
  ['ssl_cert', '/usr/lib/nagios/plugins/check_http -H $address$ -C 30,14'],
  ['mysql_health', '/usr/lib/nagios/plugins/check_mysql_health'],
  ['notify-by-email', '/usr/bin/printf "%b" "$NOTIFICATIONTYPE$" | /usr/bin/mail -s "$NOTIFICATIONTYPE$" $CONTACTEMAIL$'],
] as const;

export function simple(c: HandlerCtx, kind: 'contactgroups' | 'timeperiods' | 'commands', name?: string): Result {
  const values: Array<NamedRow['v']> =
    kind === 'contactgroups'
      ? [{ name: 'admins', alias: 'admins', members: ['icingaadmin', 'oncall'] }]
      : kind === 'timeperiods'
        ? TIMEPERIODS
        : COMMANDS.map(([n, line]) => ({ name: n, line }));
  const rows: NamedRow[] = c.sites.flatMap((site) => values.filter((v) => name === undefined || v.name === name).map((v) => ({ v, site })));
  return list(c, simpleTable(kind), rows);
}

type Scope = { hosts: HostRecord[]; services: ServiceRecord[] };

function scopeFor(c: HandlerCtx, what: 'hosts' | 'services' | 'hostgroup' | 'servicegroup', name?: string, svc?: string): Scope {
  const out: Scope = { hosts: [], services: [] };
  // Thruk's availability lists take ?hostgroup= as a scope, and group reports take ?type=hosts|services|both.
  const groupParam = c.params.get('hostgroup') ?? undefined;
  const type = c.params.get('type') ?? (what === 'servicegroup' ? 'services' : 'hosts');
  for (const s of c.sites) {
    if (what === 'hosts') {
      const h = name === undefined ? undefined : s.hostByName.get(name);
      const all = groupParam === undefined ? s.hosts : s.hosts.filter((x) => x.groups.includes(groupParam));
      out.hosts = out.hosts.concat(name === undefined ? all : h ? [h] : []);
    } else if (what === 'services') {
      const x = name === undefined ? undefined : s.findService(name, svc ?? '');
      const all = groupParam === undefined ? s.services : s.services.filter((y) => y.host.groups.includes(groupParam));
      out.services = out.services.concat(name === undefined ? all : x ? [x] : []);
    } else if (what === 'hostgroup') {
      const members = s.hosts.filter((h) => h.groups.includes(name ?? ''));
      if (type === 'hosts' || type === 'both') out.hosts = out.hosts.concat(members);
      if (type === 'services' || type === 'both') out.services = out.services.concat(s.services.filter((x) => members.includes(x.host)));
    } else {
      const members = s.services.filter((x) => x.groups.includes(name ?? ''));
      if (type === 'services' || type === 'both') out.services = out.services.concat(members);
      if (type === 'hosts' || type === 'both') out.hosts = out.hosts.concat([...new Set(members.map((x) => x.host))]);
    }
  }
  return out;
}

function groupExists(c: HandlerCtx, what: 'hostgroup' | 'servicegroup', name: string): boolean {
  return c.sites.some((s) =>
    what === 'hostgroup' ? s.hosts.some((h) => h.groups.includes(name)) : s.services.some((x) => x.groups.includes(name)),
  );
}

const logKey = (h: HostRecord, s: ServiceRecord | null): string => (s ? `${h.name};${s.description}` : h.name);

export function availabilityResult(
  c: HandlerCtx,
  path: string,
  what: 'hosts' | 'services' | 'hostgroup' | 'servicegroup',
  single: boolean,
  name?: string,
  svc?: string,
): Result {
  const [start, end] = reportPeriod(c.params, c.now);
  // Thruk's report code only understands 'yes' here; '1' (what the Python client sent) is ignored.
  const soft = c.params.get('includesoftstates') === 'yes';
  if ((what === 'hostgroup' || what === 'servicegroup') && !groupExists(c, what, name ?? ''))
    throw new ThrukError(500, `rest path: ${path} did not return any data.`);
  const scope = scopeFor(c, what, name, svc);
  const idx = new Map(c.sites.map((s) => [s, indexLogs(s)] as const));
  const one = (h: HostRecord, s: ServiceRecord | null): JsonObject =>
    availability(idx.get(h.site)?.get(logKey(h, s)) ?? [], s !== null, start, end, soft);
  if (single) {
    const h = scope.hosts[0];
    const s = scope.services[0];
    if (s) return { data: one(s.host, s) };
    if (h) return { data: one(h, null) };
    throw new ThrukError(500, `rest path: ${path} did not return any data.`);
  }
  const rows: JsonObject[] = [
    ...scope.hosts.map((h) => sortedObject([['host', h.name], ...Object.entries(one(h, null))])),
    ...scope.services.map((s) => sortedObject([['host', s.host.name], ['service', s.description], ...Object.entries(one(s.host, s))])),
  ];
  return { data: rows };
}

export function outagesResult(
  c: HandlerCtx,
  what: 'hosts' | 'services' | 'hostgroup' | 'servicegroup',
  name?: string,
  svc?: string,
): Result {
  const [start, end] = reportPeriod(c.params, c.now);
  const scope = scopeFor(c, what, name, svc);
  const idx = new Map(c.sites.map((s) => [s, indexLogs(s)] as const));
  const rows: JsonObject[] = [];
  for (const h of scope.hosts) rows.push(...outages(idx.get(h.site)?.get(logKey(h, null)) ?? [], h, null, start, end));
  for (const s of scope.services) rows.push(...outages(idx.get(s.host.site)?.get(logKey(s.host, s)) ?? [], s.host, s, start, end));
  return { data: rows.map((r) => sortedObject(Object.entries(r))) };
}

import { LOG_NOTIFICATION, logMessage } from './loglines.js';
import { hostsTable, servicesTable } from './rows-status.js';
import type { Getter, TableDef } from './table-types.js';
import { livestatusHelp, makeTable } from './table-types.js';
import { boolOut, emptyOut, nagiosLike } from './flavour.js';
import type { Comment, ContactRecord, Downtime, GroupDef, HostRecord, JsonValue, LogEntry, ServiceRecord, SiteState } from './types.js';

/** Downtime and comment rows can be asked for `host_*` and `service_*` columns (Thruk 3.12+). */
function embedded<R extends { host: HostRecord; service: ServiceRecord | null }>(
  row: R,
  key: string,
  ctx: { now: number },
): JsonValue | undefined {
  if (key.startsWith('host_')) {
    const g = hostsTable().columns.get(key.slice(5));
    return g ? g(row.host, ctx) : undefined;
  }
  if (key.startsWith('service_')) {
    const g = servicesTable().columns.get(key.slice(8));
    if (!g) return undefined;
    return row.service ? g(row.service, ctx) : null;
  }
  return undefined;
}

let tables: Map<string, TableDef<never>> | undefined;

export function downtimesTable(): TableDef<Downtime> {
  return cached('downtimes', () =>
    makeTable<Downtime>(
      'downtimes',
      livestatusHelp('downtimes'),
      {
        author: (d) => d.author,
        comment: (d) => d.comment,
        duration: (d) => d.duration,
        end_time: (d) => d.endTime,
        entry_time: (d) => d.entryTime,
        // Icinga 2 returns `fixed` as a JSON boolean and `triggered_by` as null when not triggered;
        // Naemon 1/0 and 0.
        fixed: (d) => boolOut(d.host.site, d.fixed),
        host_name: (d) => d.hostName,
        id: (d) => d.id,
        peer_key: (d) => d.host.site.key,
        peer_name: (d) => d.host.site.name,
        service_description: (d) => emptyOut(d.host.site, d.serviceDescription),
        start_time: (d) => d.startTime,
        triggered_by: (d) => (d.triggeredBy === 0 && !nagiosLike(d.host.site.core) ? null : d.triggeredBy),
      },
      { extra: embedded },
    ),
  );
}

export function commentsTable(): TableDef<Comment> {
  return cached('comments', () =>
    makeTable<Comment>(
      'comments',
      livestatusHelp('comments'),
      {
        author: (c) => c.author,
        comment: (c) => c.comment,
        entry_time: (c) => c.entryTime,
        entry_type: (c) => c.entryType,
        expire_time: (c) => c.expireTime,
        expires: (c) => boolOut(c.host.site, c.expires),
        host_name: (c) => c.hostName,
        id: (c) => c.id,
        peer_key: (c) => c.host.site.key,
        peer_name: (c) => c.host.site.name,
        persistent: (c) => c.persistent,
        service_description: (c) => emptyOut(c.host.site, c.serviceDescription),
        source: (c) => c.source,
        type: (c) => (c.service ? 2 : 1),
      },
      { extra: embedded },
    ),
  );
}

export interface LogRow {
  readonly e: LogEntry;
  readonly site: SiteState;
}

const icinga2 = (r: LogRow): boolean => (r.site.core === null ? r.site.logQuirks === 'icinga2' : r.site.core === 'icinga2');
/** Icinga 2's Livestatus shifts the fields of notification lines by one (output as command, state name as state_type). */
const misparsed = (r: LogRow): boolean => icinga2(r) && r.e.class === LOG_NOTIFICATION;

/** Naemon answers "" where Icinga 2 answers null in a log row's text columns. */
const text = (r: LogRow, v: string | null): JsonValue => (v === null && nagiosLike(r.site.core) ? '' : v);

/** Naemon's log table names the object of an EXTERNAL COMMAND row (the fields after the command name). */
function commandObject(r: LogRow): [string | null, string | null] {
  if (r.e.type !== 'EXTERNAL COMMAND' || !nagiosLike(r.site.core)) return [r.e.hostName, r.e.serviceDescription];
  const [, host, svc] = r.e.options.split(';');
  const h = host === undefined ? undefined : r.site.hostByName.get(host);
  if (!h) return [null, null];
  return [h.name, svc !== undefined && h.services.some((x) => x.description === svc) ? svc : null];
}

const logGetters: Record<string, Getter<LogRow>> = {
  class: (r) => r.e.class,
  command_name: (r) => text(r, misparsed(r) ? r.e.pluginOutput : r.e.commandName),
  contact_name: (r) => text(r, r.e.contactName),
  // Icinga 2 never fills host_name on host-level rows (the host is only on the line).
  host_name: (r) => text(r, icinga2(r) && r.e.serviceDescription === null ? null : commandObject(r)[0]),
  message: (r) => logMessage(r.e),
  options: (r) => r.e.options,
  peer_key: (r) => r.site.key,
  peer_name: (r) => r.site.name,
  plugin_output: (r) => (misparsed(r) ? '' : r.e.pluginOutput),
  service_description: (r) => text(r, commandObject(r)[1]),
  state: (r) => (misparsed(r) ? 3 : r.e.state),
  state_type: (r) => text(r, r.e.stateType),
  time: (r) => r.e.time,
  type: (r) => r.e.type,
};

export function logsTable(kind: 'logs' | 'alerts' | 'notifications'): TableDef<LogRow> {
  const help = kind === 'logs' ? livestatusHelp('log', 'logs') : `lists ${kind} based on logfiles.`;
  return cached(kind, () => {
    const g = { ...logGetters };
    // /alerts rows do not carry command_name (seen in the recorded alerts).
    if (kind === 'alerts') delete g['command_name'];
    // Icinga 2 leaves host_name null on host-level and command rows; Thruk's typo check then
    // finds no row with the attribute (seen on a real Thruk 3.20.2: 400 for an ack-command query).
    return makeTable<LogRow>(kind, help, g, {
      absent: (r, k) => k === 'host_name' && icinga2(r) && logGetters.host_name?.(r, { now: 0 }) === null,
    });
  });
}

/** One row per group name, merged over the selected sites (Thruk lists peer_key/peer_name). */
export interface GroupRow {
  readonly def: GroupDef;
  /** hostgroups rows get Naemon's zero hard-state counters; servicegroups do not */
  readonly kind?: 'hostgroups' | 'servicegroups';
  readonly sites: SiteState[];
  readonly hosts: HostRecord[];
  readonly services: ServiceRecord[];
  counts?: Record<string, number>;
}

function svcCounts(services: readonly ServiceRecord[], out: Record<string, number>, group = false): void {
  out['num_services'] = services.length;
  for (const k of ['ok', 'warn', 'crit', 'unknown', 'pending', 'hard_ok', 'hard_warn', 'hard_crit', 'hard_unknown'])
    out[`num_services_${k}`] = 0;
  let worst = 0;
  let worstHard = 0;
  const names = ['ok', 'warn', 'crit', 'unknown'];
  for (const s of services) {
    if (!s.hasBeenChecked) {
      out['num_services_pending'] = (out['num_services_pending'] ?? 0) + 1;
      continue;
    }
    const n = names[s.state] ?? 'unknown';
    out[`num_services_${n}`] = (out[`num_services_${n}`] ?? 0) + 1;
    // naemon-livestatus leaves a host group's hard-state counters at 0 (a bug in the module).
    const hardCounted = s.stateType === 1 && !(group && nagiosLike(s.host.site.core));
    if (hardCounted) out[`num_services_hard_${n}`] = (out[`num_services_hard_${n}`] ?? 0) + 1;
    // Icinga 2 ranks by the plain number: UNKNOWN (3) counts as worse than CRITICAL (2).
    if (s.state > worst) worst = s.state;
    if (hardCounted && s.state > worstHard) worstHard = s.state;
  }
  out['worst_service_state'] = worst;
  out['worst_service_hard_state'] = worstHard;
}

function counts(g: GroupRow): Record<string, number> {
  if (g.counts) return g.counts;
  const out: Record<string, number> = {
    num_hosts: g.hosts.length,
    num_hosts_up: 0,
    num_hosts_down: 0,
    num_hosts_unreach: 0,
    num_hosts_pending: 0,
  };
  let worstHost = 0;
  for (const h of g.hosts) {
    const k = !h.hasBeenChecked
      ? 'num_hosts_pending'
      : h.state === 0
        ? 'num_hosts_up'
        : h.state === 1
          ? 'num_hosts_down'
          : 'num_hosts_unreach';
    out[k] = (out[k] ?? 0) + 1;
    if (h.hasBeenChecked && h.state > worstHost) worstHost = h.state;
  }
  out['worst_host_state'] = worstHost;
  svcCounts(g.services, out, g.kind === 'hostgroups');
  g.counts = out;
  return out;
}

const num =
  (key: string): Getter<GroupRow> =>
  (g) =>
    counts(g)[key] ?? 0;

export function hostgroupsTable(): TableDef<GroupRow> {
  return cached('hostgroups', () => {
    const g: Record<string, Getter<GroupRow>> = {
      action_url: () => '',
      alias: (r) => r.def.alias,
      members: (r) => r.hosts.map((h) => h.name),
      name: (r) => r.def.name,
      notes: () => '',
      notes_url: () => '',
      peer_key: (r) => r.sites.map((s) => s.key),
      peer_name: (r) => r.sites.map((s) => s.name),
    };
    for (const k of [
      'num_hosts',
      'num_hosts_down',
      'num_hosts_pending',
      'num_hosts_unreach',
      'num_hosts_up',
      'num_services',
      'num_services_crit',
      'num_services_hard_crit',
      'num_services_hard_ok',
      'num_services_hard_unknown',
      'num_services_hard_warn',
      'num_services_ok',
      'num_services_pending',
      'num_services_unknown',
      'num_services_warn',
      'worst_host_state',
      'worst_service_hard_state',
      'worst_service_state',
    ])
      g[k] = num(k);
    return makeTable<GroupRow>('hostgroups', livestatusHelp('hostgroups'), g);
  });
}

export function servicegroupsTable(): TableDef<GroupRow> {
  return cached('servicegroups', () => {
    const g: Record<string, Getter<GroupRow>> = {
      action_url: () => '',
      alias: (r) => r.def.alias,
      members: (r) => r.services.map((s) => [s.host.name, s.description]),
      name: (r) => r.def.name,
      notes: () => '',
      notes_url: () => '',
      peer_key: (r) => r.sites.map((s) => s.key),
      peer_name: (r) => r.sites.map((s) => s.name),
    };
    for (const k of [
      'num_services',
      'num_services_crit',
      'num_services_hard_crit',
      'num_services_hard_ok',
      'num_services_hard_unknown',
      'num_services_hard_warn',
      'num_services_ok',
      'num_services_pending',
      'num_services_unknown',
      'num_services_warn',
      'worst_service_state',
    ])
      g[k] = num(k);
    return makeTable<GroupRow>('servicegroups', livestatusHelp('servicegroups'), g);
  });
}

export interface SiteRow<T> {
  readonly v: T;
  readonly site: SiteState;
}

const NAEMON_CONTACT: ReadonlySet<string> = new Set([
  'address1',
  'address2',
  'address3',
  'address4',
  'address5',
  'custom_variable_names',
  'custom_variable_values',
  'custom_variables',
  'groups',
  'host_notification_commands',
  'id',
  'last_update',
  'service_notification_commands',
]);

export function contactsTable(): TableDef<SiteRow<ContactRecord>> {
  const nae = (r: SiteRow<ContactRecord>): boolean => nagiosLike(r.site.core);
  // Naemon sets the notification periods where Icinga 2 gives null, and has 13 more columns.
  const period = (r: SiteRow<ContactRecord>): JsonValue => (nae(r) ? '24x7' : null);
  const inPeriod = (r: SiteRow<ContactRecord>): JsonValue => (nae(r) ? 1 : null);
  return cached('contacts', () =>
    makeTable<SiteRow<ContactRecord>>(
      'contacts',
      livestatusHelp('contacts'),
      {
        address1: () => '',
        address2: () => '',
        address3: () => '',
        address4: () => '',
        address5: () => '',
        alias: (r) => r.v.alias,
        can_submit_commands: () => 1,
        custom_variable_names: (r) => Object.keys(r.v.vars),
        custom_variable_values: (r) => Object.values(r.v.vars),
        custom_variables: (r) => ({ ...r.v.vars }),
        email: (r) => r.v.email,
        groups: (r) => [...(r.v.groups ?? [])],
        host_notification_commands: () => ['notify-host-by-log'],
        host_notification_period: period,
        host_notifications_enabled: (r) => (r.v.hostNotificationsEnabled ? 1 : 0),
        id: (r) => r.site.contacts.indexOf(r.v),
        in_host_notification_period: inPeriod,
        in_service_notification_period: inPeriod,
        last_update: () => '',
        modified_attributes_list: (r) => (nae(r) ? [] : 0),
        name: (r) => r.v.name,
        pager: (r) => r.v.pager,
        peer_key: (r) => r.site.key,
        peer_name: (r) => r.site.name,
        peer_section: (r) => r.site.section,
        service_notification_commands: () => ['notify-service-by-log'],
        service_notification_period: period,
        service_notifications_enabled: (r) => (r.v.serviceNotificationsEnabled ? 1 : 0),
      },
      {
        extra: (r, key) => (key.startsWith('_') ? r.v.vars[key.slice(1).toLowerCase()] : undefined),
        omit: (r, key) => NAEMON_CONTACT.has(key) && !nae(r),
      },
    ),
  );
}

export type NamedRow = SiteRow<{ name: string; alias?: string; members?: string[]; line?: string }>;

export function simpleTable(name: 'contactgroups' | 'timeperiods' | 'commands'): TableDef<NamedRow> {
  return cached(name, () => {
    const g: Record<string, Getter<NamedRow>> = { name: (r) => r.v.name, peer_key: (r) => r.site.key, peer_name: (r) => r.site.name };
    if (name === 'commands') g['line'] = (r) => r.v.line ?? '';
    else g['alias'] = (r) => r.v.alias ?? '';
    if (name === 'contactgroups') g['members'] = (r) => [...(r.v.members ?? [])];
    return makeTable<NamedRow>(name, livestatusHelp(name), g);
  });
}

function cached<R>(name: string, build: () => TableDef<R>): TableDef<R> {
  tables ??= new Map();
  const hit = tables.get(name) as TableDef<R> | undefined;
  if (hit) return hit;
  const t = build();
  tables.set(name, t);
  return t;
}

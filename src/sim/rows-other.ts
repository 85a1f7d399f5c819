import { LOG_NOTIFICATION, logMessage } from './loglines.js';
import { hostsTable, servicesTable } from './rows-status.js';
import type { Getter, TableDef } from './table-types.js';
import { livestatusHelp, makeTable } from './table-types.js';
import type { Comment, ContactRecord, Downtime, GroupDef, HostRecord, JsonValue, LogEntry, ServiceRecord, SiteState } from './types.js';

/** Downtime and comment rows can be asked for `host_*` and `service_*` columns (Thruk 3.12+). */
function embedded<R extends { host: HostRecord; service: ServiceRecord | null }>(row: R, key: string, ctx: { now: number }): JsonValue | undefined {
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
  return cached('downtimes', () => makeTable<Downtime>('downtimes', livestatusHelp('downtimes'), {
    author: (d) => d.author,
    comment: (d) => d.comment,
    duration: (d) => d.duration,
    end_time: (d) => d.endTime,
    entry_time: (d) => d.entryTime,
    // Icinga 2 returns `fixed` as a JSON boolean and `triggered_by` as null when not triggered.
    fixed: (d) => d.fixed,
    host_name: (d) => d.hostName,
    id: (d) => d.id,
    peer_key: (d) => d.host.site.key,
    peer_name: (d) => d.host.site.name,
    service_description: (d) => d.serviceDescription,
    start_time: (d) => d.startTime,
    triggered_by: (d) => (d.triggeredBy === 0 ? null : d.triggeredBy),
  }, { extra: embedded }));
}

export function commentsTable(): TableDef<Comment> {
  return cached('comments', () => makeTable<Comment>('comments', livestatusHelp('comments'), {
    author: (c) => c.author,
    comment: (c) => c.comment,
    entry_time: (c) => c.entryTime,
    entry_type: (c) => c.entryType,
    expire_time: (c) => c.expireTime,
    expires: (c) => c.expires,
    host_name: (c) => c.hostName,
    id: (c) => c.id,
    peer_key: (c) => c.host.site.key,
    peer_name: (c) => c.host.site.name,
    persistent: (c) => c.persistent,
    service_description: (c) => c.serviceDescription,
    source: (c) => c.source,
    type: (c) => (c.service ? 2 : 1),
  }, { extra: embedded }));
}

export interface LogRow { readonly e: LogEntry; readonly site: SiteState }

const icinga2 = (r: LogRow): boolean => r.site.logQuirks === 'icinga2';
/** Icinga 2's Livestatus shifts the fields of notification lines by one (output as command, state name as state_type). */
const misparsed = (r: LogRow): boolean => icinga2(r) && r.e.class === LOG_NOTIFICATION;

const logGetters: Record<string, Getter<LogRow>> = {
  class: (r) => r.e.class,
  command_name: (r) => (misparsed(r) ? r.e.pluginOutput : r.e.commandName),
  contact_name: (r) => r.e.contactName,
  // Icinga 2 never fills host_name on host-level rows (the host is only on the line).
  host_name: (r) => (icinga2(r) && r.e.serviceDescription === null ? null : r.e.hostName),
  message: (r) => logMessage(r.e),
  options: (r) => r.e.options,
  peer_key: (r) => r.site.key,
  peer_name: (r) => r.site.name,
  plugin_output: (r) => (misparsed(r) ? '' : r.e.pluginOutput),
  service_description: (r) => r.e.serviceDescription,
  state: (r) => (misparsed(r) ? 3 : r.e.state),
  state_type: (r) => r.e.stateType,
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
    return makeTable<LogRow>(kind, help, g, { absent: (r, k) => k === 'host_name' && icinga2(r) && logGetters.host_name?.(r, { now: 0 }) === null });
  });
}

/** One row per group name, merged over the selected sites (Thruk lists peer_key/peer_name). */
export interface GroupRow {
  readonly def: GroupDef;
  readonly sites: SiteState[];
  readonly hosts: HostRecord[];
  readonly services: ServiceRecord[];
  counts?: Record<string, number>;
}

function svcCounts(services: readonly ServiceRecord[], out: Record<string, number>): void {
  out['num_services'] = services.length;
  for (const k of ['ok', 'warn', 'crit', 'unknown', 'pending', 'hard_ok', 'hard_warn', 'hard_crit', 'hard_unknown']) out[`num_services_${k}`] = 0;
  let worst = 0;
  let worstHard = 0;
  const names = ['ok', 'warn', 'crit', 'unknown'];
  for (const s of services) {
    if (!s.hasBeenChecked) { out['num_services_pending'] = (out['num_services_pending'] ?? 0) + 1; continue; }
    const n = names[s.state] ?? 'unknown';
    out[`num_services_${n}`] = (out[`num_services_${n}`] ?? 0) + 1;
    if (s.stateType === 1) out[`num_services_hard_${n}`] = (out[`num_services_hard_${n}`] ?? 0) + 1;
    // Icinga 2 ranks by the plain number: UNKNOWN (3) counts as worse than CRITICAL (2).
    if (s.state > worst) worst = s.state;
    if (s.stateType === 1 && s.state > worstHard) worstHard = s.state;
  }
  out['worst_service_state'] = worst;
  out['worst_service_hard_state'] = worstHard;
}

function counts(g: GroupRow): Record<string, number> {
  if (g.counts) return g.counts;
  const out: Record<string, number> = { num_hosts: g.hosts.length, num_hosts_up: 0, num_hosts_down: 0, num_hosts_unreach: 0, num_hosts_pending: 0 };
  let worstHost = 0;
  for (const h of g.hosts) {
    const k = !h.hasBeenChecked ? 'num_hosts_pending' : h.state === 0 ? 'num_hosts_up' : h.state === 1 ? 'num_hosts_down' : 'num_hosts_unreach';
    out[k] = (out[k] ?? 0) + 1;
    if (h.hasBeenChecked && h.state > worstHost) worstHost = h.state;
  }
  out['worst_host_state'] = worstHost;
  svcCounts(g.services, out);
  g.counts = out;
  return out;
}

const num = (key: string): Getter<GroupRow> => (g) => counts(g)[key] ?? 0;

export function hostgroupsTable(): TableDef<GroupRow> {
  return cached('hostgroups', () => {
    const g: Record<string, Getter<GroupRow>> = {
      action_url: () => '', alias: (r) => r.def.alias, members: (r) => r.hosts.map((h) => h.name), name: (r) => r.def.name,
      notes: () => '', notes_url: () => '', peer_key: (r) => r.sites.map((s) => s.key), peer_name: (r) => r.sites.map((s) => s.name),
    };
    for (const k of ['num_hosts', 'num_hosts_down', 'num_hosts_pending', 'num_hosts_unreach', 'num_hosts_up', 'num_services', 'num_services_crit',
      'num_services_hard_crit', 'num_services_hard_ok', 'num_services_hard_unknown', 'num_services_hard_warn', 'num_services_ok',
      'num_services_pending', 'num_services_unknown', 'num_services_warn', 'worst_host_state', 'worst_service_hard_state', 'worst_service_state']) g[k] = num(k);
    return makeTable<GroupRow>('hostgroups', livestatusHelp('hostgroups'), g);
  });
}

export function servicegroupsTable(): TableDef<GroupRow> {
  return cached('servicegroups', () => {
    const g: Record<string, Getter<GroupRow>> = {
      action_url: () => '', alias: (r) => r.def.alias, members: (r) => r.services.map((s) => [s.host.name, s.description]),
      name: (r) => r.def.name, notes: () => '', notes_url: () => '',
      peer_key: (r) => r.sites.map((s) => s.key), peer_name: (r) => r.sites.map((s) => s.name),
    };
    for (const k of ['num_services', 'num_services_crit', 'num_services_hard_crit', 'num_services_hard_ok', 'num_services_hard_unknown',
      'num_services_hard_warn', 'num_services_ok', 'num_services_pending', 'num_services_unknown', 'num_services_warn', 'worst_service_state']) g[k] = num(k);
    return makeTable<GroupRow>('servicegroups', livestatusHelp('servicegroups'), g);
  });
}

export interface SiteRow<T> { readonly v: T; readonly site: SiteState }

export function contactsTable(): TableDef<SiteRow<ContactRecord>> {
  return cached('contacts', () => makeTable<SiteRow<ContactRecord>>('contacts', livestatusHelp('contacts'), {
    alias: (r) => r.v.alias, can_submit_commands: () => 1, email: (r) => r.v.email, host_notification_period: () => null,
    host_notifications_enabled: (r) => (r.v.hostNotificationsEnabled ? 1 : 0), in_host_notification_period: () => null,
    in_service_notification_period: () => null, modified_attributes_list: () => 0, name: (r) => r.v.name, pager: (r) => r.v.pager,
    peer_key: (r) => r.site.key, peer_name: (r) => r.site.name, peer_section: (r) => r.site.section,
    service_notification_period: () => null, service_notifications_enabled: (r) => (r.v.serviceNotificationsEnabled ? 1 : 0),
  }, { extra: (r, key) => (key.startsWith('_') ? r.v.vars[key.slice(1).toLowerCase()] : undefined) }));
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

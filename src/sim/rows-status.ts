import { addPerfKeys, perfValue } from './perf.js';
import type { Getter, QueryCtx, TableDef } from './table-types.js';
import { livestatusHelp, makeTable } from './table-types.js';
import type { Checkable, JsonValue, ServiceRecord, SiteState } from './types.js';
import { F_EVENTHANDLER, F_FLAPDETECT, F_FRESHNESS, F_OBSESS, F_PERFDATA, HostRecord } from './types.js';
import { hashUnit } from './util.js';
import { boolOut, emptyOut, nagiosLike, reportedStateChange } from './flavour.js';

const bit = (o: Checkable, b: number): number => ((o.flags & b) !== 0 ? 1 : 0);
/** Empty text is null on Icinga 2 and "" on Naemon. */
const orNull = (o: Checkable, s: string): JsonValue => emptyOut(siteOf(o), s);
const naemon = (o: Checkable): boolean => nagiosLike(siteOf(o).core);

function checkIntervalSec(o: Checkable): number {
  return (o.state !== 0 && o.stateType === 0 ? o.cfg.retryInterval : o.cfg.checkInterval) * 60;
}

/** Actively checked objects keep getting checked while the simulator runs. */
export function effectiveLastCheck(o: Checkable, now: number): number {
  const forced = o.nextCheckAt;
  const last = forced > o.lastCheck && forced <= now ? forced : o.lastCheck;
  if (!o.hasBeenChecked && last === 0) return 0;
  if (o.checkType === 1 || !o.activeChecksEnabled) return last;
  const iv = checkIntervalSec(o);
  if (now - last < iv) return last;
  return last + Math.floor((now - last) / iv) * iv;
}

function nextCheck(o: Checkable, now: number): number {
  if (o.nextCheckAt > now) return o.nextCheckAt;
  if (!o.hasBeenChecked) return now + 30;
  return effectiveLastCheck(o, now) + checkIntervalSec(o);
}

function siteOf(o: Checkable): SiteState {
  return o instanceof HostRecord ? o.site : (o as ServiceRecord).host.site;
}

function withInfo(o: Checkable, kind: 'comments' | 'downtimes'): Array<[number, string, string]> {
  const ids = kind === 'comments' ? o.commentIds : o.downtimeIds;
  if (!ids) return [];
  const s = siteOf(o);
  const out: Array<[number, string, string]> = [];
  for (const id of ids) {
    const item = kind === 'comments' ? s.commentIndex.get(id) : s.downtimeIndex.get(id);
    if (item) out.push([id, item.author, item.comment]);
  }
  return out;
}

function info(o: Checkable, kind: 'comments' | 'downtimes'): string {
  return withInfo(o, kind)
    .map(([id, author, text]) => `id:${id} author:${author} text:${text}`)
    .join(', ');
}

/** Columns only Naemon's Livestatus has: a full Icinga 2 row leaves them out. */
const NAEMON_ONLY: ReadonlySet<string> = new Set(['depends_exec', 'depends_notify', 'last_update']);
const omitFor = (o: Checkable, key: string): boolean => NAEMON_ONLY.has(key) && !naemon(o);

function varNames(o: Checkable): string[] {
  return Object.keys(o.cfg.vars);
}

/** Columns both hosts and services have (Thruk's fetched set, JSON types as Icinga 2 returns them). */
function common(): Record<string, Getter<Checkable>> {
  return {
    accept_passive_checks: (o) => (o.acceptPassiveChecks ? 1 : 0),
    acknowledged: (o) => boolOut(siteOf(o), o.acknowledged),
    action_url: (o) => o.cfg.actionUrl,
    action_url_expanded: (o) => orNull(o, o.cfg.actionUrl),
    active_checks_enabled: (o) => (o.activeChecksEnabled ? 1 : 0),
    check_command: (o) => o.cfg.checkCommand,
    check_interval: (o) => o.cfg.checkInterval,
    check_options: (o) => (naemon(o) ? 0 : ''),
    check_period: (o) => orNull(o, o.cfg.checkPeriod),
    check_type: (o) => o.checkType,
    checks_enabled: (o) => (o.activeChecksEnabled ? 1 : 0),
    comments: (o) => [...(o.commentIds ?? [])],
    comments_info: (o) => info(o, 'comments'),
    comments_with_info: (o) => withInfo(o, 'comments'),
    contact_groups: () => [],
    contacts: (o) => [...o.cfg.contacts],
    current_attempt: (o) => o.currentAttempt,
    current_notification_number: (o) => o.currentNotificationNumber,
    // Naemon-only columns (omitted from Icinga 2 rows, see NAEMON_ONLY).
    depends_exec: () => [],
    depends_notify: () => [],
    last_update: (o, c) => (naemon(o) ? c.now : null),
    custom_variable_names: (o) => varNames(o),
    custom_variable_values: (o) => Object.values(o.cfg.vars),
    custom_variables: (o) => ({ ...o.cfg.vars }),
    downtimes_info: (o) => info(o, 'downtimes'),
    downtimes_with_info: (o) => withInfo(o, 'downtimes'),
    event_handler: (o) => orNull(o, ''),
    event_handler_enabled: (o) => bit(o, F_EVENTHANDLER),
    execution_time: executionTimeOf,
    first_notification_delay: (o) => (naemon(o) ? 0 : ''),
    flap_detection_enabled: (o) => bit(o, F_FLAPDETECT),
    has_been_checked: (o) => (o.hasBeenChecked ? 1 : 0),
    high_flap_threshold: () => 30,
    icon_image: () => '',
    icon_image_alt: () => '',
    icon_image_expanded: (o) => orNull(o, ''),
    in_check_period: () => 1,
    in_notification_period: () => 1,
    is_executing: () => 0,
    is_flapping: (o) => boolOut(siteOf(o), o.isFlapping),
    last_check: (o, c) => effectiveLastCheck(o, c.now),
    last_notification: (o) => o.lastNotification,
    last_state_change: (o) => reportedStateChange(o),
    last_state_change_order: (o) => o.lastStateChange || siteOf(o).program.programStart,
    latency: latencyOf,
    long_plugin_output: (o) => o.longPluginOutput,
    low_flap_threshold: () => 25,
    max_check_attempts: (o) => o.cfg.maxCheckAttempts,
    modified_attributes_list: (o) => (naemon(o) ? [] : 0),
    next_check: (o, c) => nextCheck(o, c.now),
    notes: (o) => o.cfg.notes,
    notes_expanded: (o) => orNull(o, o.cfg.notes),
    notes_url: (o) => o.cfg.notesUrl,
    notes_url_expanded: (o) => orNull(o, o.cfg.notesUrl),
    notification_interval: (o) => o.cfg.notificationInterval,
    notification_period: (o) => o.cfg.notificationPeriod,
    notifications_enabled: (o) => (o.notificationsEnabled ? 1 : 0),
    peer_key: (o) => siteOf(o).key,
    peer_name: (o) => siteOf(o).name,
    peer_section: (o) => siteOf(o).section,
    percent_state_change: (o) => o.percentStateChange,
    perf_data: (o) => o.perfData,
    plugin_output: (o) => o.pluginOutput,
    process_performance_data: (o) => bit(o, F_PERFDATA),
    retry_interval: (o) => o.cfg.retryInterval,
    scheduled_downtime_depth: (o) => o.scheduledDowntimeDepth,
    state: (o) => o.state,
    state_type: (o) => o.stateType,
  };
}

export function latencyOf(o: Checkable): number {
  if (!o.hasBeenChecked) return 0;
  return hashUnit(idOf(o), 7) < 0.05 ? 1.42992997169495 : 0.0002 + hashUnit(idOf(o), 5) / 1000;
}

export function executionTimeOf(o: Checkable): number {
  return o.hasBeenChecked ? Math.round(hashUnit(idOf(o), 11) * 2000) / 1000 : 0;
}

function idOf(o: Checkable): number {
  return o instanceof HostRecord ? o.id * 7 + 3 : (o as ServiceRecord).id * 7 + 5;
}

function countServices(h: HostRecord, pred: (s: ServiceRecord) => boolean): number {
  let n = 0;
  for (const s of h.services) if (pred(s)) n++;
  return n;
}

function lastTimeCurrent(o: Checkable, state: number, stored: number, now: number): number {
  return o.hasBeenChecked && o.state === state ? effectiveLastCheck(o, now) : stored;
}

function hostGetters(): Record<string, Getter<HostRecord>> {
  const g: Record<string, Getter<HostRecord>> = { ...(common() as Record<string, Getter<HostRecord>>) };
  Object.assign(g, {
    address: (h: HostRecord) => h.address,
    alias: (h: HostRecord) => h.alias,
    check_freshness: (h: HostRecord) => bit(h, F_FRESHNESS),
    childs: (h: HostRecord) => h.childs.map((c) => c.name),
    display_name: (h: HostRecord) => h.alias,
    groups: (h: HostRecord) => [...h.groups],
    last_time_down: (h: HostRecord, c: QueryCtx) => lastTimeCurrent(h, 1, h.lastTimeDown, c.now),
    last_time_unreachable: (h: HostRecord, c: QueryCtx) => lastTimeCurrent(h, 2, h.lastTimeUnreachable, c.now),
    last_time_up: (h: HostRecord, c: QueryCtx) => lastTimeCurrent(h, 0, h.lastTimeUp, c.now),
    name: (h: HostRecord) => h.name,
    num_services: (h: HostRecord) => h.services.length,
    num_services_crit: (h: HostRecord) => countServices(h, (s) => s.hasBeenChecked && s.state === 2),
    num_services_ok: (h: HostRecord) => countServices(h, (s) => s.hasBeenChecked && s.state === 0),
    num_services_pending: (h: HostRecord) => countServices(h, (s) => !s.hasBeenChecked),
    num_services_unknown: (h: HostRecord) => countServices(h, (s) => s.hasBeenChecked && s.state === 3),
    num_services_warn: (h: HostRecord) => countServices(h, (s) => s.hasBeenChecked && s.state === 1),
    obsess_over_host: (h: HostRecord) => bit(h, F_OBSESS),
    parents: (h: HostRecord) => h.parents.map((p) => p.name),
    services: (h: HostRecord) => h.services.map((s) => s.description).sort(),
  });
  return g;
}

const HOST_EMBED = [
  'accept_passive_checks',
  'acknowledged',
  'action_url_expanded',
  'active_checks_enabled',
  'address',
  'alias',
  'check_command',
  'check_type',
  'checks_enabled',
  'comments',
  'contact_groups',
  'contacts',
  'current_attempt',
  'custom_variable_names',
  'custom_variable_values',
  'custom_variables',
  'display_name',
  'groups',
  'has_been_checked',
  'icon_image_alt',
  'icon_image_expanded',
  'is_executing',
  'is_flapping',
  'last_state_change',
  'latency',
  'name',
  'notes',
  'notes_url_expanded',
  'notifications_enabled',
  'parents',
  'perf_data',
  'plugin_output',
  'scheduled_downtime_depth',
  'state',
] as const;

const STATE_ORDER = [0, 1, 4, 3];

function serviceGetters(hosts: Record<string, Getter<HostRecord>>): Record<string, Getter<ServiceRecord>> {
  const g: Record<string, Getter<ServiceRecord>> = { ...(common() as Record<string, Getter<ServiceRecord>>) };
  for (const col of HOST_EMBED) {
    const hg = hosts[col];
    if (hg) g[`host_${col}`] = (s, c) => hg(s.host, c);
  }
  Object.assign(g, {
    description: (s: ServiceRecord) => s.description,
    display_name: (s: ServiceRecord) => s.description,
    groups: (s: ServiceRecord) => [...s.groups],
    last_time_critical: (s: ServiceRecord, c: QueryCtx) => lastTimeCurrent(s, 2, s.lastTime(2), c.now),
    last_time_ok: (s: ServiceRecord, c: QueryCtx) => lastTimeCurrent(s, 0, s.lastTime(0), c.now),
    last_time_unknown: (s: ServiceRecord, c: QueryCtx) => lastTimeCurrent(s, 3, s.lastTime(3), c.now),
    last_time_warning: (s: ServiceRecord, c: QueryCtx) => lastTimeCurrent(s, 1, s.lastTime(1), c.now),
    obsess_over_service: (s: ServiceRecord) => bit(s, F_OBSESS),
    state_order: (s: ServiceRecord) => (s.hasBeenChecked ? (STATE_ORDER[s.state] ?? 3) : 2),
  });
  return g;
}

function varValue(vars: Readonly<Record<string, string | number>>, upper: string): JsonValue | undefined {
  for (const [k, v] of Object.entries(vars)) if (k.toUpperCase() === upper) return v;
  return undefined;
}

function addVars(out: Record<string, JsonValue>, vars: Readonly<Record<string, string | number>>, prefix: string): void {
  for (const [k, v] of Object.entries(vars)) {
    const key = `_${prefix}${k.toUpperCase()}`;
    if (!(key in out)) out[key] = v;
  }
}

let hostTable: TableDef<HostRecord> | undefined;
let serviceTable: TableDef<ServiceRecord> | undefined;

export function hostsTable(): TableDef<HostRecord> {
  if (hostTable) return hostTable;
  const getters = hostGetters();
  const known = (k: string): boolean => k in getters;
  hostTable = makeTable('hosts', livestatusHelp('hosts'), getters, {
    extra: (h, key) => (key.startsWith('_') ? varValue(h.cfg.vars, key.slice(1)) : perfValue(h.perfData, key)),
    expand: (h, out) => {
      addPerfKeys(out, h.perfData, '', known);
      addVars(out, h.cfg.vars, '');
    },
    omit: omitFor,
  });
  return hostTable;
}

export function servicesTable(): TableDef<ServiceRecord> {
  if (serviceTable) return serviceTable;
  const getters = serviceGetters(hostGetters());
  const known = (k: string): boolean => k in getters;
  serviceTable = makeTable('services', livestatusHelp('services'), getters, {
    extra: (s, key) => {
      if (key.startsWith('_')) {
        const own = varValue(s.cfg.vars, key.slice(1));
        if (own !== undefined) return own;
        return key.startsWith('_HOST') ? varValue(s.host.cfg.vars, key.slice(5)) : undefined;
      }
      const own = perfValue(s.perfData, key);
      if (own !== undefined) return own;
      return key.startsWith('host_') ? perfValue(s.host.perfData, key.slice(5)) : undefined;
    },
    expand: (s, out) => {
      addPerfKeys(out, s.perfData, '', known);
      addPerfKeys(out, s.host.perfData, 'host_', known);
      addVars(out, s.cfg.vars, '');
      addVars(out, s.host.cfg.vars, 'HOST');
    },
    omit: omitFor,
  });
  return serviceTable;
}
